"""The dated facts of a story's timeline, with the date bounds the database indexes."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractMonth
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from timeline import dates
from timeline.models.common import validate_edtf
from timeline.models.stories import Story
from timeline.models.taxonomy import Tag
from timeline.text import render_inline

# Entries sort by the year they start in, then by the position the editor gave them inside that
# year, then by date: `2006 May` may come before `2006` when the editor says so, while entries
# of different years never trade places. Positions default to 0, which leaves pure date order
# (start, wider range first, time) wherever an editor has not chosen. Filtering by date range
# still uses the canonical bounds (date_lower, date_upper, fuzzy bounds).
CHRONOLOGICAL = (
    "date_year",
    "position",
    "date_lower",
    "-date_upper",
    F("date_time").asc(nulls_first=True),
    "pk",
)


class TimelineEntryQuerySet(models.QuerySet):
    def chronological(self):
        """Year by year; within a year the editor's order (position), then the dates'."""
        return self.order_by(*CHRONOLOGICAL)

    def overlapping(self, start=None, end=None):
        """Entries whose (fuzzy) date range meets [start, end]; either end may be open."""
        qs = self
        if start is not None:
            qs = qs.filter(date_fuzzy_upper__gte=start)
        if end is not None:
            qs = qs.filter(date_fuzzy_lower__lte=end)
        return qs

    def on_day(self, month, day):
        """Day-precision entries on this calendar date, any year."""
        return self.filter(date_precision=dates.Precision.DAY, date_month=month, date_day=day)


class TimelineEntry(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="timeline_entries")
    date = models.CharField(
        max_length=64,
        validators=[validate_edtf],
        help_text="Canonical EDTF; editors type it the way they write it.",
    )
    date_label = models.CharField(
        max_length=64, blank=True, help_text="The date as the editor typed it: shown as written."
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Order among the entries of the same year (the editor's order)."
    )
    date_precision = models.CharField(
        max_length=8, choices=[(p.value, p.name.title()) for p in dates.Precision], editable=False
    )
    date_lower = models.DateField(editable=False)
    date_upper = models.DateField(editable=False)
    date_year = models.SmallIntegerField(default=0, editable=False)
    date_fuzzy_lower = models.DateField(editable=False)
    date_fuzzy_upper = models.DateField(editable=False)
    date_time = models.TimeField(null=True, blank=True, editable=False)
    # Filled for day-precision entries only, so "on this day" is one indexed lookup.
    date_month = models.PositiveSmallIntegerField(null=True, editable=False)
    date_day = models.PositiveSmallIntegerField(null=True, editable=False)
    text = models.TextField(help_text="Markdown, one or two sentences.")
    text_html = models.TextField(blank=True, editable=False)
    is_key_moment = models.BooleanField("key moment", default=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="timeline_entries")
    reference_url = models.URLField(max_length=500, blank=True)
    reference_title = models.CharField(max_length=300, blank=True)
    image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timeline_entries",
        help_text="A small picture beside the entry (optional).",
    )
    # With the count of a story's entries, the version of its timeline: the key of its cached
    # fragment (timeline.selectors.timelines). QuerySet.update() does not set it: save().
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimelineEntryQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = list(CHRONOLOGICAL)
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_precision__in=[p.value for p in dates.Precision]),
                name="timelineentry_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_lower__lte=F("date_upper"))
                & Q(date_fuzzy_lower__lte=F("date_lower"))
                & Q(date_upper__lte=F("date_fuzzy_upper")),
                name="timelineentry_bounds_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["story", "date_lower", "date_upper"], name="timelineentry_story_date_idx"
            ),
            models.Index(
                fields=["story", "date_year", "position", "date_lower"],
                name="timelineentry_story_order_idx",
            ),
            models.Index(
                fields=["story", "date_fuzzy_lower", "date_fuzzy_upper"],
                name="timelineentry_story_fuzzy_idx",
            ),
            # A story's timeline version (its entries' count and latest change) off the index.
            models.Index(fields=["story", "updated_at"], name="timelineentry_changed_idx"),
            # On this day: a calendar day's entries, the key moments first, then by date, so
            # the page reads its first rows off the index however busy the day.
            models.Index(
                "date_month",
                "date_day",
                F("is_key_moment").desc(),
                "date_lower",
                condition=Q(date_precision="day"),
                name="timelineentry_on_day_idx",
            ),
            # ... and "this month in history": month-precision entries of a month, the same way.
            models.Index(
                ExtractMonth("date_lower"),
                F("is_key_moment").desc(),
                "date_lower",
                condition=Q(date_precision="month"),
                name="timelineentry_in_month_idx",
            ),
        ]

    def __str__(self):
        return f"{self.date_display}: {Truncator(self.text).words(10)}"

    def save(self, *args, **kwargs):
        self.set_date(dates.from_edtf(self.date))
        self.text_html = render_inline(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#entry-{self.pk}"

    def set_date(self, value):
        self.date = value.edtf
        self.date_precision = value.precision
        self.date_lower, self.date_upper = value.lower, value.upper
        self.date_year = value.lower.year
        self.date_fuzzy_lower, self.date_fuzzy_upper = value.fuzzy_lower, value.fuzzy_upper
        self.date_time = value.time
        is_day = value.precision == dates.Precision.DAY
        self.date_month = value.lower.month if is_day else None
        self.date_day = value.lower.day if is_day else None

    @property
    def mixed_date(self):
        return dates.from_edtf(self.date)

    @property
    def date_display(self):
        """As the editor wrote it, else in house style."""
        return self.date_label or dates.format_date(self.mixed_date, tz=self.story.time_zone)
