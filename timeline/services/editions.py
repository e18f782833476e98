"""Writes of editions: prepare an anniversary edition, cut one by hand, approve, go live."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from timeline.models import Article, Edition, EditionKind, EditionStatus
from timeline.services.base import save as _save


def free_edition_key(article, year):
    taken = set(article.editions.filter(year=year).values_list("key", flat=True))
    key, n = str(year), 1
    while key in taken:
        n += 1
        key = f"{year}-{n}"
    return key


TITLE_MAX = Edition._meta.get_field("title").max_length


def fitted_title(title):
    """A title that fits the column: a long story title is cut at a word, with an ellipsis."""
    return Truncator(title).chars(TITLE_MAX)


def manual_edition_title(article, suffix):
    """`<title> [UPDATE: <suffix>]`, the title from the latest edition not cut by hand."""
    base = (
        article.editions.exclude(kind=EditionKind.MANUAL).values_list("title", flat=True).first()
        or article.title
    )
    return f"{base} [UPDATE: {suffix.strip()}]"


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
        key=free_edition_key(article, year),
        # The scheduler must not fail an anniversary because a story's title is long.
        title=fitted_title(story.edition_title(year)),
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
    """
    An edition by hand between anniversaries: `<title> [UPDATE: <suffix>]`, live at once.

    A title longer than the column is refused (ValidationError on `suffix`): the editor wrote
    the suffix, so the editor chooses how to shorten it.
    """
    now = now or timezone.now()
    title = manual_edition_title(article, suffix)
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {
                "suffix": f"With it the edition's title has {len(title)} characters; "
                f"the most is {TITLE_MAX}. Shorten it by {len(title) - TITLE_MAX}."
            }
        )
    year = timezone.localtime(now).year
    edition = _save(
        Edition(
            article=article,
            kind=EditionKind.MANUAL,
            year=year,
            key=free_edition_key(article, year),
            title=title,
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
