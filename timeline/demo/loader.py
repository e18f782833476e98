"""
Loads the demo content (timeline.demo.content) through the services; see timeline.demo.

Each object is found by its natural key (a slug, a username, an article and a date...). A
missing one is created through its service, its history row dated when it was plausibly written
(`_written`), so frozen edition snapshots show the page as it really stood; an existing one gets
only the fields that differ (services.save_changes), a fix dated today. Nothing equal is saved.
"""

import datetime as dt
from collections import Counter
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from timeline import dates, services
from timeline.demo import content, editor, pictures
from timeline.models import (
    Article,
    Category,
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

REASON = "Loaded demo content"
# Replayed editions are approved the day before they go live.
APPROVED_BEFORE = dt.timedelta(days=1)


@transaction.atomic
def load_demo(*, password=editor.DEFAULT_PASSWORD, reset_password=False, now=None):
    """
    Create or bring up to date the demo content; returns what it created and changed.

    `now` is the moment of loading (default: the clock): the anniversaries already past then
    get their editions, and nothing is dated after it.
    """
    loader = _Loader(now=now or timezone.now())
    loader.load(password=password, reset_password=reset_password)
    return loader.result


class _Loader:
    def __init__(self, *, now):
        self.now = now
        self.result = editor.DemoResult()
        self.user = None
        self.tags = {}
        self.articles = {}
        self.quotes = {}
        self.pictures = {}
        self.published = {data["slug"]: data["published_at"] for data in content.ARTICLES}
        self.main = next(data for data in content.ARTICLES if data["recurring"])
        self.first_published = self.main["published_at"]
        self._created = set()
        self._changed = set()

    def load(self, *, password, reset_password):
        self.user = editor.ensure_editor(password, reset_password, result=self.result)
        origin = self.first_published  # before the main article, there was no demo newsroom
        self.pictures, drawn = pictures.ensure(user=self.user, history_date=self._written(origin))
        for image in drawn:
            self._tally(image, created=True)
        category = dict(content.CATEGORY)
        category = self._sync(
            services.create_category, Category, {"slug": category.pop("slug")}, category, at=origin
        )
        for slug, name in content.TAGS.items():
            lookup = {"slug": slug}
            self.tags[slug] = self._sync(
                services.create_tag, Tag, lookup, {"name": name}, at=origin
            )
        story = self._story(at=origin)
        self._timeline(story)
        for data in content.ARTICLES:
            self.articles[data["slug"]] = self._article(data, story=story, category=category)
        self._quotes()
        self._updates(self.articles[self.main["slug"]])
        self._links()
        self._editions(self.articles[self.main["slug"]])

    # -- the content

    def _story(self, *, at):
        values = {k: v for k, v in content.STORY.items() if k not in {"slug", "tags"}}
        values["default_image"] = self.pictures["zone-map"]
        lookup = {"slug": content.STORY["slug"]}
        return self._sync(
            services.create_story, Story, lookup, values, tags=content.STORY["tags"], at=at
        )

    def _timeline(self, story):
        """
        Entries have no slug: each is found by its date, and entries sharing a date by their
        position among those (oldest first), so a wording fix updates the entry in place.

        The timeline grew as events happened: an entry is written the morning after its date
        (at the earliest when the article first went out).
        """
        existing = {}
        for entry in TimelineEntry.objects.filter(story=story).order_by("pk"):
            existing.setdefault(entry.date, []).append(entry)
        seen = Counter()
        for data in content.TIMELINE:
            when = dates.parse(data["date"])
            position = seen[when.edtf]
            seen[when.edtf] += 1
            same_day = existing.get(when.edtf, [])
            reference = data.get("reference", {})
            values = {
                "text": data["text"],
                "is_key_moment": data.get("key_moment", False),
                "reference_title": reference.get("title", ""),
                "reference_url": reference.get("url", ""),
            }
            tags = data.get("tags", [])
            if position < len(same_day):
                self._update_existing(same_day[position], values, tags=tags)
                continue
            written = self._written(self.first_published, _morning_after(when))
            with _explained(TimelineEntry, data["date"]):
                entry = services.create_timeline_entry(
                    story=story, date=when, tags=self._tags(tags), **self._stamp(written), **values
                )
            self._tally(entry, created=True)

    def _article(self, data, *, story, category):
        slug = data["slug"]
        values = {
            k: v
            for k, v in data.items()
            if k not in {"slug", "tags", "first_version", "rewritten_by_edition"}
        }
        values.update(
            story=story if data["story"] else None,
            category=category,
            status=Status.PUBLISHED,
            publish_at=None,
            timeline_until=None,
        )
        if data["recurring"]:
            values["lead_image"] = self.pictures["arch"]
        if data["recurring"] and Article.objects.filter(slug=slug).exists():
            # Its title and front-page moment belong to its editions (see _editions).
            values = {k: v for k, v in values.items() if k not in {"title", "featured_at"}}
        first_version = data.get("first_version", {})
        return self._sync(
            services.create_article,
            Article,
            {"slug": slug},
            values,
            tags=data["tags"],
            at=data["published_at"],
            first={**values, **first_version},
        )

    def _quotes(self):
        """
        A placement is written when its article first went out, or once the words were said
        if that was later; a quote, with its first placement.
        """
        placements = content.PLACEMENTS
        written = [
            self._written(
                self.published[p["article"]], _morning_after(content.QUOTES[p["quote"]]["said_on"])
            )
            for p in placements
        ]
        for key, data in content.QUOTES.items():
            values = {**data, "said_on": _edtf(data["said_on"])}
            lookup = {"speaker": values.pop("speaker"), "said_on": values.pop("said_on")}
            first_placed = min(
                (at for p, at in zip(placements, written, strict=True) if p["quote"] == key),
                default=self.first_published,
            )
            self.quotes[key] = self._sync(
                services.create_quote, Quote, lookup, values, at=first_placed
            )
        for p, at in zip(placements, written, strict=True):
            lookup = {
                "article": self.articles[p["article"]],
                "quote": self.quotes[p["quote"]],
                "placement": p["placement"],
            }
            values = {"after_paragraph": p["after_paragraph"], "order": p["order"]}
            self._sync(services.place_quote, QuotePlacement, lookup, values, at=at)

    def _updates(self, article):
        for data in content.UPDATES:
            values = {k: v for k, v in data.items() if k != "dated_at"}
            values["body"] = pictures.fill(values["body"], self.pictures)
            values.update(status=Status.PUBLISHED, published_at=data["dated_at"], publish_at=None)
            lookup = {"article": article, "dated_at": data["dated_at"]}
            self._sync(
                services.create_update,
                Update,
                lookup,
                values,
                at=data["dated_at"],
                first={k: v for k, v in values.items() if k not in {"status", "publish_at"}},
            )
        # This year's update, being written now for the coming anniversary. Once created it
        # belongs to the editors: a second run never overwrites or unpublishes it.
        draft = content.DRAFT_UPDATE
        if not Update.objects.filter(article=article, dated_at=draft["dated_at"]).exists():
            with _explained(Update, draft["headline"]):
                created = services.create_update(article=article, **draft, **self._stamp(self.now))
            self._tally(created, created=True)

    def _links(self):
        for data in content.RELATED:
            slug, target = data["article"], data["target"]
            lookup = {
                "article": self.articles[slug],
                "target": self.articles[target] if target else None,
                "url": data["url"],
            }
            values = {"label": data["label"], "order": data["order"]}
            # A link to another article is written once both are out.
            at = self._written(self.published[slug], target and self.published[target])
            self._sync(services.add_related_link, RelatedLink, lookup, values, at=at)
        for order, data in enumerate(content.REFERENCES):
            values = {**data, "published_on": _edtf(data["published_on"]), "order": order}
            lookup = {"article": self.articles[values.pop("article")], "url": values.pop("url")}
            # Cited once it was out and read: the access date says when someone looked.
            at = self._written(
                self.first_published,
                _morning_after(data["published_on"]),
                data["accessed_on"] and _morning(data["accessed_on"]),
            )
            self._sync(services.add_reference, Reference, lookup, values, at=at)
        for order, data in enumerate(content.EMBEDS):
            values = {**data, "order": order}
            lookup = {"article": self.articles[values.pop("article")], "url": values.pop("url")}
            self._sync(services.add_embed, Embed, lookup, values, at=self.first_published)

    def _editions(self, article):
        """
        Replay the article's life as a series: the first publication, then every anniversary
        already past, each prepared a few days ahead, approved, and made live at its time,
        superseding (and freezing) the one before, the article taking its title each time.

        Runs once: an article with editions has its own history from then on.
        """
        if article.editions.exists():
            return
        rewritten = {}
        for name, year in self.main.get("rewritten_by_edition", {}).items():
            rewritten.setdefault(year, {})[name] = self.main[name]
        edition = services.replay_original_edition(
            article=article, title=self.main["title"], user=self.user
        )
        self._tally(edition, created=True)
        year, story = edition.year + 1, article.story
        while story.anniversary_go_live(year) <= self.now:
            edition = services.replay_anniversary_edition(
                article=article,
                year=year,
                approved_before=APPROVED_BEFORE,
                user=self.user,
                changes=rewritten.get(year),
            )
            self._tally(edition, created=True)
            self._tally(article, created=False)
            year += 1

    # -- generic find-or-create, saving only what differs

    def _sync(self, create, model, lookup, values, *, at, tags=None, first=None):
        """
        Find `model` by `lookup`; create it with `create` (a service) as `first` (default:
        `values`), written `at`; or bring it to `values`. `tags` are slugs.
        """
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            self._update_existing(obj, values, tags=tags)
            return obj
        with _explained(model, _label(lookup)):
            extra = {} if tags is None else {"tags": self._tags(tags)}
            fields = {**lookup, **(values if first is None else first), **extra}
            obj = create(**fields, **self._stamp(self._written(at)))
        self._tally(obj, created=True)
        return obj

    def _update_existing(self, obj, values, *, tags=None):
        with _explained(type(obj), str(obj)):
            changed = services.save_changes(obj=obj, values=values, user=self.user, reason=REASON)
            if tags is not None and services.set_tags(
                obj=obj, tags=self._tags(tags), user=self.user, reason=REASON
            ):
                changed = True
        if changed:
            self._tally(obj, created=False)

    def _tags(self, slugs):
        return [self.tags[slug] for slug in slugs]

    def _stamp(self, at):
        return {"user": self.user, "reason": REASON, "history_date": min(at, self.now)}

    def _written(self, *moments):
        """The latest of these moments (None ignored), never later than now."""
        return min(max(m for m in moments if m), self.now)

    def _tally(self, obj, *, created):
        key = (type(obj), obj.pk)
        if created:
            self._created.add(key)
            self.result.created[type(obj)] += 1
        elif key not in self._created and key not in self._changed:
            self._changed.add(key)
            self.result.changed[type(obj)] += 1


@contextmanager
def _explained(model, name):
    """A validation error names the object it is about, for the operator's one line."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(f"{model._meta.verbose_name} “{name}”: {_describe(exc)}") from exc


def _label(lookup):
    return ", ".join(str(value) for value in lookup.values() if value not in (None, ""))


def _morning_after(value):
    """Nine the next morning, newsroom time, after a mixed-precision date (or its text) ends."""
    if not value:
        return None
    if isinstance(value, str):
        value = dates.parse(value)
    return _morning(value.upper + dt.timedelta(days=1))


def _morning(day):
    """The newsroom publishes anniversary pieces at nine in the morning."""
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=content.ZONE)


def _edtf(text):
    return dates.parse(text).edtf if text else ""


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
