"""
The merged history of a page: every historical row of every table that feeds it, newest first,
each with the fields it changed (`changes_of`), named for display (`describe`), and one point of
it found again from its key (`find_change`).
"""

from dataclasses import dataclass, field

from timeline.models import Article, QuotePlacement
from timeline.revisions import history
from timeline.revisions.kinds import (
    ARTICLE,
    EDITION,
    EMBED,
    ENTRY,
    KINDS,
    PLACEMENT,
    QUOTE,
    REFERENCE,
    RELATED,
    STORY,
    UPDATE,
    Kind,
    Labels,
    label,
    raw_value,
    subject_of,
)


@dataclass
class Change:
    """One historical row of one table of the page, with what it changed."""

    kind: Kind
    row: object
    changed: list = field(default_factory=list)  # labels of the fields this row changed
    label: str = ""
    instance: object = None  # the object as this row recorded it

    ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}

    @property
    def key(self):
        """Names this point of the history in URLs: `<kind>-<history_id>`."""
        return f"{self.kind.key}-{self.row.history_id}"

    @property
    def when(self):
        return self.row.history_date

    @property
    def user(self):
        return self.row.history_user

    @property
    def reason(self):
        return self.row.history_change_reason or ""

    @property
    def symbol(self):
        return self.row.history_type

    @property
    def action(self):
        return self.ACTIONS[self.row.history_type]


def _rows(kind, **filters):
    return list(
        kind.model.history.filter(**filters)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def changes_of(obj):
    """
    Every change to `obj` (an article or a story) and to everything on its page, newest
    first, in one query per history table and one per table of tags. Labels are filled by
    `describe`, for the page of changes that is shown.
    """
    tables = {}
    if isinstance(obj, Article):
        tables[ARTICLE] = ({"id": obj.pk}, _rows(ARTICLE, id=obj.pk))
        for kind in (UPDATE, PLACEMENT, RELATED, REFERENCE, EMBED, EDITION):
            tables[kind] = ({}, _rows(kind, article_id=obj.pk))
        quotes = {row.quote_id for row in tables[PLACEMENT][1]}
        tables[QUOTE] = ({}, _rows(QUOTE, id__in=quotes) if quotes else [])
        stories = {row.story_id for row in tables[ARTICLE][1] if row.story_id}
        where = {"story_id__in": stories}
        tables[ENTRY] = (where, _rows(ENTRY, **where) if stories else [])
    else:
        tables[STORY] = ({"id": obj.pk}, _rows(STORY, id=obj.pk))
        tables[ENTRY] = ({"story_id": obj.pk}, _rows(ENTRY, story_id=obj.pk))

    changes, last_seen = [], {}
    for kind, (where, rows) in tables.items():
        tags = history.m2m_ids(kind.model, "tags", rows, **where) if kind.m2m else {}
        previous = {}
        for row in rows:
            instance = row.instance
            instance.tag_ids = tags.get(row.history_id, set())
            before = previous.get(row.id)
            changed = []
            if row.history_type == "~" and before is not None:
                changed = [
                    kind.field_label(name)
                    for name in kind.fields
                    if name != "quote_text"
                    and raw_value(kind, before, name) != raw_value(kind, instance, name)
                ]
            previous[row.id] = instance
            changes.append(Change(kind=kind, row=row, changed=changed, instance=instance))
        last_seen[kind] = previous
    # A placement is named by its quote's words as they last read.
    for change in changes:
        if change.kind is PLACEMENT:
            quote = last_seen[QUOTE].get(change.instance.quote_id)
            if quote is not None:
                change.instance.quote = quote
    changes.sort(key=lambda c: (c.when, c.row.history_id), reverse=True)
    return changes


def describe(changes):
    """Fill in the labels of these changes, with one query per model they mention."""
    labels = Labels()
    for change in changes:
        labels.want_for(change.kind, [change.instance], tags=False)
    labels.load()
    for change in changes:
        change.label = label(change.kind, change.instance, labels)
    return changes


def find_change(obj, key):
    """The historical row a point key (`update-12`) names, if it is part of `obj`'s page."""
    kind_key, _, history_id = (key or "").partition("-")
    kind = KINDS.get(kind_key)
    if kind is None or not history_id.isdigit():
        return None
    subject = subject_of(obj)
    if kind not in (subject.root, *(k for k, _ in subject.parts), QUOTE, EDITION):
        return None
    row = kind.model.history.select_related("history_user").filter(history_id=history_id).first()
    if row is None or not _belongs(obj, kind, row):
        return None
    return Change(kind=kind, row=row, instance=row.instance)


def _belongs(obj, kind, row):
    if kind in (ARTICLE, STORY):
        return row.id == obj.pk
    if kind is ENTRY:
        story_ids = (
            set(Article.history.filter(id=obj.pk).values_list("story_id", flat=True))
            if isinstance(obj, Article)
            else {obj.pk}
        )
        return row.story_id in story_ids
    if kind is QUOTE:
        return QuotePlacement.history.filter(article_id=obj.pk, quote_id=row.id).exists()
    return row.article_id == obj.pk
