"""Stories with their timeline entries, timeline entries on their own, quotes, categories, tags."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.text import Truncator

from timeline import dates, services
from timeline.admin.common import HistoryAdmin, TextInputs
from timeline.admin.forms import QuoteForm, StoryForm, TimelineEntryForm, TimelineEntryFormSet
from timeline.admin.paste import PasteAList
from timeline.admin.rows import QuietRowsAdmin
from timeline.models import Category, Quote, Story, Tag, TimelineEntry
from timeline.models.entries import CHRONOLOGICAL
from timeline.revisions.admin import RevisionsAdmin

# --------------------------------------------------------------------- stories


class TimelineEntryInline(TextInputs, admin.TabularInline):
    model = TimelineEntry
    form = TimelineEntryForm
    formset = TimelineEntryFormSet
    extra = 1
    ordering = CHRONOLOGICAL
    fields = [
        *("date", "position", "text", "is_key_moment", "tags", "reference_url"),
        "reference_title",
        "image",
    ]
    autocomplete_fields = ["tags"]
    raw_id_fields = ["image"]


@admin.register(Story)
class StoryAdmin(PasteAList, QuietRowsAdmin, RevisionsAdmin, HistoryAdmin):
    paste_kinds = ("timeline",)
    form = StoryForm
    list_display = ["title", "event_date", "time_zone"]
    list_filter = ["tags"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    raw_id_fields = ["default_image"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "default_image", "tags"]}),
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
    actions = ["merge_stories"]

    @admin.action(description="Merge the selected stories", permissions=["change", "delete"])
    def merge_stories(self, request, queryset):
        """Asks which story to keep (the oldest by default), then services.merge_stories."""
        chosen = list(
            queryset.annotate(
                article_count=Count("articles", distinct=True),
                entry_count=Count("timeline_entries", distinct=True),
            ).order_by("pk")
        )
        if len(chosen) < 2:
            self.message_user(request, "Choose two stories or more to merge.", messages.WARNING)
            return None
        keep = next((s for s in chosen if str(s.pk) == request.POST.get("into")), None)
        if request.POST.get("post") != "yes" or keep is None:
            context = {
                **self.admin_site.each_context(request),
                "title": "Merge stories",
                "opts": self.model._meta,
                "stories": chosen,
                "keep": chosen[0],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/timeline/story/merge.html", context)
        done = services.merge_stories(into=keep, others=chosen, user=request.user)
        self.message_user(
            request,
            f"Merged {done['stories']} stor{'y' if done['stories'] == 1 else 'ies'} into "
            f"“{keep.title}”: {done['articles']} articles and {done['entries']} timeline entries"
            f" moved, {done['repeats']} repeated entries dropped.",
            messages.SUCCESS,
        )
        return None


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
        return (obj.said_on_label or dates.format_date(obj.said_on_date)) if obj.said_on else "—"

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
