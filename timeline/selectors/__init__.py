"""
Reads that cross models: everything one page shows, fetched in a fixed number of queries.

Modules by page: articles.py (an article's page, an old edition's), timelines.py (a story's
timeline and the version its cached fragment is keyed by), embedded.py (short lists riding
along with their parent's row); the listings and reader discovery pages here.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404

from timeline import dates
from timeline.models import Article, Category, Story, Tag, TimelineEntry
from timeline.selectors import embedded
from timeline.selectors.articles import (
    ArticlePage,
    BodyBlock,
    _with_story,
    article_page,
    edition_snapshot,
    past_edition,
)
from timeline.selectors.timelines import (
    TIMELINE_FIELDS,
    story_timeline,
    timeline_version,
    timeline_version_of,
)

__all__ = [
    "ArticlePage", "BodyBlock", "article_page", "edition_snapshot", "past_edition",
    "story_timeline",
    "timeline_version", "timeline_version_of",
]  # fmt: skip


def story_page(*, slug):
    """A story with its whole timeline and its published articles."""
    story = (
        Story.objects.annotate(**timeline_version_of("pk"))
        .prefetch_related(
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
    # A story is public through its articles: until one is published, it has no page.
    if story is None or not story.published_articles:
        raise Http404("No such story.")
    story.timeline_version = timeline_version(story)
    return story, story_timeline(story)


def with_category_names(articles):
    """
    Each article's categories as `category_rows` ([{"name", "slug"}], name order, or None),
    riding along in the same query: a card shows their names and a listing costs no more.
    """
    categories = Category.objects.order_by("name")
    return articles.annotate(
        category_rows=embedded.rows(categories, "articles", fields=["name", "slug"])
    )


def latest_articles():
    """Published articles, most recently (re-)featured first, with what a card shows."""
    return with_category_names(Article.objects.published().latest_first())


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
    return category, latest_articles().filter(categories=category)


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
    """
    The story's entries in date order, lazily: the filter page narrows and paginates them.
    Each entry's picture rides along (a join, not a query per entry), with what the timeline
    partial prints and no more, as on the article page.
    """
    entries = TimelineEntry.objects.filter(story=story).chronological()
    return entries.select_related("image").only(*TIMELINE_FIELDS)


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
        .select_related("story", "image")
        .only(*ENTRY_WITH_STORY_FIELDS)
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
        .only(*CARD_FIELDS, "story__event_date")
        .order_by("story__event_date", "title", "pk"),
        ON_THIS_DAY_LIMITS["articles"],
    )
    month_entries, more_month_entries = _first(
        public_timeline_entries()
        .filter(date_precision=dates.Precision.MONTH, date_lower__month=month)
        .select_related("story", "image")
        .only(*ENTRY_WITH_STORY_FIELDS)
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
# Rendering an entry is most of the page's cost (0.15 ms each): 100 and 50 entries kept the page
# over its p99 budget at full scale, 50 and 25 are a long page still (README, "The database at
# scale").
ON_THIS_DAY_LIMITS = {"entries": 50, "articles": 30, "month_entries": 25}
# What those rows are read with: an entry as the timeline partial prints it (and sorted), with its
# story's title, link and zone; an article as a card prints it. Not the stories' other columns
# nor the articles' bodies, which a card never shows (tens of kilobytes each at scale).
ENTRY_WITH_STORY_FIELDS = [
    *TIMELINE_FIELDS, "date_upper", "date_time", "story__title", "story__slug", "story__time_zone"
]  # fmt: skip
CARD_FIELDS = ["id", "slug", "title", "kicker", "summary", "published_at", "story"]
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
    return with_category_names(Article.objects.published())
