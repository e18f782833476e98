"""
Whole-page revisions: the history of an article and of everything on its page, read, compared,
restored and protected as one.

django-simple-history keeps one history table per model, so out of the box an article's history
says nothing of its updates, quotes or timeline, and reverting it leaves its children as they
are. Here an article's history is merged from every table that feeds its page (one query per
table), any two points of it can be compared field by field and child by child, and the whole
page can be restored to a point: every write goes through the models' save() and delete(), so a
restore is itself a revision and can be undone the same way. Deleted articles, updates, quotes
and timeline entries can be recovered with their ids from their last historical row.

The same machinery gives the change forms their version (`version_of`): a signed stamp of the
newest history row of each table the form edits. A save over a newer version is refused
(`check_version`) with who saved, when, and what they changed. A story with its timeline is a
smaller subject handled the same way.
"""

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst

from timeline import dates
from timeline.formatting import join_names
from timeline.models import (
    Article,
    Category,
    Edition,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Story,
    Tag,
    TimelineEntry,
    Update,
    UpdateKind,
)
from timeline.revisions import history

PER_PAGE = 50
RECENTLY_DELETED_DAYS = 90
EMPTY = "—"
# Text longer than this many words is compared word by word rather than shown twice.
LONG_TEXT_WORDS = 8

# ---------------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    """One model that feeds a page: how its changes are named, compared and restored."""

    key: str
    model: type[models.Model]
    title: str  # heading for its children in a comparison
    fields: tuple[str, ...]  # what editors see of it, in form order
    m2m: tuple[str, ...] = ()
    keep: frozenset = frozenset()  # left as they are by a restore

    @property
    def noun(self):
        return self.model._meta.verbose_name

    @property
    def nouns(self):
        return self.model._meta.verbose_name_plural

    def field_label(self, name):
        if name == "quote_text":
            return "Quote text"
        return capfirst(self.model._meta.get_field(name).verbose_name)

    def restorable_attnames(self):
        """Concrete fields a restore copies back: not the id, clocks or what it keeps."""
        return [
            f.attname
            for f in self.model._meta.concrete_fields
            if not f.primary_key
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
            and f.name not in self.keep
        ]


ARTICLE = Kind(
    "article",
    Article,
    "Article",
    (
        "title", "kicker", "byline", "slug", "story", "summary", "lede", "body",
        "timeline_until", "category", "tags", "status", "publish_at", "published_at",
        "featured_at", "comments_open", "recurring",
    ),
    m2m=("tags",),
    # The permanent address and the publication state are not content: a restore never
    # unpublishes an article or moves its URL (Publish and Unpublish do that).
    keep=frozenset({"slug", "status", "publish_at", "published_at", "featured_at"}),
)  # fmt: skip
STORY = Kind(
    "story",
    Story,
    "Story",
    (
        "title", "slug", "event_date", "event_time", "time_zone", "summary", "tags",
        "publish_time", "lead_days", "requires_approval", "title_pattern", "milestone_patterns",
    ),
    m2m=("tags",),
    keep=frozenset({"slug"}),
)  # fmt: skip
UPDATE = Kind(
    "update",
    Update,
    "Updates",
    ("kind", "dated_at", "headline", "body", "status", "publish_at", "published_at"),
)
PLACEMENT = Kind(
    "placement",
    QuotePlacement,
    "Quotes",
    ("quote", "quote_text", "placement", "after_paragraph", "order"),
)
QUOTE = Kind(
    "quote",
    Quote,
    "Quote texts",
    ("text", "speaker", "speaker_role", "work", "outlet", "said_on", "source_url"),
)
RELATED = Kind("related", RelatedLink, "Related posts", ("target", "url", "label", "order"))
REFERENCE = Kind(
    "reference",
    Reference,
    "References",
    ("title", "outlet", "published_on", "url", "accessed_on", "order"),
)
EMBED = Kind(
    "embed", Embed, "Embedded media", ("kind", "provider", "url", "title", "caption", "order")
)
EDITION = Kind(
    "edition",
    Edition,
    "Editions",
    ("title", "kind", "status", "go_live_at", "approved_at", "went_live_at", "superseded_at"),
)
ENTRY = Kind(
    "entry",
    TimelineEntry,
    "Timeline",
    ("date", "text", "is_key_moment", "tags", "reference_url", "reference_title"),
    m2m=("tags",),
)
KINDS = {kind.key: kind for kind in (ARTICLE, STORY, UPDATE, PLACEMENT, QUOTE, RELATED,
                                     REFERENCE, EMBED, EDITION, ENTRY)}  # fmt: skip
EDTF_FIELDS = {"said_on", "published_on", "date"}


@dataclass(frozen=True)
class Subject:
    """A page that is revised as a whole: its own row and its children, part by part."""

    root: Kind
    parts: tuple[tuple[Kind, str], ...]  # (kind, attribute of its state)

    def state(self, obj, moment):
        if self.root is ARTICLE:
            return history.article_state_as_of(obj, moment, with_tags=True)
        return history.story_state_as_of(obj, moment, with_tags=True)

    def root_of(self, state):
        return getattr(state, self.root.key)


ARTICLE_PAGE = Subject(
    ARTICLE,
    (
        (UPDATE, "updates"),
        (PLACEMENT, "placements"),
        (RELATED, "related_links"),
        (REFERENCE, "references"),
        (EMBED, "embeds"),
        (ENTRY, "timeline"),
    ),
)
STORY_PAGE = Subject(STORY, ((ENTRY, "timeline"),))


def subject_of(obj):
    return ARTICLE_PAGE if isinstance(obj, Article) else STORY_PAGE


# ------------------------------------------------------------------------ labels and values


class Labels:
    """
    Names for the objects a page of revisions mentions by id (stories, categories, tags,
    articles linked to), fetched in one query per model however many rows mention them.
    """

    def __init__(self):
        self._wanted = defaultdict(set)
        self._found = {}

    def want(self, model, ids):
        self._wanted[model].update(i for i in ids if i is not None)

    def load(self):
        for model, ids in self._wanted.items():
            missing = ids - self._found.setdefault(model, {}).keys()
            if missing:
                self._found[model].update(model._base_manager.in_bulk(missing))
        self._wanted.clear()
        return self

    def get(self, model, pk):
        return self._found.get(model, {}).get(pk)

    def name(self, model, pk):
        if pk is None:
            return EMPTY
        obj = self.get(model, pk)
        if obj is None:
            return f"{model._meta.verbose_name} #{pk} (deleted)"
        return str(obj)

    def time_zone(self, story_id):
        story = self.get(Story, story_id)
        return story.time_zone if story else None

    def want_for(self, kind, objs, *, tags=True):
        """Ask for what `label` (and with `tags`, `display`) will need for these objects."""
        for model, attname in _REFERENCES.get(kind.key, ()):
            self.want(model, (getattr(obj, attname, None) for obj in objs))
        if kind.m2m and tags:
            self.want(Tag, (pk for obj in objs for pk in getattr(obj, "tag_ids", ())))


_REFERENCES = {
    "article": ((Story, "story_id"), (Category, "category_id")),
    "related": ((Article, "target_id"),),
    "entry": ((Story, "story_id"),),
}


def label(kind, obj, labels):
    """A short name for one object of `kind` that costs no query (see Labels)."""
    match kind.key:
        case "article" | "story" | "reference":
            return obj.title
        case "update":
            words = obj.headline or Truncator(obj.body).words(8)
            sort = "" if obj.kind == UpdateKind.UPDATE else f"{obj.get_kind_display()}, "
            return f"{sort}{date_format(obj.local_date, 'j M Y')}: {words}"
        case "quote" | "embed" | "edition":
            return str(obj)
        case "placement":
            quote = obj._state.fields_cache.get("quote")
            words = Truncator(quote.text).words(10) if quote else f"quote #{obj.quote_id}"
            return f"{obj.get_placement_display()}: {words}"
        case "related":
            return obj.label or (labels.name(Article, obj.target_id) if obj.target_id else obj.url)
        case "entry":
            when = _format_edtf(obj.date, labels.time_zone(obj.story_id))
            return f"{when}: {Truncator(obj.text).words(10)}"
    return str(obj)


def raw_value(kind, obj, name):
    if name in kind.m2m:
        return frozenset(getattr(obj, "tag_ids", ()))
    if name == "quote_text":
        quote = obj._state.fields_cache.get("quote")
        return quote.text if quote else ""
    return getattr(obj, kind.model._meta.get_field(name).attname)


def display(kind, obj, name, labels):
    """One field of one object as editors read it."""
    value = raw_value(kind, obj, name)
    if name in kind.m2m:
        return ", ".join(sorted(labels.name(Tag, pk) for pk in value)) or EMPTY
    if name == "quote_text":
        return value or EMPTY
    model_field = kind.model._meta.get_field(name)
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        return labels.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return when(value)
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if name in EDTF_FIELDS:
        return _format_edtf(value, labels.time_zone(getattr(obj, "story_id", None)))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def when(moment):
    """A moment as editors read it, in the newsroom's zone."""
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def _format_edtf(value, tz):
    try:
        return dates.format_date(dates.from_edtf(value), tz=tz)
    except (dates.InvalidDate, ValueError):
        return value


# ------------------------------------------------------------------------ the merged history


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


# ------------------------------------------------------------------------------- comparing


def word_diff(before, after):
    """
    `before` and `after` as one text, the words taken out in <del> and the words put in in
    <ins>, compared word by word (the spacing and line breaks shown are the newer text's).
    Every piece of text is escaped; only those two tags are markup.
    """
    old, new = _words(before), _words(after)
    matcher = SequenceMatcher(None, [w for w, _ in old], [w for w, _ in new], autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(_joined(new[j1:j2])))
            continue
        taken, put = _joined(old[i1:i2]), _joined(new[j1:j2])
        if taken:
            parts.append(format_html("<del>{}</del>", taken.rstrip()))
        if taken and put:
            parts.append(" ")  # keep the two apart when read aloud or copied
        if put:
            parts.append(format_html("<ins>{}</ins>", put.rstrip()))
        tail = put or taken
        parts.append(escape(tail[len(tail.rstrip()) :]))
    # Safe: every piece was escaped above.
    return mark_safe("".join(parts))


def _words(text):
    """(word, the spacing after it) pairs."""
    return re.findall(r"(\S+)(\s*)", text or "")


def _joined(words):
    return "".join(word + space for word, space in words)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    diff: str = ""  # word-level, for long text

    @classmethod
    def of(cls, label, before, after, *, text=False):
        """`text`: a text field, compared word by word whatever its length."""
        words = text or max(len(before.split()), len(after.split())) > LONG_TEXT_WORDS
        if words and EMPTY not in (before, after):
            return cls(label, before, after, word_diff(before, after))
        return cls(label, before, after)


@dataclass
class ChildChange:
    action: str  # added, changed, removed
    label: str
    fields: list = field(default_factory=list)  # FieldChange (changed) or (label, value)


@dataclass
class PartChanges:
    kind: Kind
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def items(self):
        return [*self.added, *self.changed, *self.removed]


@dataclass
class Comparison:
    """What differs between two states of a page: its own fields, then part by part."""

    kind: Kind
    before: object  # the root object then (None: it did not exist)
    after: object
    fields: list = field(default_factory=list)
    parts: list = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.fields or self.parts)


def compare(obj, before, after, *, restoring=False):
    """
    Compare `obj`'s page at moment `before` with moment `after` (None: now), drafts and all:
    about twenty queries whatever the size of the page. `restoring` leaves out what a restore
    keeps as it is (an article's address and publication state, the words of its quotes), so
    that the comparison shows what restoring to `after` would change.
    """
    subject = subject_of(obj)
    old, new = subject.state(obj, before), subject.state(obj, after)
    labels = Labels()
    old_root, new_root = subject.root_of(old), subject.root_of(new)
    roots = [r for r in (old_root, new_root) if r is not None]
    labels.want_for(subject.root, roots)
    for kind, attr in subject.parts:
        labels.want_for(kind, [*getattr(old, attr), *getattr(new, attr)])
    labels.load()

    comparison = Comparison(kind=subject.root, before=old_root, after=new_root)
    if new_root is not None:
        skip = subject.root.keep if restoring else ()
        comparison.fields = _field_changes(subject.root, old_root, new_root, labels, skip)
    for kind, attr in subject.parts:
        skip = {"quote_text"} if restoring else ()
        part = _compare_part(kind, getattr(old, attr), getattr(new, attr), labels, skip)
        if part.items:
            comparison.parts.append(part)
    return comparison


def _field_changes(kind, old, new, labels, skip=()):
    found = []
    for name in kind.fields:
        if name in skip:
            continue
        if old is not None and raw_value(kind, old, name) == raw_value(kind, new, name):
            continue
        before = display(kind, old, name, labels) if old is not None else EMPTY
        after = display(kind, new, name, labels)
        if before != after or old is None:
            if old is None and after == EMPTY:
                continue
            found.append(
                FieldChange.of(kind.field_label(name), before, after, text=_is_text(kind, name))
            )
    return found


def _is_text(kind, name):
    if name == "quote_text":
        return True
    if name in kind.m2m:
        return False
    return isinstance(kind.model._meta.get_field(name), models.TextField)


def _details(kind, obj, labels):
    return [
        (kind.field_label(name), value)
        for name in kind.fields
        if (value := display(kind, obj, name, labels)) != EMPTY
    ]


def _compare_part(kind, old, new, labels, skip=()):
    old_by_pk, new_by_pk = {o.pk: o for o in old}, {o.pk: o for o in new}
    part = PartChanges(kind=kind)
    for obj in sorted(new, key=_sort_key(kind)):
        if obj.pk not in old_by_pk:
            part.added.append(
                ChildChange("added", label(kind, obj, labels), _details(kind, obj, labels))
            )
            continue
        changes = _field_changes(kind, old_by_pk[obj.pk], obj, labels, skip)
        if changes:
            part.changed.append(ChildChange("changed", label(kind, obj, labels), changes))
    for obj in sorted(old, key=_sort_key(kind)):
        if obj.pk not in new_by_pk:
            part.removed.append(
                ChildChange("removed", label(kind, obj, labels), _details(kind, obj, labels))
            )
    return part


def _sort_key(kind):
    if kind is UPDATE:
        return lambda o: (-o.dated_at.timestamp(), -o.pk)
    if kind is ENTRY:
        return lambda o: (o.date_lower, o.pk)
    if kind is PLACEMENT:
        return lambda o: (o.placement, o.order, o.pk)
    return lambda o: (getattr(o, "order", 0), o.pk)


# ------------------------------------------------------------------------------- restoring


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

    _restore_root(subject.root, obj, then, stamp, report)
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


def _restore_root(kind, obj, then, stamp, report):
    current = {attname: getattr(obj, attname) for attname in kind.restorable_attnames()}
    for attname in current:
        setattr(obj, attname, getattr(then, attname))
    _keep_missing_relations(obj, report, current)
    _set_tags_quietly(obj, then.tag_ids)
    # Saved even when nothing differs: the restore is a revision of its own.
    stamp(obj).save()


def _keep_missing_relations(obj, report, fallback):
    """A story or category deleted since cannot come back with the article: keep `fallback`."""
    for attname, model in (("story_id", Story), ("category_id", Category)):
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


def _last_row(kind, pk):
    rows = kind.model.history.filter(id=pk).order_by("-history_date", "-history_id")
    return rows.exclude(history_type="-").first() or rows.first()


def last_known(kind, pk):
    """The object as its last historical row had it (before its deletion), or None."""
    row = _last_row(kind, pk)
    return row.instance if row is not None else None


def _recreate(kind, pk, stamp, report):
    """Bring a deleted object back with its id, as its last row before deletion had it."""
    last = _last_row(kind, pk)
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
    return obj


# ------------------------------------------------------------------------ recently deleted

RECOVERABLE = (ARTICLE, UPDATE, QUOTE, ENTRY)
# Deleting an article deletes its children first, in the same transaction and within moments.
CASCADE_WINDOW = dt.timedelta(seconds=10)


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


UPDATE_WITHOUT_ARTICLE = (
    "Its article is deleted too: recover the article first (its updates come back with it)."
)


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


# ---------------------------------------------------------------------- no lost edits


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


def _newest_ids(obj):
    """The newest history_id of each table the form edits, for `obj`: one query."""
    sources = VERSIONED[type(obj)]
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


def version_of(obj):
    """The signed version of `obj`'s form as it stands: compare it with `check_version`."""
    return _signer.sign(".".join(map(str, _newest_ids(obj))))


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
    sources = VERSIONED[type(obj)]
    loaded = _read(token, len(sources))
    with transaction.atomic():
        list(type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
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
        comparison=compare(obj, newer[0].history_date - dt.timedelta(microseconds=1), None),
    )


def _name(user):
    if user is None:
        return "Someone else"
    return user.get_full_name() or user.get_username()
