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
from timeline.demo import content, editor, founding, pictures
from timeline.models import (
    Article,
    Category,
    EditionKind,
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
        self.user, _ = editor.ensure_logins(password, reset_password, result=self.result)
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
        story = self._story(content.STORY, at=origin, image=self.pictures["zone-map"])
        self._timeline(story, content.TIMELINE, since=origin)
        for data in content.ARTICLES:
            self.articles[data["slug"]] = self._article(data, story=story, category=category)
        self._quotes()
        self._updates(self.articles[self.main["slug"]])
        self._links()
        self._editions(self.articles[self.main["slug"]])
        self._anniversary_updates(self.articles[self.main["slug"]])
        self._founding(category)

    # -- the content

    def _story(self, data, *, at, image=None):
        values = {k: v for k, v in data.items() if k not in {"slug", "tags"}}
        values["default_image"] = image
        lookup = {"slug": data["slug"]}
        return self._sync(services.create_story, Story, lookup, values, tags=data["tags"], at=at)

    def _timeline(self, story, timeline, *, since):
        """
        Entries have no slug: each is found by its date, and entries sharing a date by their
        position among those (oldest first), so a wording fix updates the entry in place.

        The timeline grew as events happened: an entry is written the morning after its date
        (at the earliest `since`, when the story's article first went out).
        """
        existing = {}
        for entry in TimelineEntry.objects.filter(story=story).order_by("pk"):
            existing.setdefault(entry.date, []).append(entry)
        seen = Counter()
        for data in timeline:
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
            written = self._written(since, _morning_after(when))
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
            status=Status.PUBLISHED,
            publish_at=None,
            timeline_until=None,
        )
        if slug == self.main["slug"]:
            values["lead_image"] = self.pictures["arch"]
        existing = Article.objects.filter(slug=slug).first()
        if data["recurring"] and existing is not None:
            # Its title and front-page moment belong to its editions (see _editions), and the
            # fields they rewrote read as the latest edition that went live left them.
            values = {k: v for k, v in values.items() if k not in {"title", "featured_at"}}
            year = _last_anniversary(existing) or timezone.localtime(data["published_at"]).year
            values.update(content.as_of_edition(data, year))
        first_version = data.get("first_version", {})
        article = self._sync(
            services.create_article,
            Article,
            {"slug": slug},
            values,
            tags=data["tags"],
            at=data["published_at"],
            first={**values, **first_version},
        )
        # The newsroom's one category, filed under when the article was written.
        if services.set_categories(
            article=article, categories=[category], user=self.user, reason=REASON,
            history_date=min(self._written(data["published_at"]), self.now),
        ):  # fmt: skip
            self._tally(article, created=False)
        return article

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
            values = {"anchor": p.get("anchor", ""), "order": p["order"]}
            self._sync(services.place_quote, QuotePlacement, lookup, values, at=at)

    def _updates(self, article):
        """The published updates written by now (a later run adds those dated since)."""
        for data in content.UPDATES:
            if data["dated_at"] > self.now:
                continue
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

    def _anniversary_updates(self, article):
        """
        The update of the anniversary last gone live (in the data's words when it has them,
        else in ANNIVERSARY_UPDATE's), and the next one's draft, being written now.

        Once created they belong to the editors: a second run never overwrites, publishes or
        unpublishes them, and one an editor made at that moment counts as made.
        """
        year = _last_anniversary(article)
        if year is None:
            return
        story = article.story
        for template, when in (
            (content.ANNIVERSARY_UPDATE, year),
            (content.DRAFT_UPDATE, year + 1),
        ):
            dated_at = story.anniversary_go_live(when)
            if Update.objects.filter(article=article, dated_at=dated_at).exists():
                continue
            data = content.anniversary_update(template, years=when - story.event_date.year)
            published = dated_at if template is content.ANNIVERSARY_UPDATE else None
            with _explained(Update, data["headline"]):
                created = services.create_update(
                    article=article,
                    dated_at=dated_at,
                    published_at=published,
                    **data,
                    **self._stamp(published or self.now),
                )
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
        rewritten = self.main["rewritten_by_edition"]
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

    def _founding(self, category):
        """
        The second story, our newsroom's first edition (see founding.py): its anniversary a few
        days ahead, the article live since the last one, the next edition awaiting approval.
        """
        existing = Story.objects.filter(slug=founding.STORY_SLUG).first()
        plan = founding.plan(now=self.now, event_date=existing and existing.event_date)
        first = Article.objects.filter(slug=founding.ARTICLE_SLUG).values_list(
            "published_at", flat=True
        ).first() or Story(event_date=plan.story["event_date"]).anniversary_go_live(
            plan.next_year - 1
        )
        for slug, name in founding.DATA["tags"].items():
            self.tags[slug] = self._sync(
                services.create_tag, Tag, {"slug": slug}, {"name": name}, at=first
            )
        story = self._story(plan.story, at=first)
        self._timeline(story, plan.timeline, since=first)
        data = founding.article(published_at=first)
        article = self._article(data, story=story, category=category)
        for link in founding.DATA["related"]:
            lookup = {"article": article, "target": self.articles[link["target"]], "url": ""}
            values = {"label": link["label"], "order": link["order"]}
            at = self._written(first, self.published[link["target"]])
            self._sync(services.add_related_link, RelatedLink, lookup, values, at=at)
        if article.editions.exists():
            return
        edition = services.replay_original_edition(
            article=article, title=data["title"], user=self.user
        )
        self._tally(edition, created=True)
        edition = services.prepare_anniversary_edition(
            article=article, year=plan.next_year, now=self.now, user=self.user
        )
        if edition is not None:
            self._tally(edition, created=True)

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


def _last_anniversary(article):
    """The year of the article's latest anniversary edition that went live, or None."""
    return (
        article.editions.filter(kind=EditionKind.ANNIVERSARY, went_live_at__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


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
