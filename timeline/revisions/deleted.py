"""
Recently deleted articles, updates, quotes and timeline entries, read from their history tables:
what can be recovered, named, and why not when it cannot (recovering is a write:
timeline.services.restores).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from timeline.models import Article, Story
from timeline.revisions.kinds import ARTICLE, ENTRY, QUOTE, UPDATE, Kind, Labels, label

RECENTLY_DELETED_DAYS = 90
RECOVERABLE = (ARTICLE, UPDATE, QUOTE, ENTRY)
UPDATE_WITHOUT_ARTICLE = (
    "Its article is deleted too: recover the article first (its updates come back with it)."
)

_PARENTS = {"update": (Article, "article_id"), "entry": (Story, "story_id")}


@dataclass
class Deleted:
    kind: Kind
    row: object
    label: str = ""
    blocker: str = ""  # why it cannot be recovered as things stand

    @property
    def key(self):
        return f"{self.kind.key}-{self.row.id}"


def recently_deleted(*, now, days=RECENTLY_DELETED_DAYS, kinds=RECOVERABLE):
    """
    Articles, updates, quotes and timeline entries deleted in the last `days` days and not
    recovered since, newest first: one query per kind and two for the names.
    """
    since = now - dt.timedelta(days=days)
    found = []
    for kind in kinds:
        rows = (
            kind.model.history.filter(history_type="-", history_date__gte=since)
            .exclude(Exists(kind.model._base_manager.filter(pk=OuterRef("id"))))
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        if parent := _PARENTS.get(kind.key):
            model, column = parent
            rows = rows.annotate(parent_exists=Exists(model.objects.filter(pk=OuterRef(column))))
        seen = set()
        for row in rows:
            if row.id not in seen:  # deleted, recovered and deleted again: the last time
                seen.add(row.id)
                found.append(Deleted(kind=kind, row=row))
    found.sort(key=lambda d: d.row.history_date, reverse=True)
    return found


def describe_deleted(items):
    """Name what was deleted (an update with its article), with one query per model named."""
    labels = Labels()
    for item in items:
        labels.want_for(item.kind, [item.row], tags=False)
        if item.kind is UPDATE:
            labels.want(Article, [item.row.article_id])
    labels.load()
    for item in items:
        item.label = label(item.kind, item.row.instance, labels)
        if item.kind is UPDATE and item.row.parent_exists:
            item.label += f" (in “{labels.name(Article, item.row.article_id)}”)"
        elif item.kind is UPDATE:
            item.label += " (in a deleted article)"
            item.blocker = UPDATE_WITHOUT_ARTICLE
        elif item.kind is ENTRY and not item.row.parent_exists:
            item.blocker = "Its story has been deleted."
    return items


def last_row(kind, pk):
    rows = kind.model.history.filter(id=pk).order_by("-history_date", "-history_id")
    return rows.exclude(history_type="-").first() or rows.first()


def last_known(kind, pk):
    """The object as its last historical row had it (before its deletion), or None."""
    row = last_row(kind, pk)
    return row.instance if row is not None else None
