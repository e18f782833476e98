"""
The editors' admin.

Every content model keeps its History view (SimpleHistoryAdmin). Each save records who (the
request's user) and why (the "Reason for this change" field, or a default) on the object and on
every inline row saved with it. Status changes and the publish/unpublish actions go through
timeline.services, which own the publication rule; nothing here writes it a second time.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from editorial.admin_mixins import (
    ArticleEditorTools,
    EditionPreviewTools,
    RoleRulesAdmin,
    RoleRulesInline,
    viewer_of,
)
from timeline import dates, permissions, services
from timeline.admin.forms import (
    ArticleForm,
    ManualEditionForm,
    QuoteForm,
    ReferenceForm,
    StoryForm,
    TimelineEntryForm,
    TimelineEntryFormSet,
    UpdateForm,
)
from timeline.editions import schedule
from timeline.models import (
    Article,
    Category,
    Edition,
    EditionStatus,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.revisions.admin import RecentlyDeletedAdmin, RevisionsAdmin

CHRONOLOGICAL = ["date_lower", "-date_upper", F("date_time").asc(nulls_first=True), "pk"]


def save_edited(obj, *, status_changed, user, reason):
    """
    Save what an editor changed on a form, stamped with who and why.

    When the editor moved the status, the service that owns that move saves the object: it
    fills what the rule needs (published_at, featured_at, publish_at) and validates.
    """
    permissions.check_may_save(user, obj)
    obj._history_user = user
    obj._change_reason = reason
    if status_changed:
        match obj, obj.status:
            case Article(), Status.PUBLISHED:
                return services.publish_article(article=obj, user=user, reason=reason)
            case Article(), Status.DRAFT:
                return services.unpublish_article(article=obj, user=user, reason=reason)
            case Article(), Status.SCHEDULED:
                return services.schedule_article(
                    article=obj, publish_at=obj.publish_at, user=user, reason=reason
                )
            case Update(), Status.PUBLISHED:
                return services.publish_update(update=obj, user=user, reason=reason)
            case Update(), Status.DRAFT:
                return services.unpublish_update(update=obj, user=user, reason=reason)
    obj.save()
    return obj


class HistoryAdmin(RoleRulesAdmin, SimpleHistoryAdmin):
    """Writes a change reason into every history row an admin save or delete produces."""

    def change_reason(self, form, change):
        typed = form.cleaned_data.get("change_reason", "") if form is not None else ""
        return typed or ("Edited in admin" if change else "Created in admin")

    def save_model(self, request, obj, form, change):
        save_edited(
            obj,
            status_changed="status" in form.changed_data,
            user=request.user,
            reason=self.change_reason(form, change),
        )

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


# ---------------------------------------------------------------- article inlines


class NewUpdateInline(RoleRulesInline, admin.StackedInline):
    """
    One empty update form, placed above the existing updates: this year's update is one click.

    A formset of its own (rather than the extra form of the list below) puts it first in the
    page itself, for keyboards and screen readers too, without reordering the rows that the
    admin's inline script numbers.
    """

    model = Update
    form = UpdateForm
    extra = 1
    verbose_name = "new update"
    verbose_name_plural = "new update"
    fields = ["kind", "dated_at", "headline", "body", "status", "publish_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class UpdateInline(RoleRulesInline, admin.StackedInline):
    """The article's updates, newest first; new ones are added in NewUpdateInline above."""

    model = Update
    form = UpdateForm
    extra = 0
    ordering = ["-dated_at", "-pk"]
    fields = ["kind", "dated_at", "headline", "body", "status", "publish_at", "anchor"]
    readonly_fields = ["anchor"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class QuotePlacementInline(RoleRulesInline, admin.TabularInline):
    model = QuotePlacement
    extra = 1
    autocomplete_fields = ["quote"]
    ordering = ["placement", "order", "pk"]
    fields = ["quote", "placement", "after_paragraph", "order"]
    verbose_name = "quote"
    verbose_name_plural = "quotes (epigraphs and inline)"


class RelatedLinkInline(RoleRulesInline, admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
    fields = ["target", "url", "label", "order"]
    verbose_name_plural = "related posts"


class EmbedInline(RoleRulesInline, admin.TabularInline):
    model = Embed
    extra = 0
    fields = ["kind", "provider", "url", "title", "caption", "order"]
    verbose_name_plural = "embedded media"


class ReferenceInline(RoleRulesInline, admin.TabularInline):
    model = Reference
    form = ReferenceForm
    extra = 1
    fields = ["title", "outlet", "published_on", "url", "accessed_on", "order"]


# ------------------------------------------------------------------- articles


@admin.register(Article)
class ArticleAdmin(
    PublishActions, RevisionsAdmin, RecentlyDeletedAdmin, ArticleEditorTools, HistoryAdmin
):
    publish_service = staticmethod(
        lambda article, **kw: services.publish_article(article=article, **kw)
    )
    unpublish_service = staticmethod(
        lambda article, **kw: services.unpublish_article(article=article, **kw)
    )
    form = ArticleForm
    list_display = ["title", "story", "status", "published_at", "featured_at"]
    list_filter = ["status", "category", "tags", "story"]
    list_select_related = ["story"]
    search_fields = ["title", "lede", "body", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["story", "category", "tags"]
    readonly_fields = ["published_at", "featured_at", "site_link", "editions_list"]
    # In the order the page shows them.
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "byline", "story", "site_link"]}),
        (
            "Publication",
            {"fields": ["status", "publish_at", "published_at", "featured_at", "recurring"]},
        ),
        ("Text", {"fields": ["summary", "lede", "body"]}),
        ("Timeline", {"fields": ["timeline_until"]}),
        ("Filed under", {"fields": ["category", "tags"]}),
        ("Comments", {"fields": ["comments_open"]}),
        ("Editions", {"fields": ["editions_list"]}),
        ("History", {"fields": ["change_reason"]}),
    ]
    inlines = [
        NewUpdateInline,
        UpdateInline,
        QuotePlacementInline,
        RelatedLinkInline,
        EmbedInline,
        ReferenceInline,
    ]
    actions = ["publish_now", "unpublish"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/cut-edition/",
                self.admin_site.admin_view(self.cut_edition_view),
                name="timeline_article_cut_edition",
            ),
            *super().get_urls(),
        ]

    def cut_edition_view(self, request, object_id):
        """A manual edition between anniversaries: `<title> [UPDATE: …]`, live at once."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_publish_permission(request):
            raise PermissionDenied
        form = ManualEditionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not article.is_published:
                form.add_error(None, "Publish the article before cutting a new edition of it.")
            else:
                edition = services.cut_manual_edition(
                    article=article, suffix=form.cleaned_data["suffix"], user=request.user
                )
                self.message_user(request, f"Edition “{edition.title}” is live.", messages.SUCCESS)
                return redirect("admin:timeline_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Cut a new edition of “{article}”",
            "article": article,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/cut_edition.html", context)

    @admin.display(description="On the site")
    def site_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save first to preview it."
        # The public view shows staff the article whatever its status: a preview for drafts.
        label = "View on site" if obj.is_published else "Preview on site (not public yet)"
        link = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )
        if not obj.is_published or not permissions.can_publish(viewer_of(obj)):
            return link
        return format_html(
            '{} · <a href="{}">Cut a new edition</a>',
            link,
            reverse("admin:timeline_article_cut_edition", args=[obj.pk]),
        )

    @admin.display(description="Editions, newest first")
    def editions_list(self, obj):
        """Made by the scheduler and by "Cut a new edition"; each links to its own page."""
        editions = list(obj.editions.all()) if obj and obj.pk else []
        if not editions:
            return "None yet: the first is made when the article is published."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {}, {}{}</li>',
                (
                    (
                        reverse("admin:timeline_edition_change", args=[e.pk]),
                        e.title,
                        e.get_kind_display(),
                        e.get_status_display().lower(),
                        f" (goes live {timezone.localtime(e.go_live_at):%d %b %Y %H:%M})"
                        if e.went_live_at is None
                        else f" ({timezone.localtime(e.went_live_at):%d %b %Y %H:%M})",
                    )
                    for e in editions
                ),
            ),
        )

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # A new article has no updates to list yet.
        return [i for i in inlines if obj is not None or not isinstance(i, UpdateInline)]


@admin.register(Update)
class UpdateAdmin(PublishActions, HistoryAdmin):
    publish_service = staticmethod(
        lambda update, **kw: services.publish_update(update=update, **kw)
    )
    unpublish_service = staticmethod(
        lambda update, **kw: services.unpublish_update(update=update, **kw)
    )
    form = UpdateForm
    list_display = ["__str__", "article", "kind", "status", "dated_at", "published_at"]
    list_filter = ["kind", "status", "article"]
    list_select_related = ["article"]
    search_fields = ["headline", "body", "article__title"]
    date_hierarchy = "dated_at"
    autocomplete_fields = ["article"]
    readonly_fields = ["anchor", "published_at"]
    fields = [
        "article",
        "kind",
        "dated_at",
        "headline",
        "body",
        "status",
        "publish_at",
        "published_at",
        "anchor",
    ]
    actions = ["publish_now", "unpublish"]


# --------------------------------------------------------------------- stories


class TimelineEntryInline(admin.TabularInline):
    model = TimelineEntry
    form = TimelineEntryForm
    formset = TimelineEntryFormSet
    extra = 1
    ordering = CHRONOLOGICAL
    fields = ["date", "text", "is_key_moment", "tags", "reference_url", "reference_title"]
    autocomplete_fields = ["tags"]


@admin.register(Story)
class StoryAdmin(RevisionsAdmin, HistoryAdmin):
    form = StoryForm
    list_display = ["title", "event_date", "time_zone"]
    list_filter = ["tags"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "tags"]}),
        ("The event", {"fields": ["event_date", "event_time", "time_zone"]}),
        (
            "Anniversary editions",
            {
                "fields": [
                    "publish_time",
                    "lead_days",
                    "requires_approval",
                    "title_pattern",
                    "milestone_patterns",
                ]
            },
        ),
        ("History", {"fields": ["change_reason"]}),
    ]
    inlines = [TimelineEntryInline]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(HistoryAdmin):
    form = TimelineEntryForm
    list_display = ["house_date", "story", "short_text", "is_key_moment"]
    list_filter = ["story", "is_key_moment", "date_precision", "tags"]
    list_select_related = ["story"]
    search_fields = ["text"]
    ordering = CHRONOLOGICAL
    autocomplete_fields = ["story", "tags"]

    @admin.display(description="date", ordering="date_lower")
    def house_date(self, obj):
        return obj.date_display

    @admin.display(description="text")
    def short_text(self, obj):
        return Truncator(obj.text).words(16)


# ---------------------------------------------------------------------- quotes


@admin.register(Quote)
class QuoteAdmin(HistoryAdmin):
    form = QuoteForm
    list_display = ["speaker", "speaker_role", "outlet", "said_on_display", "times_placed"]
    search_fields = ["text", "speaker", "work", "outlet"]
    # Explicit: the placement count groups the query, and grouped queries drop Meta.ordering.
    ordering = ["speaker", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(placement_count=Count("placements"))

    @admin.display(description="said on", ordering="said_on")
    def said_on_display(self, obj):
        return dates.format_date(obj.said_on_date) if obj.said_on else "—"

    @admin.display(description="placements", ordering="placement_count")
    def times_placed(self, obj):
        return obj.placement_count


# ----------------------------------------------------------- categories, tags


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# -------------------------------------------------------------------- editions


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
