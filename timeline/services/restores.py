"""
Restoring a page to a moment and recovering deleted content (see timeline.services).

Every write is the models' save() or delete(), stamped with who and why, in one transaction, so
a restore is a revision of its own and can be undone the same way. Restores write back what the
history recorded rather than validating it again (`_Stamper` instead of base.save): the values
were valid when saved, and rules added since must not block getting a page back.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from timeline.models import Article, Category, Edition, Quote, Story, Tag, TimelineEntry
from timeline.revisions import history
from timeline.revisions.deleted import UPDATE_WITHOUT_ARTICLE, last_row
from timeline.revisions.kinds import (
    ARTICLE,
    EDITION,
    EMBED,
    ENTRY,
    PLACEMENT,
    QUOTE,
    REFERENCE,
    RELATED,
    UPDATE,
    subject_of,
)

# Deleting an article deletes its children first, in the same transaction and within moments.
CASCADE_WINDOW = dt.timedelta(seconds=10)


def restored_reason(moment):
    return f"Restored to {timezone.localtime(moment):%Y-%m-%d %H:%M}"


@dataclass
class RestoreReport:
    reason: str
    counts: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)

    VERBS = {"added": "brought back", "changed": "changed back", "removed": "removed"}

    def count(self, kind, action):
        self.counts[kind, action] += 1

    @property
    def summary(self):
        done = [
            f"{n} {kind.noun if n == 1 else kind.nouns} {self.VERBS[action]}"
            for (kind, action), n in self.counts.items()
        ]
        return f"{self.reason}: " + ("; ".join(done) if done else "nothing else differed") + "."


class _Stamper:
    """Who and why, on every object a restore saves or deletes."""

    def __init__(self, user, reason):
        self.user, self.reason = user, reason

    def __call__(self, obj):
        obj._history_user, obj._change_reason = self.user, self.reason
        return obj


@transaction.atomic
def restore(*, obj, moment, user, include_timeline=True):
    """
    Restore an article (or a story) and everything on its page to how it stood at `moment`.

    Children deleted since come back with their ids, children added since are removed, changed
    ones revert; an article's timeline is its story's, restored too unless `include_timeline`
    is off. Quote texts are shared between articles: which quotes are placed is restored, not
    their words. An article keeps its address and publication state. Every write is a save()
    or delete() stamped "Restored to <time>", in one transaction, so the restore is a revision
    of its own: restoring to the moment before it undoes it.
    """
    subject = subject_of(obj)
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    state = subject.state(obj, moment)
    then = subject.root_of(state)
    if then is None:
        raise ValidationError(f"The {subject.root.noun} did not exist at that time.")
    report = RestoreReport(reason=restored_reason(moment))
    stamp = _Stamper(user, report.reason)

    _restore_root(subject.root, obj, then, stamp, report, moment)
    if isinstance(obj, Story):
        story_id = obj.pk
    else:
        _restore_article_parts(obj, state, stamp, report)
        story_id = obj.story_id if include_timeline else None
        if story_id and story_id != then.story_id:
            report.notes.append("Its story then has been deleted: its timeline was left as it is.")
            story_id = None
        elif story_id:
            Story.objects.select_for_update().filter(pk=story_id).first()
    if story_id:
        current = TimelineEntry.objects.filter(story_id=story_id)
        _sync(ENTRY, current, state.timeline, stamp, report)
    return report


def _restore_root(kind, obj, then, stamp, report, moment):
    current = {attname: getattr(obj, attname) for attname in kind.restorable_attnames()}
    for attname in current:
        setattr(obj, attname, getattr(then, attname))
    _keep_missing_relations(obj, report, current)
    _set_tags_quietly(obj, then.tag_ids)
    if kind is ARTICLE:
        rows = history.rows_as_of(Article, moment, id=obj.pk)
        if rows:
            _set_categories_quietly(obj, _categories_of(rows[0]))
    # Saved even when nothing differs: the restore is a revision of its own.
    stamp(obj).save()


def _keep_missing_relations(obj, report, fallback):
    """A story deleted since cannot come back with the article: keep `fallback`."""
    for attname, model in (("story_id", Story),):
        wanted = getattr(obj, attname, None)
        if wanted and not model.objects.filter(pk=wanted).exists():
            setattr(obj, attname, fallback.get(attname))
            report.notes.append(
                f"Its {model._meta.verbose_name} then (#{wanted}) has been deleted since: "
                + ("the current one is kept." if fallback.get(attname) else "left empty.")
            )


def _restore_article_parts(article, state, stamp, report):
    # A placed quote that has since been deleted comes back as it last read.
    quote_ids = {p.quote_id for p in state.placements}
    for missing in quote_ids - set(
        Quote.objects.filter(pk__in=quote_ids).values_list("pk", flat=True)
    ):
        _recreate(QUOTE, missing, stamp, report)
        report.count(QUOTE, "added")
    related = _existing_targets(state.related_links, report)
    _sync(UPDATE, article.updates.all(), state.updates, stamp, report)
    _sync(PLACEMENT, article.quote_placements.all(), state.placements, stamp, report)
    _sync(RELATED, article.related_links.all(), related, stamp, report)
    _sync(REFERENCE, article.references.all(), state.references, stamp, report)
    _sync(EMBED, article.embeds.all(), state.embeds, stamp, report)


def _existing_targets(links, report):
    targets = {link.target_id for link in links if link.target_id}
    alive = set(Article.objects.filter(pk__in=targets).values_list("pk", flat=True))
    for gone in sorted(targets - alive):
        report.notes.append(f"A related post to a deleted article (#{gone}) was left out.")
    return [link for link in links if not link.target_id or link.target_id in alive]


def _sync(kind, current, wanted, stamp, report):
    """Make the live children in `current` what `wanted` (instances from history) says."""
    current = {obj.pk: obj for obj in current}
    wanted = {obj.pk: obj for obj in wanted}
    # Removals first, so what comes back cannot clash with what is going (unique anchors,
    # one placement of a quote per article).
    for pk in sorted(current.keys() - wanted.keys()):
        stamp(current.pop(pk)).delete()
        report.count(kind, "removed")
    # An object that moved to another parent since comes back here, with its id.
    elsewhere = kind.model.objects.in_bulk(wanted.keys() - current.keys())
    attnames = kind.restorable_attnames()
    for pk, then in sorted(wanted.items()):
        obj = current.get(pk) or elsewhere.get(pk)
        if obj is None:
            stamp(then).save(force_insert=True)
            if kind.m2m and then.tag_ids:
                then.tags.set(then.tag_ids & _existing(Tag, then.tag_ids))
            report.count(kind, "added")
            continue
        tags = _existing(Tag, then.tag_ids) if kind.m2m else None
        differs = any(getattr(obj, a) != getattr(then, a) for a in attnames) or (
            kind.m2m and set(obj.tags.values_list("pk", flat=True)) != tags
        )
        if not differs:
            continue
        for attname in attnames:
            setattr(obj, attname, getattr(then, attname))
        if kind.m2m:
            _set_tags_quietly(obj, tags)
        stamp(obj).save()
        report.count(kind, "changed")


def _existing(model, ids):
    return set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _set_tags_quietly(obj, tag_ids):
    """Set tags without a history row of their own: the save that follows records them."""
    obj.skip_history_when_saving = True
    try:
        obj.tags.set(_existing(Tag, tag_ids))
    finally:
        del obj.skip_history_when_saving


def _categories_of(row):
    """The categories recorded with one historical row of an article."""
    return history.m2m_ids(Article, "categories", [row])[row.history_id]


def _set_categories_quietly(obj, category_ids):
    """Categories as recorded then (those deleted since left out), with no history row of
    their own: the save that follows records them."""
    obj.skip_history_when_saving = True
    try:
        obj.categories.set(_existing(Category, category_ids))
    finally:
        del obj.skip_history_when_saving


def _recreate(kind, pk, stamp, report):
    """Bring a deleted object back with its id, as its last row before deletion had it."""
    last = last_row(kind, pk)
    if last is None:
        raise ValidationError(f"No record is left of {kind.noun} #{pk}.")
    obj = last.instance
    if kind is ARTICLE:
        _keep_missing_relations(obj, report, {})
    stamp(obj).save(force_insert=True)
    if kind.m2m:
        tags = history.m2m_ids(kind.model, "tags", [last])[last.history_id]
        if tags:
            obj.tags.set(_existing(Tag, tags))
    if kind is ARTICLE:
        categories = _categories_of(last)
        if categories:
            obj.categories.set(_existing(Category, categories))
    return obj


def recover(*, kind, pk, user):
    """
    Bring a deleted article, update, quote or timeline entry back with its id, from its last
    row before deletion; an article comes back with everything that was on its page. Returns
    (object, RestoreReport).
    """
    with transaction.atomic():
        if kind.model._base_manager.filter(pk=pk).exists():
            raise ValidationError(f"This {kind.noun} exists: there is nothing to recover.")
        deletion = (
            kind.model.history.filter(id=pk, history_type="-").order_by("-history_date").first()
        )
        if deletion is None:
            raise ValidationError(f"No deleted {kind.noun} #{pk} was found.")
        report = RestoreReport(
            reason=f"Recovered (deleted {timezone.localtime(deletion.history_date):%Y-%m-%d %H:%M})"
        )
        stamp = _Stamper(user, report.reason)
        _check_recoverable(kind, deletion)
        obj = _recreate(kind, pk, stamp, report)
        report.count(kind, "added")
        if kind is ARTICLE:
            _recover_article_parts(obj, deletion, stamp, report)
    return obj, report


def _check_recoverable(kind, row):
    if kind is UPDATE and not Article.objects.filter(pk=row.article_id).exists():
        raise ValidationError(UPDATE_WITHOUT_ARTICLE)
    if kind is ENTRY and not Story.objects.filter(pk=row.story_id).exists():
        raise ValidationError("Its story has been deleted: it cannot come back on its own.")
    if kind is ARTICLE:
        if Article.objects.filter(slug=row.slug).exists():
            raise ValidationError(
                f"Another article now has the address “{row.slug}”: change that one's slug first."
            )
        if row.story_id and not Story.objects.filter(pk=row.story_id).exists():
            raise ValidationError("Its story has been deleted: recover or recreate it first.")


def _recover_article_parts(article, deletion, stamp, report):
    """Its children as they stood just before the deletion that took them with it."""
    window = (deletion.history_date - CASCADE_WINDOW, deletion.history_date)
    started = [
        kind.model.history.filter(
            article_id=article.pk, history_type="-", history_date__range=window
        ).aggregate(first=Min("history_date"))["first"]
        for kind in (UPDATE, PLACEMENT, RELATED, REFERENCE, EMBED, EDITION)
    ]
    before = min([s for s in started if s] + [deletion.history_date])
    state = history.article_state_as_of(article, before - dt.timedelta(microseconds=1))
    _restore_article_parts(article, state, stamp, report)
    editions = history.as_of(Edition, before - dt.timedelta(microseconds=1), article_id=article.pk)
    _sync(EDITION, Edition.objects.none(), editions, stamp, report)
