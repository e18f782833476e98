"""
What a whole-page revision is made of: the models that feed a page (`Kind`, `KINDS`), the pages
revised as a whole (`Subject`), and how one object or field of them reads to editors (`Labels`,
`label`, `display`, `raw_value`), without a query per row.
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst

from timeline import dates
from timeline.models import (
    Article,
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
EMPTY = "—"

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
        "timeline_until", "tags", "status", "publish_at", "published_at",
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
    ("quote", "quote_text", "placement", "update", "anchor", "order"),
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
    "article": ((Story, "story_id"),),
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
