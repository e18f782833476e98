"""
Whole-page revisions in the admin: the views and the change-form hooks of timeline.revisions.

RevisionsAdmin (articles and stories) adds, next to django-simple-history's per-object
History:
- Revisions: every change to the page (its children, quotes and timeline included), 50 a
  page, with two points to compare and a restore button on each;
- Compare and Restore (a confirmation page showing what the restore will change, then POST);
- no lost edits: the change form carries its version (admin.common.RefusesStaleSaves) and,
  when a save is refused, shows what the other editor changed;
- presence: who else has the form open, refreshed by static/timeline/admin/presence.js.

RecentlyDeletedAdmin (articles) lists the articles, updates, quotes and timeline entries
deleted in the last 90 days, each with a Recover button.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from timeline import permissions, revisions, services
from timeline.models import Article, TimelineEntry
from timeline.revisions import presence


class RestoreForm(forms.Form):
    include_timeline = forms.BooleanField(
        label="Also restore the story's timeline",
        required=False,
        initial=True,
        help_text="The timeline belongs to the story: every article of the story shows it.",
    )


class RevisionsAdmin:
    """Mixed into the ModelAdmin of a page that is revised as a whole (Article, Story)."""

    change_form_template = "admin/timeline/revisions/change_form.html"

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name=self._url_name("revisions"),
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name=self._url_name("compare"),
            ),
            path(
                "<path:object_id>/revisions/<str:point>/restore/",
                wrap(self.restore_view),
                name=self._url_name("restore"),
            ),
            path(
                "<path:object_id>/presence/",
                wrap(self.presence_view),
                name=self._url_name("presence"),
            ),
            *super().get_urls(),
        ]

    # ----------------------------------------------------------------- change form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            form = context["adminform"].form
            now = timezone.now()
            editing = self.has_change_permission(request, obj)
            editors = (
                presence.check_in(obj, request.user, now=now)
                if editing
                else presence.others(obj, request.user, now=now)
            )
            context.update(
                conflict=getattr(form, "conflict", None),
                presence_notices=[editor.notice(obj, now=now) for editor in editors],
                presence_url=reverse(f"admin:{self._url_name('presence')}", args=[obj.pk]),
                presence_every=presence.CHECK_IN_EVERY if editing else 0,
                revisions_url=reverse(f"admin:{self._url_name('revisions')}", args=[obj.pk]),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ----------------------------------------------------------------------- views

    def _page_object(self, request, object_id, *, restore=False):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name}.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if restore and not self._may_restore(request, obj):
            raise PermissionDenied
        return obj

    def _may_restore(self, request, obj):
        # A restore brings statuses back and removes what was added since: a publishing
        # decision (timeline.permissions.can_restore) on top of the right to change the page.
        return self.has_change_permission(request, obj) and permissions.can_restore(request.user)

    def _context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "opts": self.opts,
            "original": obj,
            "revisions_url": reverse(f"admin:{self._url_name('revisions')}", args=[obj.pk]),
            "change_url": reverse(f"admin:{self._url_name('change')}", args=[obj.pk]),
            **extra,
        }

    def revisions_view(self, request, object_id):
        """Every change to the page, newest first, 50 a page."""
        obj = self._page_object(request, object_id)
        changes = revisions.changes_of(obj)
        page = Paginator(changes, revisions.PER_PAGE).get_page(request.GET.get("page"))
        revisions.describe(page.object_list)
        newest = page.object_list[:2]
        context = self._context(
            request,
            obj,
            f"Revisions of “{obj}”",
            page_obj=page,
            changes=page.object_list,
            compare_url=reverse(f"admin:{self._url_name('compare')}", args=[obj.pk]),
            default_to=newest[0].key if page.number == 1 and newest else "",
            default_from=newest[1].key if page.number == 1 and len(newest) > 1 else "",
            can_restore=self._may_restore(request, obj),
            restore_name=f"admin:{self._url_name('restore')}",
            is_article=isinstance(obj, Article),
        )
        return TemplateResponse(request, "admin/timeline/revisions/list.html", context)

    def compare_view(self, request, object_id):
        """Two points of the page's history, field by field and child by child."""
        obj = self._page_object(request, object_id)
        keys = request.GET.get("from"), request.GET.get("to")
        if not all(keys):
            messages.error(request, "Choose two revisions to compare.")
            return redirect(f"admin:{self._url_name('revisions')}", obj.pk)
        points = [revisions.find_change(obj, key) for key in keys]
        if None in points:
            raise Http404("No such revision of this page.")
        older, newer = revisions.describe(sorted(points, key=lambda c: (c.when, c.row.history_id)))
        context = self._context(
            request,
            obj,
            f"Compare revisions of “{obj}”",
            older=older,
            newer=newer,
            comparison=revisions.compare(obj, older.when, newer.when),
            can_restore=self._may_restore(request, obj),
            restore_name=f"admin:{self._url_name('restore')}",
        )
        return TemplateResponse(request, "admin/timeline/revisions/compare.html", context)

    def restore_view(self, request, object_id, point):
        """What restoring to `point` changes (GET), then the restore itself (POST)."""
        obj = self._page_object(request, object_id, restore=True)
        target = revisions.find_change(obj, point)
        if target is None:
            raise Http404("No such revision of this page.")
        revisions.describe([target])
        may_restore_timeline = self._may_restore_timeline(request)
        form = RestoreForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            include_timeline = may_restore_timeline and form.cleaned_data["include_timeline"]
            try:
                report = services.restore(
                    obj=obj,
                    moment=target.when,
                    user=request.user,
                    include_timeline=include_timeline,
                )
            except (ValidationError, IntegrityError) as exc:
                detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"Nothing was restored: {detail}")
            else:
                messages.success(request, report.summary)
                for note in report.notes:
                    messages.warning(request, note)
                return redirect(f"admin:{self._url_name('revisions')}", obj.pk)
        context = self._context(
            request,
            obj,
            f"Restore “{obj}”",
            target=target,
            form=form,
            may_restore_timeline=may_restore_timeline,
            is_article=isinstance(obj, Article),
            # What the page will look like: from now to the chosen point.
            comparison=revisions.compare(obj, None, target.when, restoring=True),
        )
        return TemplateResponse(request, "admin/timeline/revisions/restore.html", context)

    def _may_restore_timeline(self, request):
        entry_admin = self.admin_site.get_model_admin(TimelineEntry)
        return all(
            check(request)
            for check in (
                entry_admin.has_add_permission,
                entry_admin.has_change_permission,
                entry_admin.has_delete_permission,
            )
        )

    def presence_view(self, request, object_id):
        """
        Who else has this form open. The page's script POSTs here every 30 s to check in (and
        once with `leave` when it is closed); a GET only reads.
        """
        obj = self._page_object(request, object_id)
        now = timezone.now()
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            if request.POST.get("leave"):
                presence.leave(obj, request.user, now=now)
                editors = []
            else:
                editors = presence.check_in(obj, request.user, now=now)
        else:
            editors = presence.others(obj, request.user, now=now)
        return JsonResponse(
            {
                "notices": [editor.notice(obj, now=now) for editor in editors],
                "editors": [
                    {"name": editor.name, "since": editor.since.isoformat()} for editor in editors
                ],
            }
        )


class RecentlyDeletedAdmin:
    """Mixed into ArticleAdmin: the "Recently deleted" page and its Recover buttons."""

    change_list_template = "admin/timeline/revisions/article_change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "recently-deleted/",
                wrap(self.recently_deleted_view),
                name="timeline_article_recently_deleted",
            ),
            path(
                "recently-deleted/recover/",
                wrap(self.recover_view),
                name="timeline_article_recover",
            ),
            *super().get_urls(),
        ]

    def _kind_admin(self, kind):
        return self.admin_site.get_model_admin(kind.model)

    def recently_deleted_view(self, request):
        now = timezone.now()
        kinds = [
            kind
            for kind in revisions.RECOVERABLE
            if self._kind_admin(kind).has_view_or_change_permission(request)
        ]
        if not kinds:
            raise PermissionDenied
        items = revisions.recently_deleted(now=now, kinds=kinds)
        page = Paginator(items, revisions.PER_PAGE).get_page(request.GET.get("page"))
        revisions.describe_deleted(page.object_list)
        for item in page.object_list:
            kind_admin = self._kind_admin(item.kind)
            item.can_recover = not item.blocker and (
                permissions.can_restore(request.user)
                and kind_admin.has_add_permission(request)
                and kind_admin.has_change_permission(request)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Recently deleted",
            "opts": self.opts,
            "page_obj": page,
            "items": page.object_list,
            "days": revisions.RECENTLY_DELETED_DAYS,
        }
        return TemplateResponse(request, "admin/timeline/revisions/recently_deleted.html", context)

    def recover_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        kind = revisions.KINDS.get(request.POST.get("kind", ""))
        pk = request.POST.get("id", "")
        if kind not in revisions.RECOVERABLE or not pk.isdigit():
            raise Http404("Nothing to recover.")
        kind_admin = self._kind_admin(kind)
        last = revisions.last_known(kind, int(pk))
        if last is None:
            raise Http404("Nothing to recover.")
        allowed = (
            permissions.can_restore(request.user)
            and kind_admin.has_add_permission(request)
            and kind_admin.has_change_permission(request, last)
        )
        if not allowed:
            raise PermissionDenied
        try:
            obj, report = services.recover(kind=kind, pk=int(pk), user=request.user)
        except (ValidationError, IntegrityError) as exc:
            detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"Not recovered: {detail}")
        else:
            url = reverse(
                f"admin:{kind.model._meta.app_label}_{kind.model._meta.model_name}_change",
                args=[obj.pk],
            )
            messages.success(
                request, format_html('{} <a href="{}">Open it</a>.', report.summary, url)
            )
            for note in report.notes:
                messages.warning(request, note)
        return redirect("admin:timeline_article_recently_deleted")
