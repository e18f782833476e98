"""
Writes of articles, updates and timeline entries (see timeline.services).

Each write goes through `_save`, which stamps the historical row with who did it and why, so
the revision history is complete whether the change came from the admin, the scheduler or a
script. Time is an input (`now=`) so the scheduler and the tests control it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from timeline.models import (
    Article,
    Edition,
    EditionKind,
    EditionStatus,
    Status,
    TimelineEntry,
    Update,
    UpdateKind,
)
from timeline.services.base import save as _save
from timeline.services.editions import free_edition_key


@transaction.atomic
def publish_article(*, article, user=None, now=None, reason="Published"):
    """Make the article public now; its first publication date never moves afterwards."""
    now = now or timezone.now()
    first_time = article.published_at is None
    article.status = Status.PUBLISHED
    article.published_at = article.published_at or now
    article.featured_at = now
    article.publish_at = None
    _save(article, user=user, reason=reason)
    if first_time and not article.editions.exists():
        _save(
            Edition(
                article=article,
                kind=EditionKind.ORIGINAL,
                year=timezone.localtime(now).year,
                key=free_edition_key(article, timezone.localtime(now).year),
                title=article.title,
                go_live_at=now,
                status=EditionStatus.LIVE,
                went_live_at=now,
            ),
            user=user,
            reason="First publication",
        )
    return article


@transaction.atomic
def unpublish_article(*, article, user=None, reason="Unpublished"):
    """Take the article off the site; it keeps its first publication date for when it returns."""
    article.status = Status.DRAFT
    article.publish_at = None
    return _save(article, user=user, reason=reason)


@transaction.atomic
def schedule_article(*, article, publish_at, user=None, reason=None):
    article.status = Status.SCHEDULED
    article.publish_at = publish_at
    if publish_at is None:
        raise ValidationError({"publish_at": "Choose when the article goes live."})
    return _save(article, user=user, reason=reason or f"Scheduled for {publish_at:%Y-%m-%d %H:%M}")


@transaction.atomic
def add_update(
    *,
    article,
    body,
    user=None,
    kind=UpdateKind.UPDATE,
    headline="",
    dated_at=None,
    publish_at=None,
    publish=False,
    now=None,
    reason=None,
):
    """
    Add a dated update to an article: published at once (`publish=True`), scheduled
    (`publish_at`), or left as a draft for later.
    """
    now = now or timezone.now()
    update = Update(
        article=article,
        kind=kind,
        headline=headline,
        body=body,
        dated_at=dated_at or publish_at or now,
    )
    if publish:
        update.status, update.published_at = Status.PUBLISHED, now
    elif publish_at:
        update.status, update.publish_at = Status.SCHEDULED, publish_at
    return _save(update, user=user, reason=reason or f"Added {update.get_kind_display().lower()}")


@transaction.atomic
def publish_update(*, update, user=None, now=None, reason="Published update"):
    now = now or timezone.now()
    update.status = Status.PUBLISHED
    update.published_at = update.published_at or now
    update.publish_at = None
    return _save(update, user=user, reason=reason)


@transaction.atomic
def unpublish_update(*, update, user=None, reason="Unpublished update"):
    update.status = Status.DRAFT
    update.publish_at = None
    return _save(update, user=user, reason=reason)


@transaction.atomic
def add_timeline_entry(*, story, date, text, user=None, is_key_moment=False, reason=None, **extra):
    """`date` is a dates.MixedDate (parse what the editor typed with dates.parse first)."""
    entry = TimelineEntry(story=story, text=text, is_key_moment=is_key_moment, **extra)
    entry.set_date(date)
    return _save(entry, user=user, reason=reason or "Added timeline entry")


def publish_due_item(*, model, pk, now, user=None):
    """
    Publish one scheduled Article or Update if it is still due; None if it is not (any more).

    The row is locked and re-checked inside the transaction, so two schedulers running at once
    (on PostgreSQL) publish it exactly once; `skip_locked` lets the second move on instead of
    waiting. SQLite has no row locks and serialises writers itself.
    """
    with transaction.atomic():
        obj = model.objects.select_for_update(skip_locked=True).due(now).filter(pk=pk).first()
        if obj is None:
            return None
        if model is Article:
            return publish_article(article=obj, user=user, now=now, reason="Published on schedule")
        return publish_update(update=obj, user=user, now=now, reason="Published on schedule")
