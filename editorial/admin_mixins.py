"""
The role rules (timeline.permissions) applied to the admin, and the editor's comfort tools.

Mixed into timeline.admin's classes, so every view, action, inline and save asks the same
rules: a hidden button is never the only guard.

- RoleRulesAdmin: object-level change/delete permission, a `publish` action permission,
  status and go-live time read-only without publish rights, and the history view's revert
  refused to those who may not change the object.
- RoleRulesInline: an inline on an article follows the article; rows of updates the user may
  not edit are shown disabled (their posted values are ignored) and cannot be deleted.
- ArticleEditorTools: "Add this year's update" on each changelist row, autosave with its
  restore offer, the share-a-preview-link box, and Markdown preview buttons.
"""

import json
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from editorial import preview, services
from timeline import permissions
from timeline.models import EditionStatus

PUBLICATION_FIELDS = ("status", "publish_at")


def viewer_of(obj):
    """The user viewing this object's admin page (display methods only get the object)."""
    request = getattr(obj, "_editorial_request", None)
    return request.user if request is not None else AnonymousUser()


def _model_has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def _publication_fields(user, model):
    """The fields a user without publish rights may not set on this model."""
    if permissions.can_publish(user):
        return []
    return [f for f in PUBLICATION_FIELDS if _model_has_field(model, f)]


class EditorMedia:
    """Markdown preview next to the text areas (and, on an article, autosave)."""

    @property
    def media(self):
        script = forms.Script(
            "editorial/editor.js",
            **{"data-markdown-url": reverse("editorial:markdown_preview"), "defer": True},
        )
        return super().media + forms.Media(css={"all": ["editorial/editor.css"]}, js=[script])


class RoleRulesAdmin(EditorMedia):
    def has_publish_permission(self, request):
        """For `@admin.action(permissions=["publish"])` and the editions' own views."""
        return permissions.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_delete(request.user, obj))

    def get_queryset(self, request):
        # Who created each row, in the same query: the rules need it for every row listed.
        return permissions.with_creator(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        extra = _publication_fields(request.user, self.model)
        return fields + [f for f in extra if f not in fields]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The fields are read-only for this user, so what was posted for them was ignored:
        # a forged status must not read as "changed successfully" with nothing else said.
        ignored = {
            field.verbose_name
            for prefix, model in [(None, self.model), *((f.prefix, f.model) for f in formsets)]
            for field in map(model._meta.get_field, _publication_fields(request.user, model))
            if _posted(request.POST, prefix, field.name)
        }
        if ignored:
            self.message_user(
                request,
                f"Not applied: {', '.join(sorted(ignored))}. Only an editor may publish or "
                "schedule; everything else was saved.",
                messages.WARNING,
            )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # A view-only page shows every field read-only; "Reason for this change" is only a
        # form field, with nothing to show.
        shown = []
        for name, options in fieldsets:
            fields = [f for f in options.get("fields", ()) if f != "change_reason"]
            if fields:
                shown.append((name, {**options, "fields": fields}))
        return shown

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history lets anyone who may *view* an object post a revert of it.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if super().revert_disabled(request, obj):
            return True
        current = self.get_object(request, str(obj.pk)) if obj is not None else None
        return current is None or not self.has_change_permission(request, current)


def _posted(data, prefix, name):
    """Whether `data` has a value for field `name` of the form (or formset rows) at `prefix`."""
    row = rf"{re.escape(prefix)}-\d+-" if prefix else ""
    pattern = re.compile(rf"{row}{re.escape(name)}(_\d+)?")
    return any(pattern.fullmatch(key) and data.get(key) for key in data)


class _OwnRowsFormSet:
    """Rows the user may not edit: every field disabled, so posted values are ignored."""

    editor = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        instance = form.instance
        if instance.pk is None or permissions.can_edit(self.editor, instance):
            return
        keep = {self.model._meta.pk.name, getattr(self, "fk", None) and self.fk.name}
        for name, field in form.fields.items():
            if name not in keep:
                field.disabled = True


class RoleRulesInline:
    def _parent_allows(self, request, obj):
        return obj is None or permissions.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_allows(request, obj)

    def get_queryset(self, request):
        return permissions.with_creator(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        extra = _publication_fields(request.user, self.model)
        return fields + [f for f in extra if f not in fields]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if permissions.can_publish(request.user) or self.model not in permissions.PUBLISHABLE:
            return formset
        return type(formset.__name__, (_OwnRowsFormSet, formset), {"editor": request.user})


class ObjectKnowsRequest:
    """The object of a change page carries the request (see viewer_of)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Display methods only get the object: it carries the request to them.
            obj._editorial_request = request
        return obj


class ArticleEditorTools(ObjectKnowsRequest):
    """The article change form's helpers; `editor_tools` joins its first fieldset."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not fieldsets or not _has_tools(request.user, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "editor_tools"]}), *rest]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "editor_tools"]

    def get_list_display(self, request):
        # Next to the title, where a wide list cannot push it out of sight.
        first, *rest = super().get_list_display(request)
        return [first, self._add_update_column(request), *rest]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved: the autosaved copy of the new update has done its job.
        services.discard_draft(user=request.user, article=form.instance)

    def _add_update_column(self, request):
        user = request.user

        @admin.display(description="This year")
        def add_update(article):
            if permissions.can_edit(user, article):
                url = reverse("admin:timeline_article_change", args=[article.pk])
                return format_html(
                    '<a href="{}#updates-group">Add this year&rsquo;s update</a>', url
                )
            if user.has_perm("timeline.add_update"):
                # Someone else's (or published) article: the update on a form of its own.
                url = reverse("admin:timeline_update_add")
                return format_html(
                    '<a href="{}?article={}#new-update">Add this year&rsquo;s update</a>',
                    url,
                    article.pk,
                )
            return ""

        return add_update

    @admin.display(description="Editor tools")
    def editor_tools(self, obj):
        request = getattr(obj, "_editorial_request", None)
        if request is None or obj.pk is None:
            return ""
        user = request.user
        if permissions.can_edit(user, obj):
            parts = [_autosave_box(user, obj)]
        else:
            parts = [_add_update_elsewhere(user, obj)]
        parts.append(_share_box(request, article=obj))
        return format_html_join("", "{}", ((part,) for part in parts if part))


def _has_tools(user, article):
    return (
        permissions.can_edit(user, article)
        or permissions.can_publish(user)
        or user.has_perm("timeline.add_update")
    )


def _add_update_elsewhere(user, article):
    """Without the right to edit this article, an update is written on a form of its own."""
    if not user.has_perm("timeline.add_update"):
        return ""
    return format_html(
        '<p><a class="button" href="{}?article={}#new-update">Write this year&rsquo;s update</a>'
        " — saved as a draft for an editor to publish.</p>",
        reverse("admin:timeline_update_add"),
        article.pk,
    )


def _autosave_box(user, article):
    """Where the script posts drafts, and the restore offer when one is waiting."""
    draft = services.draft_to_offer(user=user, article=article)
    offer = ""
    if draft is not None:
        saved = timezone.localtime(draft.updated_at)
        when = f"{saved:%H:%M}" if saved.date() == timezone.localdate() else f"{saved:%d %b %H:%M}"
        offer = format_html(
            '<div class="editorial-offer" data-draft="{}"><p>Restore your unsaved update from '
            "{}?</p>"
            '<button type="button" class="button" data-editorial-restore>Restore it</button> '
            '<button type="button" class="button" data-editorial-discard>Discard it</button>'
            "</div>",
            json.dumps(draft.data),
            when,
        )
    return format_html(
        '<div id="editorial-autosave" data-autosave-url="{}" data-prefix="{}" data-fields="{}">'
        '{}<p class="editorial-status" role="status" aria-live="polite"></p></div>',
        reverse("editorial:autosave", args=[article.pk]),
        services.DRAFT_PREFIX,
        json.dumps(services.DRAFT_FIELDS),
        offer,
    )


def _share_box(request, *, article=None, edition=None):
    """A signed link to the unpublished page, for someone without an account (editors only)."""
    if not permissions.can_publish(request.user):
        return ""
    now = timezone.now()
    path = preview.preview_path(article=article or edition.article, edition=edition, now=now)
    until = timezone.localtime(preview.expires_at(now))
    return format_html(
        '<details class="editorial-share"><summary>Share a preview link</summary>'
        '<p><input type="text" readonly class="vTextField editorial-share__url" value="{}" '
        'aria-label="Preview link"> <button type="button" class="button" '
        "data-editorial-copy>Copy</button></p>"
        '<p class="help">Anyone with this link can read the unpublished page until {}.</p>'
        "</details>",
        request.build_absolute_uri(path),
        f"{until:%d %B %Y, %H:%M}",
    )


class EditionPreviewTools(ObjectKnowsRequest):
    """A prepared edition's page as it will go live: for staff, and as a shareable link."""

    @admin.display(description="Preview")
    def preview_links(self, obj):
        request = getattr(obj, "_editorial_request", None)
        if request is None or obj.status not in (EditionStatus.PREPARED, EditionStatus.OVERDUE):
            return "—"
        staff_link = format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview this edition on the site</a>',
            reverse("editorial:edition_preview", args=[obj.pk]),
        )
        return format_html("{}{}", staff_link, _share_box(request, edition=obj))
