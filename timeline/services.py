"""
Every editorial write: keyword-only, atomic, validated before it is saved.

Each write goes through `_save`, which stamps the historical row with who did it and why, so
the revision history is complete whether the change came from the admin, the scheduler or a
script. Time is an input (`now=`) so the scheduler and the tests control it.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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


def _save(obj, *, user, reason):
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj


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
                key=_free_edition_key(article, timezone.localtime(now).year),
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


def _free_edition_key(article, year):
    taken = set(article.editions.filter(year=year).values_list("key", flat=True))
    key, n = str(year), 1
    while key in taken:
        n += 1
        key = f"{year}-{n}"
    return key


@transaction.atomic
def prepare_anniversary_edition(*, article, year, now, user=None):
    """
    Prepare the `year` anniversary edition of `article`, unless it exists already.

    Returns the new edition, or None when another run got there first: the partial unique
    constraint on (article, year) decides, so this is safe with any number of schedulers.
    """
    story = article.story
    edition = Edition(
        article=article,
        kind=EditionKind.ANNIVERSARY,
        year=year,
        key=_free_edition_key(article, year),
        title=story.edition_title(year),
        go_live_at=story.anniversary_go_live(year),
    )
    existing = Edition.objects.filter(article=article, kind=EditionKind.ANNIVERSARY, year=year)
    try:
        with transaction.atomic():
            return _save(edition, user=user, reason="Prepared anniversary edition")
    except (IntegrityError, ValidationError):
        if existing.exists():
            return None
        raise


@transaction.atomic
def cut_manual_edition(*, article, suffix, user=None, now=None):
    """An edition by hand between anniversaries: `<title> [UPDATE: <suffix>]`, live at once."""
    now = now or timezone.now()
    base = (
        article.editions.exclude(kind=EditionKind.MANUAL).values_list("title", flat=True).first()
        or article.title
    )
    year = timezone.localtime(now).year
    edition = _save(
        Edition(
            article=article,
            kind=EditionKind.MANUAL,
            year=year,
            key=_free_edition_key(article, year),
            title=f"{base} [UPDATE: {suffix.strip()}]",
            go_live_at=now,
            approved_at=now,
            approved_by=user,
        ),
        user=user,
        reason="Cut manual edition",
    )
    return make_edition_live(edition=edition, now=now, user=user)


@transaction.atomic
def approve_edition(*, edition, user=None, now=None):
    """Approve an edition; one already due goes live at once."""
    now = now or timezone.now()
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.status not in (EditionStatus.PREPARED, EditionStatus.OVERDUE):
        return edition
    if edition.approved_at is None:
        edition.approved_at, edition.approved_by = now, user
        _save(edition, user=user, reason="Approved edition")
    if edition.go_live_at <= now:
        return make_edition_live(edition=edition, now=now, user=user)
    return edition


@transaction.atomic
def flag_overdue(*, edition, user=None):
    edition.status = EditionStatus.OVERDUE
    return _save(edition, user=user, reason="Due but not approved: flagged overdue")


@transaction.atomic
def make_edition_live(*, edition, now, user=None):
    """
    The edition goes live: the article takes its title and is featured again, and the edition
    that was live is superseded (frozen from this moment on).

    The article row is locked first, so two runners cannot both switch editions; the second
    finds the edition already live and returns None.
    """
    frozen_at = timezone.now()
    article = Article.objects.select_for_update().get(pk=edition.article_id)
    edition = Edition.objects.get(pk=edition.pk)
    if edition.status not in (EditionStatus.PREPARED, EditionStatus.OVERDUE):
        return None
    for previous in article.editions.filter(status=EditionStatus.LIVE):
        previous.status, previous.superseded_at = EditionStatus.SUPERSEDED, now
        previous.frozen_at = frozen_at
        _save(previous, user=user, reason=f"Superseded by edition {edition.key}")
    edition.status, edition.went_live_at = EditionStatus.LIVE, now
    # Catching up after downtime: say so rather than pretend it went out on time.
    edition.is_late = now - edition.go_live_at > LATE_AFTER
    _save(edition, user=user, reason="Edition went live" + (" (late)" if edition.is_late else ""))
    article.title = edition.title
    article.featured_at = now
    _save(article, user=user, reason=f"Edition {edition.key} went live")
    return edition


# A scheduler run every few minutes is on time; past this, the edition is marked late.
LATE_AFTER = dt.timedelta(minutes=30)
