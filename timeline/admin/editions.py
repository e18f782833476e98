"""Editions: approval (one by one or as an action) and the upcoming-anniversaries page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.admin_mixins import EditionPreviewTools
from timeline import services
from timeline.admin.common import HistoryAdmin
from timeline.editions import schedule
from timeline.models import Edition, EditionStatus


@admin.register(Edition)
class EditionAdmin(EditionPreviewTools, HistoryAdmin):
    """
    Editions are made by run_schedule and by "Cut a new edition"; editors approve them and
    may retitle one that has not gone live yet.
    """

    list_display = ["title", "article", "kind", "status_flag", "go_live_at", "went_live_at"]
    list_filter = ["status", "kind", "is_late"]
    list_select_related = ["article"]
    search_fields = ["title", "article__title"]
    date_hierarchy = "go_live_at"
    change_list_template = "admin/timeline/edition/change_list.html"
    actions = ["approve"]
    fields = [
        "article",
        "title",
        "kind",
        "year",
        "key",
        "status",
        "go_live_at",
        "approved_at",
        "approved_by",
        "went_live_at",
        "superseded_at",
        "is_late",
        "preview_links",
    ]

    def get_readonly_fields(self, request, obj=None):
        waiting = obj is not None and obj.status in (
            EditionStatus.PREPARED,
            EditionStatus.OVERDUE,
        )
        return [f for f in self.fields if not (waiting and f == "title")]

    def has_add_permission(self, request):
        return False

    @admin.display(description="status", ordering="status")
    def status_flag(self, obj):
        if obj.is_overdue(timezone.now()):
            return format_html('<strong class="errornote">{}</strong>', "Overdue: approve it")
        return obj.get_status_display()

    @admin.action(description="Approve (due ones go live now)", permissions=["publish"])
    def approve(self, request, queryset):
        for edition in queryset:
            self._approve(request, edition)

    def _approve(self, request, edition):
        if edition.went_live_at is None and schedule.no_update_since_last_edition(edition):
            self.message_user(
                request,
                f"“{edition.title}”: {schedule.STALE_WARNING}; the article returns to the top "
                "with nothing new. Add an update, or retitle it.",
                messages.WARNING,
            )
        edition = services.approve_edition(edition=edition, user=request.user)
        state = "is live" if edition.status == EditionStatus.LIVE else "is approved"
        self.message_user(request, f"“{edition.title}” {state}.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "upcoming/",
                self.admin_site.admin_view(self.upcoming_view),
                name="timeline_edition_upcoming",
            ),
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="timeline_edition_approve",
            ),
            *super().get_urls(),
        ]

    def upcoming_view(self, request):
        """Anniversaries in the next 60 days and anything overdue, with one-click approve."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": "Upcoming anniversaries",
            "rows": schedule.upcoming(now=now, days=60),
            "now": now,
            "opts": self.model._meta,
            "can_approve": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/timeline/edition/upcoming.html", context)

    def approve_view(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, edition):
            raise PermissionDenied
        self._approve(request, edition)
        return redirect(request.POST.get("next") or reverse("admin:timeline_edition_upcoming"))
