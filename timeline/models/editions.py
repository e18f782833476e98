"""Editions: each (re-)publication of an article, prepared, live, then frozen."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline import links
from timeline.models.articles import Article
from timeline.models.common import PUBLICATION_YEARS


class EditionKind(models.TextChoices):
    ORIGINAL = "original", "First publication"
    ANNIVERSARY = "anniversary", "Anniversary"
    MANUAL = "manual", "Manual"
    PAST = "past", "Recorded past edition"


class EditionStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared"
    OVERDUE = "overdue", "Overdue: awaiting approval"
    LIVE = "live", "Live"
    SUPERSEDED = "superseded", "Superseded"


class EditionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status__in=[EditionStatus.PREPARED, EditionStatus.OVERDUE])

    def due(self, now):
        return self.waiting().filter(go_live_at__lte=now)

    def shown(self):
        """Editions readers can see: the live one and the frozen ones."""
        return self.filter(status__in=[EditionStatus.LIVE, EditionStatus.SUPERSEDED])


class Edition(models.Model):
    """
    One re-publication of an article: the first publication, an anniversary, or one cut by
    hand. When the next one goes live this one is superseded and frozen: its page is rebuilt
    from revision history as it stood at `superseded_at`.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="editions")
    kind = models.CharField(max_length=12, choices=EditionKind.choices)
    year = models.PositiveSmallIntegerField(help_text="Calendar year it goes live.")
    key = models.SlugField(max_length=20, help_text="Its part of the snapshot URL: 2019, 2019-2.")
    title = models.CharField(max_length=300)
    go_live_at = models.DateTimeField(validators=[PUBLICATION_YEARS])
    status = models.CharField(
        max_length=12, choices=EditionStatus.choices, default=EditionStatus.PREPARED
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    went_live_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The wall-clock moment its snapshot is rebuilt from: revision history is stamped with the
    # real clock, while superseded_at follows the scheduler's --now.
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_late = models.BooleanField(
        default=False, help_text="Went live after its time (the scheduler was catching up)."
    )
    # A past edition (kind "past") went out before this app: recorded, not replayed. Its text
    # is known only if a revision of ours holds it; else its page says what is known.
    archive_url = models.URLField(
        "archived copy",
        max_length=500,
        blank=True,
        help_text="A copy of the edition as it was (the Wayback Machine…), if there is one.",
    )
    day_known = models.BooleanField(
        "day known",
        default=True,
        help_text="Off when only the year it went live is known: the day is not shown.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-go_live_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EditionKind.values), name="edition_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values), name="edition_status_valid"
            ),
            models.UniqueConstraint(fields=["article", "key"], name="edition_key_unique"),
            # The scheduler's safety net: two runners can never both prepare the same year.
            models.UniqueConstraint(
                fields=["article", "year"],
                condition=Q(kind="anniversary"),
                name="edition_one_anniversary_per_year",
            ),
            models.UniqueConstraint(
                fields=["article"], condition=Q(status="live"), name="edition_one_live"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["live", "superseded"]) | Q(went_live_at__isnull=False),
                name="edition_live_has_went_live_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "go_live_at"], name="edition_due_idx"),
            # A story's feed: its articles' editions, newest first (no scan of every edition).
            models.Index(fields=["article", "-went_live_at"], name="edition_article_live_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.key})"

    def get_absolute_url(self):
        if self.status == EditionStatus.SUPERSEDED:
            return links.url("timeline:edition", self.article.slug, self.key)
        return self.article.get_absolute_url()

    @property
    def is_past_record(self):
        return self.kind == EditionKind.PAST

    def is_overdue(self, now):
        return self.status in (EditionStatus.PREPARED, EditionStatus.OVERDUE) and (
            self.go_live_at <= now
        )
