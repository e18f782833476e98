"""
Reads that cross models: everything one page shows, fetched in a fixed number of queries.
"""

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.text import Truncator

from timeline import dates
from timeline.models import (
    Article,
    Category,
    Edition,
    EditionStatus,
    Embed,
    Placement,
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
from timeline.revisions import history
from timeline.selectors.json_lists import instances, json_list
from timeline.selectors.prepared import ID, SLUG, Prepared
from timeline.text import html_to_text


@dataclass
class BodyBlock:
    html: str
    quotes: list = field(default_factory=list)


@dataclass
class ArticlePage:
    article: Article
    updates: list
    epigraphs: list
    body: list
    related_links: list
    references: list
    embeds: list
    timeline: list
    tags: list
    editions: list = field(default_factory=list)
    preview: bool = False
    snapshot: "Edition | None" = None  # set when this is a frozen edition's page

    # The derived values below are read several times per render (meta tags, header, JSON-LD):
    # worked out once per page.

    @functools.cached_property
    def date_modified(self):
        """The newest published update, else the first publication."""
        stamps = [u.published_at for u in self.updates if u.status == Status.PUBLISHED]
        stamps.append(self.article.published_at)
        return max((s for s in stamps if s), default=None)

    @functools.cached_property
    def last_updated(self):
        """date_modified when it is later than the first publication, else None."""
        published, modified = self.article.published_at, self.date_modified
        return modified if published and modified and modified > published else None

    @property
    def unpublished_updates(self):
        """Drafts and scheduled updates: only ever present in a staff preview."""
        return [u for u in self.updates if u.status != Status.PUBLISHED]

    @functools.cached_property
    def description(self):
        """For search results and share cards: the summary, else the start of the lede."""
        if self.article.summary:
            return self.article.summary
        return Truncator(html_to_text(self.article.lede_html)).words(40)


def article_page(*, slug, preview=False):
    """
    The article at `slug` with everything on its page, in 2 queries however much it holds:
    the article with its story and category and, riding along as JSON
    (timeline.selectors.json_lists), its tags, references, embeds, editions, updates, quotes
    and related posts; then its story's timeline. Both are compiled once per process
    (timeline.selectors.prepared).

    Public readers (`preview=False`) get only published articles and published updates; staff
    previewing also see drafts and scheduled updates. Raises Http404 otherwise.
    """
    found = _ARTICLE[preview](slug=slug)
    if not found:
        raise Http404("No such article.")
    article = found[0]
    editions = instances(Edition, article.edition_rows, order_by=("-go_live_at", "-pk"))
    updates = instances(Update, article.update_rows, order_by=("-dated_at", "-pk"))
    quotes = {quote.pk: quote for quote in instances(Quote, article.quote_rows)}
    placements = instances(
        QuotePlacement, article.placement_rows, order_by=("placement", "order", "pk")
    )
    targets = {target.pk: target for target in instances(Article, article.target_rows)}
    related = instances(RelatedLink, article.related_rows, order_by=("order", "pk"))
    for placement in placements:
        placement.quote = quotes[placement.quote_id]
    for link in related:
        if link.target_id:
            link.target = targets[link.target_id]
    for child in (*editions, *updates, *placements, *related):
        child.article = article  # as a prefetch would: no query to read it back

    return ArticlePage(
        article=article,
        updates=updates,
        epigraphs=[p.quote for p in placements if p.placement == Placement.EPIGRAPH],
        body=_body_with_inline_quotes(
            article.body_html, [p for p in placements if p.placement == Placement.INLINE]
        ),
        related_links=related,
        references=instances(Reference, article.reference_rows, order_by=("order", "pk")),
        embeds=instances(Embed, article.embed_rows, order_by=("order", "pk")),
        timeline=story_timeline(article.story, until=article.timeline_until),
        tags=instances(Tag, article.tag_rows, order_by=("name", "pk")),
        editions=editions,
        preview=preview,
    )


# The columns a page shows, no more: the Markdown sources (the page shows the HTML made of them
# on save) would double what each request reads. The other fields are deferred, as with only().
TARGET_FIELDS = ["id", "slug", "title", "status"]
UPDATE_FIELDS = [
    *("id", "article_id", "kind", "dated_at", "headline", "body_html"),
    *("status", "publish_at", "published_at", "anchor"),
]
EDITION_FIELDS = [
    *("id", "article_id", "kind", "year", "key", "title", "go_live_at", "status"),
    *("went_live_at", "is_late"),
]


def _article_queryset(preview):
    articles = (
        Article.objects.select_related("story", "category")
        .defer("body", "lede")
        .annotate(
            tag_rows=json_list(Tag.objects.all(), "articles"),
            reference_rows=json_list(Reference.objects.all(), "article"),
            embed_rows=json_list(Embed.objects.all(), "article"),
            edition_rows=json_list(Edition.objects.shown(), "article", fields=EDITION_FIELDS),
            update_rows=json_list(_updates_queryset(preview), "article", fields=UPDATE_FIELDS),
            placement_rows=json_list(QuotePlacement.objects.all(), "article"),
            quote_rows=json_list(Quote.objects.all(), "placements__article"),
            related_rows=json_list(_related_queryset(preview), "article"),
            target_rows=json_list(
                Article.objects.all(), "linked_from__article", fields=TARGET_FIELDS
            ),
        )
    )
    return articles if preview else articles.published()


def _updates_queryset(preview):
    return Update.objects.all() if preview else Update.objects.published()


def _related_queryset(preview):
    related = RelatedLink.objects.all()
    if preview:
        return related
    return related.exclude(target__status__in=[Status.DRAFT, Status.SCHEDULED])


_ARTICLE = {
    preview: Prepared(
        lambda slug, preview=preview: _article_queryset(preview).filter(slug=slug)[:1], slug=SLUG
    )
    for preview in (False, True)
}


def edition_snapshot(*, slug, key):
    """
    A superseded edition's page, rebuilt from revision history as it stood when the next
    edition replaced it. Raises Http404 for an unknown, unpublished or still current edition.
    """
    edition = (
        Edition.objects.select_related("article")
        .filter(article__slug=slug, key=key, status=EditionStatus.SUPERSEDED)
        .exclude(article__status__in=[Status.DRAFT, Status.SCHEDULED])
        .first()
    )
    if edition is None:
        raise Http404("No such edition.")
    article = edition.article
    then = history.page_as_of(article, edition.frozen_at)
    if then["article"] is None:
        raise Http404("This edition left no record.")
    for link in then["related_links"]:
        link.article = then["article"]
    return ArticlePage(
        article=then["article"],
        updates=then["updates"],
        epigraphs=then["epigraphs"],
        body=_body_with_inline_quotes(then["article"].body_html, then["inline"]),
        related_links=then["related_links"],
        references=then["references"],
        embeds=then["embeds"],
        timeline=_with_story(then["timeline"], article.story),
        tags=list(article.tags.all()),
        editions=list(article.editions.shown().select_related("article")),
        snapshot=edition,
    )


def _with_story(entries, story):
    for entry in entries:
        entry.story = story  # formatting needs the story's zone; don't fetch it per entry
    return entries


def _body_with_inline_quotes(html, placements):
    """Split the body after each paragraph that an inline quote is pinned to."""
    if not placements:
        return [BodyBlock(html)] if html else []
    paragraphs = html.split("</p>")
    blocks, pending = [], ""
    pinned = {}
    for placement in placements:
        pinned.setdefault(placement.after_paragraph, []).append(placement.quote)
    for number, chunk in enumerate(paragraphs[:-1], start=1):
        pending += chunk + "</p>"
        if number in pinned:
            blocks.append(BodyBlock(pending, pinned.pop(number)))
            pending = ""
    pending += paragraphs[-1]
    leftover = [quote for quotes in pinned.values() for quote in quotes]
    if pending.strip() or leftover:
        blocks.append(BodyBlock(pending, leftover))
    return blocks


@dataclass(slots=True)
class TimelineRow:
    """
    A timeline entry as a page shows it: the columns timeline.site.rendering reads, not a model
    instance. A story's timeline runs to hundreds of entries (500 on an average story at
    newsroom scale) and building a TimelineEntry for each cost several times what reading its
    row did (profiled: README, "Performance").
    """

    pk: int
    date: str
    date_lower: dt.date
    text_html: str
    is_key_moment: bool
    reference_url: str
    reference_title: str
    story: Story | None = None


TIMELINE_ROW_FIELDS = [name for name in TimelineRow.__slots__ if name != "story"]


def story_timeline(story, *, until=None):
    """The story's timeline in date order (optionally only up to `until`): one query."""
    if story is None:
        return []
    if until is None:
        rows = _TIMELINE(story_id=story.pk)
    else:
        rows = _TIMELINE_UNTIL(story_id=story.pk, until=until)
    return [TimelineRow(*row, story) for row in rows]


def _timeline_rows(story_id, until=None):
    entries = TimelineEntry.objects.filter(story_id=story_id).chronological()
    if until is not None:
        entries = entries.filter(date_lower__lte=until)
    return entries.values_list(*TIMELINE_ROW_FIELDS)


_TIMELINE = Prepared(_timeline_rows, story_id=ID)
_TIMELINE_UNTIL = Prepared(_timeline_rows, story_id=ID, until=dt.date(1, 1, 2))


def story_page(*, slug):
    """A story with its whole timeline and its published articles."""
    story = (
        Story.objects.prefetch_related(
            "tags",
            Prefetch(
                "articles",
                queryset=latest_articles(),
                to_attr="published_articles",
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if story is None:
        raise Http404("No such story.")
    return story, story_timeline(story)


def latest_articles():
    """Published articles, most recently (re-)featured first, with what a card shows."""
    return Article.objects.published().latest_first().select_related("category")


def tag_archive(*, slug):
    """The tag at `slug` and its published articles (a lazy queryset, for pagination)."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag.")
    return tag, latest_articles().filter(tags=tag)


def category_archive(*, slug):
    """The category at `slug` and its published articles (a lazy queryset, for pagination)."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    return category, latest_articles().filter(category=category)


# ------------------------------------------------------------------ reader discovery
# The timeline filter page, "on this day", date archives (search lives in timeline.search).


def public_stories():
    """
    Stories a reader may discover across the site: those with at least one published article.

    A story is only a working file until something about it is published, so "on this day" and
    search never show its timeline before then.
    """
    return Story.objects.filter(Exists(Article.objects.published().filter(story=OuterRef("pk"))))


def public_timeline_entries():
    """Timeline entries of public stories (see public_stories)."""
    # Tested entry by entry on story_id, one index probe each: `story__in=public_stories()`
    # has PostgreSQL test all 2,000 stories first, 40 times slower at scale (EXPLAIN ANALYZE).
    return TimelineEntry.objects.filter(
        Exists(Article.objects.published().filter(story_id=OuterRef("story_id")))
    )


def story_for_timeline(*, slug):
    """The story whose timeline the filter page narrows; same visibility as the story page."""
    story = Story.objects.filter(slug=slug).first()
    if story is None:
        raise Http404("No such story.")
    return story


def timeline_entries(story):
    """The story's entries in date order, lazily: the filter page narrows and paginates them."""
    return TimelineEntry.objects.filter(story=story).chronological()


def with_story(entries, story):
    """The entries as a list, each given `story` so formatting never fetches it again."""
    return _with_story(list(entries), story)


def years_ago_label(years):
    """0 -> "This year", 1 -> "1 year ago", 40 -> "40 years ago", -2 -> "In 2 years"."""
    if years == 0:
        return "This year"
    if years < 0:
        return f"In {-years} year{'s' if years < -1 else ''}"
    return f"{years} year{'s' if years > 1 else ''} ago"


@dataclass
class YearOnDay:
    year: int
    years_ago: int
    entries: list

    @property
    def years_ago_label(self):
        return years_ago_label(self.years_ago)


@dataclass
class AnniversaryArticle:
    article: Article
    years_ago: int

    @property
    def years_ago_label(self):
        return years_ago_label(self.years_ago)


@dataclass
class OnThisDay:
    """What the on-this-day page shows for one calendar date, reckoned from `today`."""

    month: int
    day: int
    today: dt.date
    years: list  # of YearOnDay, oldest first
    articles: list  # of AnniversaryArticle, oldest event first
    month_entries: list  # month-precision entries of this month, in date order
    # Whether there are more than shown: a busy day at newsroom scale (see ON_THIS_DAY_LIMITS).
    more_entries: bool = False
    more_articles: bool = False
    more_month_entries: bool = False

    @property
    def entries_shown(self):
        return sum(len(year.entries) for year in self.years)

    @property
    def date(self):
        """The date in a leap year: only its month and day mean anything."""
        return dt.date(LEAP_YEAR, self.month, self.day)

    @property
    def is_today(self):
        return (self.today.month, self.today.day) == (self.month, self.day)

    @property
    def previous(self):
        """The calendar date before, wrapping from 1 January to 31 December."""
        return (self.date - dt.timedelta(days=1)).replace(year=LEAP_YEAR)

    @property
    def next(self):
        """The calendar date after, wrapping from 31 December to 1 January."""
        return (self.date + dt.timedelta(days=1)).replace(year=LEAP_YEAR)

    @property
    def includes_leap_day(self):
        """29 February is remembered on 28 February when this year has no 29th."""
        return (self.month, self.day) == (2, 28) and not calendar.isleap(self.today.year)


# Every month-day exists in a leap year; 2000 is one.
LEAP_YEAR = 2000


def valid_month_day(month, day):
    try:
        dt.date(LEAP_YEAR, month, day)
    except ValueError:
        return False
    return True


def on_this_day(*, month, day, today):
    """
    What happened on this calendar date, in 3 queries.

    Day-precision timeline entries of public stories on month/day of any year, grouped by year
    with how many years ago that was (from `today`); the published articles whose story's
    anniversary it is; and, apart, the month-precision entries of that month (a month never
    matches a day). Raises Http404 for a date that does not exist in any year (02-30, 13-01).
    On 28 February of a common year, 29 February is included, as timeline.editions.anniversaries
    does for the anniversary editions.
    """
    if not valid_month_day(month, day):
        raise Http404("No such date.")
    days = [(month, day)]
    if (month, day) == (2, 28) and not calendar.isleap(today.year):
        days.append((2, 29))

    on_days = Q()
    event_days = Q()
    for m, d in days:
        on_days |= Q(date_month=m, date_day=d)
        event_days |= Q(story__event_date__month=m, story__event_date__day=d)

    entries, more_entries = _first(
        public_timeline_entries()
        .filter(on_days, date_precision=dates.Precision.DAY)
        .select_related("story")
        .order_by(*NOTABLE_FIRST, "date_lower", F("date_time").asc(nulls_first=True), "pk"),
        ON_THIS_DAY_LIMITS["entries"],
    )
    entries.sort(key=lambda e: (e.date_lower, _clock(e.date_time), e.story.title, e.pk))
    years = [
        YearOnDay(year=year, years_ago=today.year - year, entries=list(group))
        for year, group in groupby(entries, key=lambda entry: entry.date_lower.year)
    ]
    articles, more_articles = _first(
        latest_articles()
        .filter(event_days)
        .select_related("story")
        .order_by("story__event_date", "title", "pk"),
        ON_THIS_DAY_LIMITS["articles"],
    )
    month_entries, more_month_entries = _first(
        public_timeline_entries()
        .filter(date_precision=dates.Precision.MONTH, date_lower__month=month)
        .select_related("story")
        .order_by(*NOTABLE_FIRST, "date_lower", "-date_upper", "pk"),
        ON_THIS_DAY_LIMITS["month_entries"],
    )
    month_entries.sort(key=lambda e: (e.date_lower, -e.date_upper.toordinal(), e.pk))
    return OnThisDay(
        month=month,
        day=day,
        today=today,
        years=years,
        articles=[
            AnniversaryArticle(article, today.year - article.story.event_date.year)
            for article in articles
        ],
        month_entries=month_entries,
        more_entries=more_entries,
        more_articles=more_articles,
        more_month_entries=more_month_entries,
    )


# At newsroom scale a calendar day holds thousands of dated entries and hundreds of articles:
# the page shows the most notable (key moments first, then the oldest) and says there are more.
# Each list is then read off an index (timelineentry_on_day_idx, timelineentry_in_month_idx).
ON_THIS_DAY_LIMITS = {"entries": 100, "articles": 30, "month_entries": 50}
NOTABLE_FIRST = ("-is_key_moment",)


def _first(queryset, limit):
    """At most `limit` rows of `queryset`, and whether more match (one query, no count)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _clock(moment):
    """A sort key putting entries without a time of day before those with one."""
    return (moment is not None, moment or dt.time.min)


def archive_articles():
    """Published articles for the date archives (by first publication), with what a card shows."""
    return Article.objects.published().select_related("category")
