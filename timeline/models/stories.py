"""A story: the subject being followed, and the settings of its anniversary series."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline import links
from timeline.editions import anniversaries
from timeline.models.common import (
    HISTORICAL_YEARS,
    default_milestone_patterns,
    default_time_zone,
    validate_milestone_patterns,
    validate_time_zone,
    validate_title_pattern,
)
from timeline.models.taxonomy import Tag


class Story(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    event_date = models.DateField(
        validators=[HISTORICAL_YEARS], help_text="The day it happened: its anniversary."
    )
    event_time = models.TimeField(null=True, blank=True, help_text="Local time, if known.")
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Where it happened, as an IANA zone name (Europe/Paris).",
    )
    summary = models.TextField(blank=True)
    default_image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="default_of_stories",
        help_text="Shown by the story's articles that have no lead picture of their own.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    # The anniversary series: when and how each year's edition of its articles goes out.
    publish_time = models.TimeField(
        "anniversary go-live time",
        default=datetime.time(9, 0),
        help_text="Local time in the newsroom's zone when each anniversary edition goes live.",
    )
    lead_days = models.PositiveSmallIntegerField(
        default=7, help_text="Prepare the next anniversary edition this many days ahead."
    )
    requires_approval = models.BooleanField(
        default=False,
        help_text="Anniversary editions go live only after an editor approves them.",
    )
    title_pattern = models.CharField(
        max_length=300,
        default=anniversaries.DEFAULT_TITLE_PATTERN,
        validators=[validate_title_pattern],
        help_text="Plain years. Placeholders: {story} {event_date} {years} {years_words} "
        "{ordinal}.",
    )
    milestone_patterns = models.JSONField(
        default=default_milestone_patterns,
        blank=True,
        validators=[validate_milestone_patterns],
        help_text='Milestone years with their own wording: {"5": "Five Years Ago — {story}"}.',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="story_slug_unique"),
            models.CheckConstraint(condition=Q(lead_days__lte=300), name="story_lead_days_range"),
        ]
        indexes = [models.Index(fields=["event_date"], name="story_event_date_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return links.url("timeline:story", self.slug)

    def clean(self):
        # Left blank (or sent as JSON null or []): no milestone has its own wording.
        if not self.milestone_patterns:
            self.milestone_patterns = {}

    def anniversary_go_live(self, year):
        return anniversaries.go_live_at(
            self.event_date, year, self.publish_time, settings.TIME_ZONE
        )

    def edition_title(self, year):
        return anniversaries.edition_title(
            story_title=self.title,
            event_date=self.event_date,
            year=year,
            pattern=self.title_pattern,
            milestones=self.milestone_patterns,
        )


class StoryAlias(models.Model):
    """
    The address of a story merged into another (services.merge_stories): readers' links to
    /stories/<slug>/… are sent on to the story it joined (timeline.site.old_addresses).
    """

    slug = models.SlugField(max_length=200, unique=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "story aliases"

    def __str__(self):
        return f"{self.slug} → {self.story}"
