"""
The rows of one new WordPress post, built in Python from its plan, for the bulk path of
:mod:`timeline.services.imports` (which writes them, many posts at a time).

Each row holds exactly what the per-post path (the services, one save at a time) would write:
text through typed_text, then the fields a model's save() derives (rendered HTML, date bounds,
an update's anchor, an embed's provider), and the checks of full_clean that need no query
(required fields, lengths, addresses, year ranges). What needs the database (a free slug, a
reused quote or term, a related post's target) is left to the batch, which looks it up for
all its posts at once. Constraints that need a query are left to the database.
"""

import dataclasses
import datetime as dt
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from timeline import body_anchors, dates, embeds
from timeline.imports import pictures, structure, wxr
from timeline.imports import plan as plan_module
from timeline.models import (
    Article,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    Reference,
    Status,
    Story,
    TimelineEntry,
    Update,
)
from timeline.services.people import split_byline
from timeline.text import render_inline, render_markdown
from timeline.typed_text import clean_text_fields

REASON = "Imported from WordPress"
# Not checked here: the slug (the batch gives a free one) and story fields the import leaves
# at their defaults (the batch computes them once; the zone's check reads the system's list).
_UNCHECKED = {"slug", "time_zone", "title_pattern", "milestone_patterns"}


def link_key(url: str) -> str:
    """A post's address as related links are matched: no scheme, no www, no trailing slash."""
    return url.split("://", 1)[-1].rstrip("/").removeprefix("www.")


def story_key(story) -> tuple:
    """
    Posts about the same event share its story: a newsroom that published each year's edition
    as a post of its own ("Five Years Ago — The Harbour Fire (May 4 2017)", then "Six Years
    Ago — …") has one story, named and dated the same by each. Case and spacing aside.
    """
    return (" ".join(story.title.split()).casefold(), story.event_date)


def same_stories(stories):
    """
    The stories already here that `stories` (unsaved) could be, oldest first: of their days
    (an index) and names; the caller keeps those whose story_key is one wanted.
    """
    stories = list(stories)
    return (
        Story.objects.alias(name=Lower("title"))
        .filter(
            event_date__in={s.event_date for s in stories},
            name__in={s.title.lower() for s in stories},
        )
        .order_by("pk")
    )


def summary(item: wxr.Item) -> str:
    """The post's excerpt as the article's summary (cards, share previews, search results),
    cut at a word to the field's 300 characters."""
    return Truncator(item.excerpt).chars(Article._meta.get_field("summary").max_length)


def link_path(url: str) -> str:
    """The path of a post's address as readers' old links ask for it: decoded, no trailing
    slash; "" for an address a path cannot find again (WordPress's plain ?p=123 links)."""
    parts = urlsplit(url)
    if parts.query or not parts.path.strip("/"):
        return ""
    return unquote(parts.path).rstrip("/")[:500]


def moment(value, fallback):
    """A parsed date as a moment in the site's zone (noon when no time is known)."""
    if value is None:
        return fallback, False
    time = value.time or dt.time(12, 0)
    naive = dt.datetime.combine(value.lower, time)
    return timezone.make_aware(naive, timezone.get_current_timezone()), value.time is not None


def past_edition(*, article, year, key, title, went_live_on=None, archive_url=""):
    """An edition that went out before this app, as services.record_past_edition records it."""
    day = went_live_on or dt.date(year, 1, 1)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
    return Edition(
        article=article,
        kind=EditionKind.PAST,
        year=year,
        key=key,
        title=title,
        go_live_at=at,
        went_live_at=at,
        superseded_at=at,
        status=EditionStatus.SUPERSEDED,
        archive_url=archive_url,
        day_known=went_live_on is not None,
    )


def free_key(taken: set, year: int) -> str:
    key, n = str(year), 1
    while key in taken:
        n += 1
        key = f"{year}-{n}"
    taken.add(key)
    return key


def went_live(article, past_years):
    """
    When the post as it stands went out: when first published, or, when it has earlier
    editions since, when it was last changed (the export's modified date).
    """
    at = article.published_at
    if any(year >= timezone.localtime(at).year for year in past_years):
        at = max(article.featured_at or at, at)
    return at


def original_edition(article, at, key):
    """The live edition of an imported post that went out `at` (unsaved)."""
    return Edition(
        article=article,
        kind=EditionKind.ORIGINAL,
        year=timezone.localtime(at).year,
        key=key,
        title=article.title,
        go_live_at=at,
        went_live_at=at,
        status=EditionStatus.LIVE,
    )


@dataclasses.dataclass
class NewPost:
    """A post not imported before, as rows (pks, slugs and looked-up rows filled by the batch)."""

    item: wxr.Item
    digest: str
    planned: plan_module.PostPlan
    story: Story
    article: Article
    authors: list[str]
    updates: list[Update]
    entries: list[TimelineEntry]
    # (QuotePlan, placement, update index or None, anchor, order)
    placements: list[tuple]
    references: list[Reference]
    embeds: list[Embed]
    related: list[dict]  # url, label, order: the target is resolved by the batch
    editions: list[Edition]

    @property
    def key(self):
        return (self.item.site, self.item.wp_id)

    def rows(self):
        """Every row built here (for the checks)."""
        return [
            self.story,
            self.article,
            *self.updates,
            *self.entries,
            *self.references,
            *self.embeds,
            *self.editions,
        ]


def build(
    item: wxr.Item, *, story_defaults: dict, placements: pictures.Placements = pictures.NONE
) -> NewPost:
    """A new post's rows; raises ValidationError as full_clean would (nothing written)."""
    content = placements.place(item.content)
    planned = plan_module.plan(structure.recover(content), item.title)
    moment_ = item.published or timezone.now()
    story = Story(
        title=planned.story_title[:200] or item.slug,
        event_date=planned.event_date or timezone.localtime(moment_).date(),
        **story_defaults,
    )
    published = item.status == "publish" and item.published is not None
    article = Article(
        story=story,
        title=item.title[:300] or item.slug,
        byline=item.author[:200],
        summary=summary(item),
        lede=planned.lede,
        body=planned.body,
        status=Status.PUBLISHED if published else Status.DRAFT,
        published_at=item.published,
        featured_at=(item.modified or item.published) if published else None,
        lead_image_id=placements.featured(item.thumbnail_id),
    )
    _typed(story)
    _typed(article)
    article.lede_html = render_markdown(article.lede)
    article.body_html = render_markdown(article.body)
    post = NewPost(
        item=item,
        digest=plan_module.digest(item, placements),
        planned=planned,
        story=story,
        article=article,
        authors=list(dict.fromkeys(split_byline(article.byline))),
        updates=_updates(article, planned, item),
        entries=_entries(story, planned),
        placements=_placements(article, planned),
        references=[_typed(Reference(article=article, **values)) for values in planned.references],
        embeds=[_embed(article, values) for values in planned.embeds],
        related=[
            {"url": link["url"], "label": link["label"], "order": order}
            for order, link in enumerate(planned.related)
        ],
        editions=_editions(article, planned),
    )
    for row in post.rows():
        check(row)
    return post


def _typed(obj):
    clean_text_fields(obj)
    return obj


def _updates(article, planned, item):
    fallback = item.modified or item.published or timezone.now()
    published = article.status == Status.PUBLISHED
    found, anchors = [], set()
    for planned_update in planned.updates:
        dated_at, has_time = moment(planned_update["date"], fallback)
        update = _typed(
            Update(
                article=article,
                kind=planned_update["kind"],
                date_label=planned_update["date_label"],
                body=planned_update["body"],
                dated_at=dated_at,
                has_time=has_time,
                status=Status.PUBLISHED if published else Status.DRAFT,
                published_at=dated_at if published else None,
            )
        )
        update.body_html = render_markdown(update.body)
        # Update.save's anchor: the first of update-<day>, -2, -3… not taken on the article.
        base = f"update-{update.local_date:%Y-%m-%d}"
        anchor, n = base, 1
        while anchor in anchors:
            n += 1
            anchor = f"{base}-{n}"
        anchors.add(anchor)
        update.anchor = anchor
        found.append(update)
    return found


def _entries(story, planned):
    found = []
    for values in planned.entries:
        entry = TimelineEntry(
            story=story,
            text=values["text"],
            date_label=values["date_label"],
            position=values["position"],
        )
        entry.set_date(values["date"])
        _typed(entry)
        # TimelineEntry.save: the bounds from the stored EDTF, the text rendered.
        entry.set_date(dates.from_edtf(entry.date))
        entry.text_html = render_inline(entry.text)
        found.append(entry)
    return found


def _placements(article, planned):
    places = body_anchors.blocks(article.body_html)
    found = []
    for quote in planned.quotes:
        for placement, update, blocks_before in quote.placements:
            anchor = ""
            if placement == "body":
                named = [b.anchor for b in places[:blocks_before] if b.anchor]
                placement, anchor = ("body", named[-1]) if named else ("top", "")
            found.append((quote, placement, update, anchor, len(found)))
    return found


def _embed(article, values):
    embed = _typed(Embed(article=article, **values))
    embed.provider = embed.provider or embeds.provider_name(embed.url)[:100]
    return embed


def _editions(article, planned):
    taken, found = set(), []
    for values in planned.editions:
        year = values["year"]
        found.append(
            _typed(
                past_edition(
                    article=article,
                    year=year,
                    key=free_key(taken, year),
                    title=values["title"],
                    archive_url=values["url"],
                )
            )
        )
    if article.status == Status.PUBLISHED and article.published_at:
        at = went_live(article, [values["year"] for values in planned.editions])
        key = free_key(taken, timezone.localtime(at).year)
        found.append(_typed(original_edition(article, at, key)))
    return found


_CHECKED = {}


def _checked_fields(model):
    if model not in _CHECKED:
        _CHECKED[model] = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not field.is_relation and field.name not in _UNCHECKED
        ]
    return _CHECKED[model]


def check(obj):
    """full_clean's checks that need no query: required values, lengths, addresses, years."""
    errors = {}
    for field in _checked_fields(type(obj)):
        value = getattr(obj, field.attname)
        try:
            if value in field.empty_values:
                if not field.blank and not field.null:
                    raise ValidationError(field.error_messages["blank"], code="blank")
                continue
            field.run_validators(value)
        except ValidationError as exc:
            errors[field.name] = exc.messages
    if errors:
        name = type(obj).__name__
        raise ValidationError(
            [f"{name}.{field}: {' '.join(messages)}" for field, messages in errors.items()]
        )
