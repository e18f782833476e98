"""
Reading revision history: an article and everything on its page as it stood at a moment.

django-simple-history versions each model on its own; these helpers put an article (or a
story with its timeline) back together from its own rows and its children's. Frozen edition
snapshots read the page a reader saw (`page_as_of`); whole-page revisions, comparisons and
restores read everything, drafts included (`article_state_as_of`, `story_state_as_of`).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from timeline.models import (
    Article,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    TimelineEntry,
    Update,
)


def rows_as_of(model, moment, **filters):
    """
    The historical rows of `model` matching `filters` (on historical fields) that were current
    at `moment` (None: now): for each object its newest row up to then, unless that row is a
    deletion. One query; meant for the children of one article or story, not whole tables.

    The library's `latest_of_each()` finds the newest rows; it keeps every row of a tie on
    history_date (an object and its tags saved under one stamped date), settled here by
    history_id. That is also why `Model.history.as_of()` is not used for children.
    """
    rows = model.history.all()
    if moment is not None:
        rows = rows.filter(history_date__lte=moment)
    latest = {}
    for row in rows.latest_of_each().filter(**filters).order_by("history_date", "history_id"):
        latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def as_of(model, moment, **filters):
    """Instances of `model` matching `filters` as they were at `moment` (see rows_as_of)."""
    return [row.instance for row in rows_as_of(model, moment, **filters)]


def m2m_ids(model, field_name, rows, **where):
    """
    Tags as of a moment, which the library only gives one historical row at a time.

    {history_id: set of related ids} for the many-to-many `field_name` recorded with each of
    these historical rows of `model`: one query for all of them. `where` (filters on the
    historical rows, e.g. id=5) selects them in the query instead of listing their ids.
    """
    if not rows:
        return {}
    through = getattr(model.history.model, field_name).model
    target = model._meta.get_field(field_name).m2m_reverse_field_name()
    found = {row.history_id: set() for row in rows}
    if where:
        pairs = through.objects.filter(**{f"history__{k}": v for k, v in where.items()})
    else:
        pairs = through.objects.filter(history_id__in=list(found))
    for history_id, related_id in pairs.values_list("history_id", target):
        found.setdefault(history_id, set()).add(related_id)
    return found


def _with_tags(model, rows):
    """Instances of these rows, each with `tag_ids` as recorded with it."""
    tags = m2m_ids(model, "tags", rows)
    instances = []
    for row in rows:
        instance = row.instance
        instance.tag_ids = tags[row.history_id]
        instances.append(instance)
    return instances


def article_as_of(article, moment):
    """The article's own fields at `moment` (None if it did not exist yet, or was deleted)."""
    try:
        return article.history.as_of(moment or timezone.now())
    except Article.DoesNotExist:
        return None


@dataclass
class ArticleState:
    """An article and everything on its page at a moment, drafts and all, in no reader order."""

    moment: object
    article: Article | None
    updates: list = field(default_factory=list)
    placements: list = field(default_factory=list)  # each with .quote as it read then
    related_links: list = field(default_factory=list)
    references: list = field(default_factory=list)
    embeds: list = field(default_factory=list)
    timeline: list = field(default_factory=list)  # the whole timeline of its story then


@dataclass
class StoryState:
    moment: object
    story: Story | None
    timeline: list = field(default_factory=list)


def article_state_as_of(article, moment, *, with_tags=False):
    """
    Everything on `article`'s page at `moment` (None: now), whatever its status: what
    revisions compare and restore. `with_tags` adds `tag_ids` to the article and the timeline
    entries (two more queries). `article` only needs a pk: it may have been deleted since.
    """
    if with_tags:
        rows = rows_as_of(Article, moment, id=article.pk)
        then = _with_tags(Article, rows)[0] if rows else None
    else:
        then = article_as_of(article, moment)
    placements = as_of(QuotePlacement, moment, article_id=article.pk)
    quotes = {q.pk: q for q in as_of(Quote, moment, id__in={p.quote_id for p in placements})}
    for placement in placements:
        placement.quote = quotes.get(placement.quote_id)
    timeline = []
    if then is not None and then.story_id:
        timeline = _entries_as_of(then.story_id, moment, with_tags=with_tags)
    return ArticleState(
        moment=moment,
        article=then,
        updates=as_of(Update, moment, article_id=article.pk),
        placements=[p for p in placements if p.quote is not None],
        related_links=as_of(RelatedLink, moment, article_id=article.pk),
        references=as_of(Reference, moment, article_id=article.pk),
        embeds=as_of(Embed, moment, article_id=article.pk),
        timeline=timeline,
    )


def story_state_as_of(story, moment, *, with_tags=False):
    """A story's own fields and its whole timeline at `moment` (None: now)."""
    rows = rows_as_of(Story, moment, id=story.pk)
    if with_tags:
        then = _with_tags(Story, rows)[0] if rows else None
    else:
        then = rows[0].instance if rows else None
    timeline = _entries_as_of(story.pk, moment, with_tags=with_tags) if then else []
    return StoryState(moment=moment, story=then, timeline=timeline)


def _entries_as_of(story_id, moment, *, with_tags):
    if with_tags:
        return _with_tags(TimelineEntry, rows_as_of(TimelineEntry, moment, story_id=story_id))
    return as_of(TimelineEntry, moment, story_id=story_id)


def page_as_of(article, moment):
    """Everything the article page showed at `moment`, as plain lists ready to render."""
    state = article_state_as_of(article, moment)
    then = state.article
    placements = sorted(state.placements, key=lambda p: (p.placement, p.order, p.pk))

    updates = [u for u in state.updates if u.status == "published"]
    updates.sort(key=lambda u: (u.dated_at, u.pk), reverse=True)

    related = sorted(state.related_links, key=_by_order)
    targets = {
        a.pk: a
        for a in type(article)
        .objects.filter(pk__in=[r.target_id for r in related if r.target_id])
        .exclude(status__in=[Status.DRAFT, Status.SCHEDULED])
    }
    for link in related:
        link.target = targets.get(link.target_id)
    related = [r for r in related if r.target is not None or not r.target_id]

    timeline = state.timeline
    if then is not None and then.timeline_until:
        timeline = [e for e in timeline if e.date_lower <= then.timeline_until]
    timeline.sort(
        key=lambda e: (e.date_lower, -e.date_upper.toordinal(), e.date_time is not None,
                       e.date_time, e.pk)
    )  # fmt: skip
    return {
        "article": then,
        "updates": updates,
        "placements": placements,
        "related_links": related,
        "references": sorted(state.references, key=_by_order),
        "embeds": sorted(state.embeds, key=_by_order),
        "timeline": timeline,
    }


def _by_order(obj):
    return (obj.order, obj.pk)
