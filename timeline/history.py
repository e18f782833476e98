"""
Reading revision history: an article and everything on its page as it stood at a moment.

django-simple-history versions each model on its own; these helpers put an article back
together from its own rows and its children's, for frozen edition snapshots.
"""

from timeline.models import (
    Embed,
    Placement,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    TimelineEntry,
    Update,
)


def as_of(model, moment, **filters):
    """
    Instances of `model` matching `filters` (on historical fields) as they were at `moment`:
    for each object its newest historical row up to then, unless that row is a deletion.
    One query; meant for the children of one article or story, not whole tables.
    """
    rows = model.history.filter(history_date__lte=moment, **filters).order_by(
        "history_date", "history_id"
    )
    latest = {}
    for row in rows:
        latest[row.id] = row
    return [row.instance for row in latest.values() if row.history_type != "-"]


def article_as_of(article, moment):
    """The article's own fields at `moment` (None if it did not exist yet)."""
    row = article.history.filter(history_date__lte=moment).order_by("-history_date").first()
    if row is None or row.history_type == "-":
        return None
    return row.instance


def page_as_of(article, moment):
    """Everything the article page showed at `moment`, as plain lists ready to render."""
    then = article_as_of(article, moment)
    placements = sorted(
        as_of(QuotePlacement, moment, article_id=article.pk),
        key=lambda p: (p.placement, p.order, p.pk),
    )
    quotes = {q.pk: q for q in as_of(Quote, moment, id__in=[p.quote_id for p in placements])}
    for placement in placements:
        placement.quote = quotes.get(placement.quote_id)
    placements = [p for p in placements if p.quote is not None]

    updates = [u for u in as_of(Update, moment, article_id=article.pk) if u.status == "published"]
    updates.sort(key=lambda u: (u.dated_at, u.pk), reverse=True)

    related = sorted(as_of(RelatedLink, moment, article_id=article.pk), key=_by_order)
    targets = {
        a.pk: a
        for a in type(article)
        .objects.filter(pk__in=[r.target_id for r in related if r.target_id])
        .exclude(status__in=[Status.DRAFT, Status.SCHEDULED])
    }
    for link in related:
        link.target = targets.get(link.target_id)
    related = [r for r in related if r.target is not None or not r.target_id]

    timeline = []
    if then is not None and then.story_id:
        timeline = as_of(TimelineEntry, moment, story_id=then.story_id)
        if then.timeline_until:
            timeline = [e for e in timeline if e.date_lower <= then.timeline_until]
        timeline.sort(
            key=lambda e: (e.date_lower, -e.date_upper.toordinal(), e.date_time is not None,
                           e.date_time, e.pk)
        )  # fmt: skip
    return {
        "article": then,
        "updates": updates,
        "placements": placements,
        "epigraphs": [p.quote for p in placements if p.placement == Placement.EPIGRAPH],
        "inline": [p for p in placements if p.placement == Placement.INLINE],
        "related_links": related,
        "references": sorted(as_of(Reference, moment, article_id=article.pk), key=_by_order),
        "embeds": sorted(as_of(Embed, moment, article_id=article.pk), key=_by_order),
        "timeline": timeline,
    }


def _by_order(obj):
    return (obj.order, obj.pk)
