"""
What every content admin shares: saves stamped with who and why (HistoryAdmin, through
services.save_edited),
and the publish/unpublish actions that go through timeline.services (PublishActions).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from editorial.admin_mixins import RoleRulesAdmin
from timeline.admin.autocomplete import CheckedAutocomplete
from timeline.admin.forms import TEXT_INPUTS, versioned
from timeline.models import Status
from timeline.services import save_edited

# Fields of a form that are about the save, not the object.
_FORM_ONLY = {"change_reason", "version"}


def admin_date(moment):
    """A moment as the admin shows it: `13 Nov 2021, 21:16` in the site's zone ("—" if none)."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y, %H:%M}"


def edited(form):
    """Whether the editor changed anything of the object itself on `form`."""
    return any(name not in _FORM_ONLY for name in form.changed_data)


class TextInputs(CheckedAutocomplete):
    """
    What editors type, for every admin and inline: textareas keep \\n line endings
    (forms.PlainTextField), and an autocomplete field looks up only real keys (autocomplete).
    """

    formfield_overrides = TEXT_INPUTS


class RefusesStaleSaves:
    """
    Every change form carries the version it was loaded at, and a save over a newer one is
    refused with who saved meanwhile, the editor's input kept (forms.Versioned).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = versioned(self.form)

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != "version"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        # The version the form was loaded at travels with it, out of sight.
        return [*fieldsets, (None, {"fields": ["version"], "classes": ["hidden"]})]


class HistoryAdmin(RefusesStaleSaves, TextInputs, RoleRulesAdmin, SimpleHistoryAdmin):
    """Writes a change reason into every history row an admin save or delete produces."""

    def change_reason(self, form, change):
        typed = form.cleaned_data.get("change_reason", "") if form is not None else ""
        return typed or ("Edited in admin" if change else "Created in admin")

    def save_model(self, request, obj, form, change):
        # The admin saves the main object of every submitted page: one saved with nothing
        # changed writes no history row, as a revision that says nothing buries the real ones.
        quiet = change and not edited(form)
        if quiet:
            obj.skip_history_when_saving = True
        try:
            save_edited(
                obj,
                status_changed="status" in form.changed_data,
                user=request.user,
                reason=self.change_reason(form, change),
            )
        finally:
            if quiet:
                del obj.skip_history_when_saving

    def save_formset(self, request, form, formset, change):
        reason = self.change_reason(form, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._history_user, obj._change_reason = request.user, reason
            obj.delete()
        for inline_form in formset.saved_forms:
            save_edited(
                inline_form.instance,
                status_changed="status" in inline_form.changed_data,
                user=request.user,
                reason=reason,
            )
        formset.save_m2m()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history looks the version up as given: a non-number would be a 500.
        if not str(version_id).isdigit():
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_model(self, request, obj):
        obj._history_user, obj._change_reason = request.user, "Deleted in admin"
        obj.delete()

    def delete_queryset(self, request, queryset):
        # One by one, so each historical row gets the user and the reason.
        for obj in queryset:
            self.delete_model(request, obj)


def run_service(model_admin, request, queryset, service, *, verb, skip_status):
    """Apply one service to each selected item and tell the editor what happened."""
    done, skipped, failed = 0, 0, []
    for obj in queryset:
        if obj.status == skip_status:
            skipped += 1
            continue
        try:
            service(obj, user=request.user)
        except ValidationError as exc:
            failed.append(f"{obj}: {' '.join(exc.messages)}")
        else:
            done += 1
    opts = model_admin.model._meta
    if done:
        noun = opts.verbose_name if done == 1 else opts.verbose_name_plural
        model_admin.message_user(request, f"{done} {noun} {verb}.", messages.SUCCESS)
    if skipped:
        model_admin.message_user(
            request, f"{skipped} already {verb}, left as they were.", messages.INFO
        )
    for failure in failed:
        model_admin.message_user(request, f"Not {verb}: {failure}", messages.ERROR)


class PublishActions:
    """
    "Publish now" and "Unpublish" for articles and updates, each through its service with the
    editor as the history user; the subclass names the two services.
    """

    publish_service = unpublish_service = None  # staticmethods: (obj, *, user) -> obj

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            self.publish_service,
            verb="published",
            skip_status=Status.PUBLISHED,
        )

    @admin.action(description="Unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            self.unpublish_service,
            verb="unpublished",
            skip_status=Status.DRAFT,
        )
