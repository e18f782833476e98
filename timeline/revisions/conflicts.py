"""
No lost edits: a change form carries the signed version of what it edits (`version_of`), and a
save over a newer version is refused (`check_version`) with who saved, when, and what changed.

A page revised whole (article, story) is versioned by the newest history row of each table its
form edits; any other model with history by its own newest row; a model without history (a
comment) by a fingerprint of its row, with who saved it read from the admin's log.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from timeline.formatting import join_names
from timeline.models import (
    Article,
    Embed,
    QuotePlacement,
    Reference,
    RelatedLink,
    Story,
    TimelineEntry,
    Update,
)
from timeline.revisions.compare import Comparison, compare

# The history tables a change form edits, and how their rows point at the form's object.
VERSIONED = {
    Article: (
        (Article, "id"),
        (Update, "article_id"),
        (QuotePlacement, "article_id"),
        (RelatedLink, "article_id"),
        (Reference, "article_id"),
        (Embed, "article_id"),
    ),
    Story: ((Story, "id"), (TimelineEntry, "story_id")),
}
_signer = signing.Signer(salt="timeline.revisions.version")


class BadVersion(Exception):
    """The version a form came back with was not made here (edited by hand, or garbled)."""


def sources_of(model):
    """(model, column) of each history table a form of `model` edits; () without history."""
    if model in VERSIONED:
        return VERSIONED[model]
    if hasattr(model._meta, "simple_history_manager_attribute"):
        return ((model, "id"),)
    return ()


def _fingerprint(obj):
    """A digest of the object's stored row, for a model that keeps no history: one query."""
    fields = [f.attname for f in type(obj)._meta.concrete_fields]
    row = type(obj)._base_manager.filter(pk=obj.pk).values_list(*fields).first()
    return "f" + hashlib.sha256(repr(row).encode()).hexdigest()[:32]


def _newest_ids(obj):
    """The newest history_id of each table the form edits, for `obj`: one query."""
    sources = sources_of(type(obj))
    newest = {
        f"v{n}": Subquery(
            model.history.filter(**{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(newest=Max("history_id"))
            .values("newest")
        )
        for n, (model, column) in enumerate(sources)
    }
    values = type(obj)._base_manager.filter(pk=obj.pk).annotate(**newest).values_list(*newest)
    row = values.first() or (None,) * len(sources)
    return tuple(v or 0 for v in row)


def _current(obj):
    if not sources_of(type(obj)):
        return _fingerprint(obj)
    return ".".join(map(str, _newest_ids(obj)))


def version_of(obj):
    """The signed version of `obj`'s form as it stands: compare it with `check_version`."""
    return _signer.sign(_current(obj))


def _read(token, size):
    try:
        ids = tuple(int(part) for part in _signer.unsign(token).split("."))
    except (signing.BadSignature, ValueError) as exc:
        raise BadVersion from exc
    if len(ids) != size:
        raise BadVersion
    return ids


@dataclass
class Conflict:
    """Someone saved `obj` after the form was loaded: who, when, and what they changed."""

    obj: object
    names: list
    saved_at: object
    version: str  # the current one: saving again goes over it on purpose
    comparison: Comparison | None = None

    @property
    def message(self):
        names = self.names or ["Someone else"]
        who = join_names(names)
        local = timezone.localtime(self.saved_at)
        today = timezone.localtime().date() == local.date()
        at = f"at {local:%H:%M}" if today else f"on {date_format(local, 'j F')} at {local:%H:%M}"
        return (
            f"{who} saved this {self.obj._meta.verbose_name} {at} while you were editing. "
            "Your changes are below and have not been saved; review the differences, then "
            "save again to keep yours."
        )


def check_version(obj, token):
    """
    None if the form loaded at `token` may be saved over `obj` as it stands, else the
    Conflict. The object's row is locked first (select_for_update; SQLite's write lock
    serialises writers) so that two saves of forms loaded at the same version cannot both
    pass: inside the admin's transaction the lock holds until the save is committed.
    Raises BadVersion for a token not made by `version_of`.
    """
    sources = sources_of(type(obj))
    if not sources:
        return _check_fingerprint(obj, token)
    loaded = _read(token, len(sources))
    with transaction.atomic():
        _lock(obj)
        current = _newest_ids(obj)
    newer = []
    for (model, column), seen, now_at in zip(sources, loaded, current, strict=True):
        if now_at > seen:
            newer += model.history.filter(
                **{column: obj.pk, "history_id__gt": seen}
            ).select_related("history_user")
    if not newer:
        return None
    newer.sort(key=lambda row: row.history_date)
    names = []
    for row in reversed(newer):
        name = _name(row.history_user)
        if name not in names:
            names.append(name)
    return Conflict(
        obj=obj,
        names=names,
        saved_at=newer[-1].history_date,
        version=_signer.sign(".".join(map(str, current))),
        comparison=compare(obj, newer[0].history_date - dt.timedelta(microseconds=1), None)
        if type(obj) in VERSIONED
        else None,
    )


def _lock(obj):
    list(type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk"))


def _check_fingerprint(obj, token):
    try:
        loaded = _signer.unsign(token)
    except signing.BadSignature as exc:
        raise BadVersion from exc
    if not loaded.startswith("f"):
        raise BadVersion
    with transaction.atomic():
        _lock(obj)
        current = _fingerprint(obj)
    if current == loaded:
        return None
    last = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action_flag=CHANGE,
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    return Conflict(
        obj=obj,
        names=[_name(last.user)] if last else [],
        saved_at=last.action_time if last else timezone.now(),
        version=_signer.sign(current),
    )


def _name(user):
    if user is None:
        return "Someone else"
    return user.get_full_name() or user.get_username()
