"""What every content model shares: field validators and defaults, and the publishing status."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

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


def default_time_zone():
    return settings.TIME_ZONE


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
        return self.filter(status=Status.SCHEDULED, publish_at__lte=now)
