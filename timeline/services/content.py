"""
Writes of content that arrives whole, as an import does (the demo, a move from another system).

Each object is created as it stood when it was written, and its history row is dated then
(`history_date`, None for now): simple-history takes a save's date from the instance's
`_history_date`. Tags given to a new object are dated with it. `save_changes` and `set_tags`
bring an existing object in line, and write nothing when it already is.

Editions can be replayed at their past moments, each step dated when it happened, so every
past edition's frozen snapshot shows the page as it stood then.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from timeline.models import (
    Article,
    Category,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.services.base import save
from timeline.services.people import credit_byline

# A replaced edition's snapshot is the page the moment before its successor went live (an
# update dated at the go-live belongs to the new edition, not the frozen one).
FROZEN_BEFORE = dt.timedelta(seconds=1)


def _create(obj, *, user, reason, history_date, tags=()):
    """Save `obj`, its history row (and its tags' one) dated `history_date`."""
    if history_date is not None:
        obj._history_date = history_date
    try:
        save(obj, user=user, reason=reason)
        if tags:
            obj.tags.set(tags)
    finally:
        obj.__dict__.pop("_history_date", None)
    return obj


@transaction.atomic
def create_category(*, slug, name, user=None, reason="Added category", history_date=None, **fields):
    obj = Category(slug=slug, name=name, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def create_tag(*, slug, name, user=None, reason="Added tag", history_date=None):
    obj = Tag(slug=slug, name=name)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def create_story(*, slug, tags=(), user=None, reason="Added story", history_date=None, **fields):
    obj = Story(slug=slug, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date, tags=tags)


@transaction.atomic
def create_article(
    *,
    slug,
    tags=(),
    categories=(),
    user=None,
    reason="Added article",
    history_date=None,
    **fields,
):
    """
    An article as it stood when it was written, status and dates as given. Unlike
    publish_article, no edition is made: replay them (replay_original_edition...) if it has any.
    """
    obj = Article(slug=slug, **fields)
    article = _create(obj, user=user, reason=reason, history_date=history_date, tags=tags)
    if categories:
        set_categories(
            article=article, categories=categories, user=user, reason=reason,
            history_date=history_date,
        )  # fmt: skip
    credit_byline(article)
    return article


@transaction.atomic
def create_timeline_entry(
    *,
    story,
    date,
    text,
    tags=(),
    user=None,
    reason="Added timeline entry",
    history_date=None,
    **fields,
):
    """`date` is a dates.MixedDate; `tags` are dated with the entry."""
    entry = TimelineEntry(story=story, text=text, **fields)
    entry.set_date(date)
    return _create(entry, user=user, reason=reason, history_date=history_date, tags=tags)


@transaction.atomic
def create_update(
    *,
    article,
    dated_at,
    body,
    published_at=None,
    user=None,
    reason="Added update",
    history_date=None,
    **fields,
):
    """Published at `published_at`, or a draft when it is None."""
    status = Status.PUBLISHED if published_at else Status.DRAFT
    obj = Update(
        article=article,
        dated_at=dated_at,
        body=body,
        status=status,
        published_at=published_at,
        **fields,
    )
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def create_quote(*, text, speaker, user=None, reason="Added quote", history_date=None, **fields):
    obj = Quote(text=text, speaker=speaker, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def place_quote(
    *, article, quote, placement, user=None, reason="Placed quote", history_date=None, **fields
):
    obj = QuotePlacement(article=article, quote=quote, placement=placement, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def add_reference(
    *, article, url, user=None, reason="Added reference", history_date=None, **fields
):
    obj = Reference(article=article, url=url, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def add_embed(*, article, url, user=None, reason="Added embed", history_date=None, **fields):
    obj = Embed(article=article, url=url, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def add_related_link(
    *,
    article,
    target=None,
    url="",
    user=None,
    reason="Added related link",
    history_date=None,
    **fields,
):
    """To another article (`target`) or to an address outside the site (`url`)."""
    obj = RelatedLink(article=article, target=target, url=url, **fields)
    return _create(obj, user=user, reason=reason, history_date=history_date)


@transaction.atomic
def save_changes(*, obj, values, user=None, reason):
    """Set the fields in `values` that differ, save once; returns their names (none: no write)."""
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        save(obj, user=user, reason=reason)
    return changed


@transaction.atomic
def set_tags(*, obj, tags, user=None, reason):
    """Give `obj` exactly these tags; returns False (and writes nothing) if it had them."""
    wanted = {tag.pk for tag in tags}
    if set(obj.tags.values_list("pk", flat=True)) == wanted:
        return False
    obj._history_user, obj._change_reason = user, reason
    obj.tags.set(wanted)
    return True


@transaction.atomic
def set_categories(*, article, categories, user=None, reason, history_date=None):
    """File `article` under exactly these categories; False (nothing written) if it was."""
    wanted = {category.pk for category in categories}
    if set(article.categories.values_list("pk", flat=True)) == wanted:
        return False
    article._history_user, article._change_reason = user, reason
    if history_date is not None:
        article._history_date = history_date
    try:
        article.categories.set(wanted)
    finally:
        article.__dict__.pop("_history_date", None)
    return True


@transaction.atomic
def replay_original_edition(*, article, title=None, user=None, reason="First publication"):
    """
    The edition the article first went out as (under `title`, default its own), live since its
    first publication.
    """
    first = article.published_at
    year = timezone.localtime(first).year
    edition = Edition(
        article=article,
        kind=EditionKind.ORIGINAL,
        year=year,
        key=str(year),
        title=title or article.title,
        go_live_at=first,
        status=EditionStatus.LIVE,
        went_live_at=first,
    )
    return _create(edition, user=user, reason=reason, history_date=first)


@transaction.atomic
def replay_anniversary_edition(*, article, year, approved_before, user=None, changes=None):
    """
    The `year` anniversary edition as it happened: prepared the story's lead days ahead,
    approved `approved_before` its go-live, then live on time, superseding (and freezing) the
    live edition; the article takes its title, and `changes` (field: value) with it.
    """
    story = article.story
    go_live = story.anniversary_go_live(year)
    edition = Edition(
        article=article,
        kind=EditionKind.ANNIVERSARY,
        year=year,
        key=str(year),
        title=story.edition_title(year),
        go_live_at=go_live,
    )
    prepared = go_live - dt.timedelta(days=story.lead_days)
    _create(edition, user=user, reason="Prepared anniversary edition", history_date=prepared)
    edition.approved_at, edition.approved_by = go_live - approved_before, user
    _create(edition, user=user, reason="Approved edition", history_date=edition.approved_at)
    for live in article.editions.filter(status=EditionStatus.LIVE).exclude(pk=edition.pk):
        live.status, live.superseded_at = EditionStatus.SUPERSEDED, go_live
        live.frozen_at = go_live - FROZEN_BEFORE
        reason = f"Superseded by edition {edition.key}"
        _create(live, user=user, reason=reason, history_date=go_live)
    edition.status, edition.went_live_at = EditionStatus.LIVE, go_live
    _create(edition, user=user, reason="Edition went live", history_date=go_live)
    article.title, article.featured_at = edition.title, go_live
    for name, value in (changes or {}).items():
        setattr(article, name, value)
    reason = f"Edition {edition.key} went live"
    _create(article, user=user, reason=reason, history_date=go_live)
    return edition


def _differs(obj, name, value):
    field = obj._meta.get_field(name)
    if (field.many_to_one or field.one_to_one) and name != field.attname:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value
