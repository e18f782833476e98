"""
The newsroom's own settings, edited in the admin with history: its name, the follow line under
each article, its social handle and address, and the time zone editors start from.

One row (pk 1, a named constraint). Until an editor saves it, the values come from the server's
settings (settings.NEWSROOM, from the environment), so a fresh install behaves as before.
Pages read it through `SiteSettings.load()`, from Django's cache: no query on a warm request.
A save drops the cached copy at once and again when the transaction commits (a reader's request
in between may have put the old values back).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.models.common import validate_time_zone

# Versioned: a deploy that adds a field never reads a copy cached without it.
CACHE_KEY = "site-settings:v1"
# A write that bypasses save() (loaddata, QuerySet.update) shows within the hour.
MAX_AGE = 3600
FIELDS = ("name", "follow_line", "social_handle", "social_url", "time_zone")
DEFAULT_FOLLOW_LINE = (
    "We come back to this story on every anniversary. Follow us for each new update:"
)


def defaults():
    """The values of a site nobody has configured in the admin: the server's settings."""
    configured = getattr(settings, "NEWSROOM", {})
    return {
        "name": configured.get("name", "Newsroom"),
        "follow_line": configured.get("follow_line", DEFAULT_FOLLOW_LINE),
        "social_handle": configured.get("social_handle", ""),
        "social_url": configured.get("social_url", ""),
        "time_zone": configured.get("time_zone", settings.TIME_ZONE),
    }


class SiteSettings(models.Model):
    name = models.CharField("newsroom name", max_length=100)
    follow_line = models.CharField(
        max_length=300,
        blank=True,
        help_text="The sentence under each article inviting readers to follow; "
        "the social handle follows it as a link. Empty: no follow box.",
    )
    social_handle = models.CharField(
        max_length=100, blank=True, help_text="As readers see it, e.g. @dailyexample."
    )
    social_url = models.URLField(
        "social address", max_length=300, blank=True, help_text="Where the handle links to."
    )
    time_zone = models.CharField(
        "editors' default time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="An IANA name such as Europe/Paris: the zone a new story starts in.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="sitesettings_single_row")]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(CACHE_KEY), using=kwargs.get("using"))

    def get_absolute_url(self):
        return reverse("timeline:home")

    @classmethod
    def load(cls):
        """The settings as pages show them: from the cache, else one query (then cached)."""
        stored = cache.get(CACHE_KEY)
        if stored is None:
            row = cls.objects.filter(pk=1).values(*FIELDS).first()
            # False, not None, for "no row yet": a miss is told apart from a cached absence.
            stored = row or False
            cache.set(CACHE_KEY, stored, timeout=MAX_AGE)
        # No row: the server's settings, read now (they may differ per test or deploy).
        return cls(pk=1, **(stored or defaults()))

    @classmethod
    def cached(cls):
        """The settings without touching the database (error pages): cached, else defaults."""
        return cls(pk=1, **(cache.get(CACHE_KEY) or defaults()))

    @classmethod
    def get_or_create_row(cls):
        """The stored row, written from the defaults the first time an editor opens it."""
        row, _ = cls.objects.get_or_create(pk=1, defaults=defaults())
        return row
