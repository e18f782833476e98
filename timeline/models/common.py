"""What every content model shares: field validators and defaults, and the publishing status."""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

from timeline import dates
from timeline.editions import anniversaries


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone name. Use an IANA name such as Europe/Paris.",
            params={"value": value},
            code="invalid_time_zone",
        )


def validate_edtf(value):
    """The stored form of a mixed-precision date must be one we can read back."""
    try:
        dates.from_edtf(value)
    except dates.InvalidDate as exc:
        raise ValidationError(str(exc), code="invalid_date") from exc


@deconstructible
class YearRange:
    """
    A date or date-time whose year lies in [first, last].

    Python's calendar starts at year 1 and PostgreSQL's reaches into BC: a mistyped year one
    stored there (in a zone east of UTC it becomes 1 BC) cannot be read back by Python, so it
    breaks every page and the scheduler. Two ranges cover what editors enter:
    HISTORICAL_YEARS for the day an event happened, PUBLICATION_YEARS for moments the site
    publishes or prints. Timeline entries and quotes keep their own EDTF bounds (timeline.dates).
    """

    def __init__(self, first, last):
        self.first, self.last = first, last

    def __call__(self, value):
        if value is not None and not self.first <= value.year <= self.last:
            raise ValidationError(
                "Give a year between %(first)s and %(last)s.",
                params={"first": self.first, "last": self.last},
                code="year_out_of_range",
            )

    def __eq__(self, other):
        return isinstance(other, YearRange) and (self.first, self.last) == (
            other.first,
            other.last,
        )


HISTORICAL_YEARS = YearRange(1000, 9999)
PUBLICATION_YEARS = YearRange(1900, 2200)
# The earliest moment the scheduler and the pages trust; rows before it are reported, skipped.
EARLIEST_MOMENT = dt.datetime(PUBLICATION_YEARS.first, 1, 1, tzinfo=dt.UTC)


def default_time_zone():
    """The zone a new story starts in: the site settings' (editable in the admin)."""
    from timeline.models.site import SiteSettings  # site.py imports this module's validators

    return SiteSettings.load().time_zone


def validate_title_pattern(value):
    try:
        anniversaries.validate_pattern(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_pattern") from exc


def default_milestone_patterns():
    return {str(years): p for years, p in anniversaries.DEFAULT_MILESTONE_PATTERNS.items()}


def validate_milestone_patterns(value):
    if not isinstance(value, dict):
        raise ValidationError('Give milestone titles as {"years": "pattern"}.')
    for years, pattern in value.items():
        if not str(years).isdigit() or int(years) < 1:
            raise ValidationError("“%(years)s” is not a number of years.", params={"years": years})
        validate_title_pattern(str(pattern))


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


def status_constraints(prefix):
    """The rules every publishable model shares, pinned in the database."""
    return [
        models.CheckConstraint(
            condition=Q(status__in=Status.values), name=f"{prefix}_status_valid"
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.SCHEDULED) | Q(publish_at__isnull=False),
            name=f"{prefix}_scheduled_has_publish_at",
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
            name=f"{prefix}_published_has_published_at",
        ),
    ]


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def due(self, now):
        """Scheduled and whose time has come: what the scheduler publishes."""
        return self.filter(
            status=Status.SCHEDULED, publish_at__gte=EARLIEST_MOMENT, publish_at__lte=now
        )

    def unreadable_schedule(self):
        """Scheduled for a moment before EARLIEST_MOMENT: skipped and reported, never read."""
        return self.filter(status=Status.SCHEDULED, publish_at__lt=EARLIEST_MOMENT)
