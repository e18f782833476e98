"""
The scale dataset (bench/scale/) and what must hold at scale: every public page in a constant,
small number of queries, and, on PostgreSQL, every query of every public page planned on an
index rather than a sequential scan of a big table.

The data is loaded once for the module (committed, then removed at the end), as the loader
writes it: straight into the tables, the way the benchmark's database is made.
"""

import json
import random
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import _shape as shape
from bench import scale
from timeline import dates
from timeline.models import (
    Article,
    Edition,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.text import render_inline, render_markdown

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
# Small on SQLite (quick); on PostgreSQL big enough that the planner has a real choice.
COUNTS = (
    {"articles": 3000, "stories": 30, "entries": 30000, "comments": 1000}
    if ON_POSTGRES
    else {"articles": 60, "stories": 4, "entries": 600, "comments": 40}
)
PEER = f"/articles/{scale.PEER_SLUG}/"
HEAVIEST = f"/articles/{scale.HEAVIEST_SLUG}/"
# The article page: 8, and 1 for its byline's credited authors (timeline.site.people.byline).
QUERY_BUDGET = 9


@pytest.fixture(scope="module")
def scale_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        scale.load(seed=7, **COUNTS)
        yield
        wipe()


def wipe():
    """Remove what the loader wrote: every table of the content apps, and its user."""
    models = [
        model
        for label in ("timeline", "comments")
        if apps.is_installed(label)
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if ON_POSTGRES:
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for model in models:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    get_user_model().objects.filter(username=scale.LOADER_USERNAME).delete()


def pages():
    """Every public page, by name, with the data the dataset has for it."""
    story = Story.objects.get(slug="scale-story-0")
    tag = Tag.objects.get(slug="scale-tag-0")
    year = story.event_date.year
    typical = Article.objects.published().filter(slug__startswith="scale-article-").first()
    timeline = f"{story.get_absolute_url()}timeline/"
    return {
        "article, peer-sized": PEER,
        "article, heaviest": HEAVIEST,
        "article, typical": typical.get_absolute_url(),
        "home": "/",
        "home, page 3": "/?page=3",
        "tag archive": tag.get_absolute_url(),
        "category archive": typical.categories.first().get_absolute_url(),
        "story": story.get_absolute_url(),
        "timeline": timeline,
        "timeline, date range": f"{timeline}?date_from={year - 2}&date_to={year + 2}",
        "timeline, key days": f"{timeline}?key=on&precision=day",
        "timeline, words": f"{timeline}?words=reactor",
        "on this day": f"/on-this-day/{story.event_date:%m-%d}/",
        "search": "/search/?q=reactor+explosion",
        "archive": "/archive/",
        "archive, year": f"/archive/{typical.published_at:%Y}/",
        "archive, month": f"/archive/{typical.published_at:%Y/%m}/",
        "feed": "/feed/",
        "tag feed": f"{tag.get_absolute_url()}feed/",
        "story feed": f"{story.get_absolute_url()}feed/",
    }


PAGES = [
    "article, peer-sized", "article, heaviest", "article, typical", "home", "home, page 3",
    "tag archive", "category archive", "story", "timeline", "timeline, date range",
    "timeline, key days", "timeline, words", "on this day", "search", "archive",
    "archive, year", "archive, month", "feed", "tag feed", "story feed",
]  # fmt: skip


def get(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response


class TestLoadScale:
    def test_it_loads_what_was_asked_with_a_history_row_for_each(self, scale_data):
        named = 2  # the peer-sized and the heaviest article, on stories of their own
        assert Article.objects.count() == COUNTS["articles"] + named
        assert Story.objects.count() == COUNTS["stories"] + named
        assert TimelineEntry.objects.count() == COUNTS["entries"] + 60 + 200
        loader = get_user_model().objects.get(username=scale.LOADER_USERNAME)
        for model in (Article, Update, TimelineEntry, QuotePlacement, Edition, Story):
            history = model.history.all()
            assert history.count() == model.objects.count(), model
            assert set(history.values_list("history_type", flat=True)) == {"+"}
            assert set(history.values_list("history_user", flat=True)) == {loader.pk}
            assert set(history.values_list("history_change_reason", flat=True)) == {scale.REASON}
        tagged = Article.tags.through.objects.count()
        assert Article.history.model.tags.model.objects.count() == tagged

    def test_it_spreads_entries_across_every_date_precision(self, scale_data):
        found = set(TimelineEntry.objects.values_list("date_precision", flat=True))
        assert found == {precision.value for precision in dates.Precision}
        assert TimelineEntry.objects.filter(date__endswith="~").exists()
        assert TimelineEntry.objects.filter(date_time__isnull=False).exists()

    def test_it_averages_twenty_updates_and_three_quotes_an_article(self, scale_data):
        articles = Article.objects.count()
        assert 15 <= Update.objects.count() / articles <= 25
        assert 2 <= QuotePlacement.objects.count() / articles <= 4

    def test_derived_columns_are_what_save_would_have_written(self, scale_data):
        for article in Article.objects.order_by("pk")[:20]:
            assert article.body_html == render_markdown(article.body)
            assert article.lede_html == render_markdown(article.lede)
        for update in Update.objects.order_by("pk")[:50]:
            assert update.body_html == render_markdown(update.body)
        for entry in TimelineEntry.objects.order_by("pk")[:300]:
            saved = TimelineEntry(date=entry.date, text=entry.text)
            saved.set_date(dates.from_edtf(entry.date))
            for name in scale.ENTRY_DATE_FIELDS:
                assert getattr(entry, name) == getattr(saved, name), (entry.date, name)
            assert entry.text_html == render_inline(entry.text)

    def test_the_benchmark_articles_have_the_asked_for_sizes(self, scale_data):
        peer = Article.objects.get(slug=scale.PEER_SLUG)
        assert peer.status == Status.PUBLISHED
        assert peer.updates.count() == 5
        assert peer.quote_placements.count() == 5  # 3 epigraphs, 2 pull quotes
        assert RelatedLink.objects.filter(article=peer).count() == 6
        assert Reference.objects.filter(article=peer).count() == 8
        assert peer.story.timeline_entries.count() == 60
        assert peer.tags.count() == 6
        assert peer.editions.count() == 6  # the first, five anniversaries
        heaviest = Article.objects.get(slug=scale.HEAVIEST_SLUG)
        assert heaviest.updates.count() == 50
        assert heaviest.story.timeline_entries.count() == 200

    def test_the_peer_sized_article_shows_what_the_peers_does(self, scale_data):
        """Counted in the served HTML, as bench/run.py prints it (bench/_shape.py)."""
        counts = shape.count(get(PEER).content)
        for name, peer in shape.PEER.items():
            if "words" in name:
                assert peer * 0.95 <= counts[name] <= peer * 1.05, (name, counts[name])
            else:
                assert counts[name] == peer, (name, counts[name])

    def test_a_second_run_reuses_the_data(self, scale_data):
        before = Article.objects.count()
        scale.load(articles=10)
        assert Article.objects.count() == before

    def test_the_load_is_deterministic(self, scale_data):
        """The same seed gives the same text: benchmark runs compare like with like."""
        first = scale.Text(random.Random(7))
        second = scale.Text(random.Random(7))
        assert first.sentences(20) == second.sentences(20)
        assert Article.objects.get(slug="scale-article-0").title  # stable slugs


class TestQueryBudget:
    """Guards against N+1 queries: every public page in at most 8, whatever its size."""

    @pytest.mark.parametrize("page", PAGES)
    def test_every_public_page_stays_within_the_budget(
        self, scale_data, page, django_assert_max_num_queries
    ):
        url = pages()[page]
        get(url)  # once-per-connection checks (SQLite's JSON support) are not the page's
        cache.clear()  # cold: the cached timeline fragment would hide its query
        with django_assert_max_num_queries(QUERY_BUDGET):
            get(url)

    def test_the_article_page_costs_the_same_small_or_heaviest(self, scale_data):
        counts = []
        for url in (PEER, HEAVIEST):
            get(url)
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                get(url)
            counts.append(len(queries))
        assert counts[0] == counts[1] <= QUERY_BUDGET


# Tables that hold many rows at scale: a sequential scan of one means a page slows as it grows.
CONTENT_TABLES = {
    "timeline_article",
    "timeline_update",
    "timeline_timelineentry",
    "timeline_quoteplacement",
    "timeline_quote",
    "timeline_relatedlink",
    "timeline_reference",
    "timeline_edition",
    "timeline_article_tags",
    "timeline_timelineentry_tags",
    "comments_comment",
}
# Reading a table of a few pages whole is the planner's right choice; at this test's size some
# of the tables above are that small (a few thousand editions). bench/run.py makes the same
# check on the full-size benchmark database, where all of them are big.
MIN_PAGES = 100


def big_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relpages >= %s"
            " AND relname = ANY(%s)",
            [MIN_PAGES, sorted(CONTENT_TABLES)],
        )
        return {name for (name,) in cursor.fetchall()}


def explain(cursor, sql):
    """EXPLAIN (FORMAT JSON) of a query as logged (with its values): the top plan node."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
    value = cursor.fetchone()[0]
    return (json.loads(value) if isinstance(value, str) else value)[0]["Plan"]


def seq_scans(plan, tables):
    """The tables of `tables` a plan (EXPLAIN FORMAT JSON) reads with a sequential scan."""
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in tables:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += seq_scans(child, tables)
    return found


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")
class TestPlans:
    """
    Every query of every public page, EXPLAINed on a dataset big enough for the planner to
    choose: none reads a big table from end to end. (enable_seqscan stays on: the plans are
    the ones production gets.)
    """

    @pytest.mark.parametrize("page", PAGES)
    def test_no_public_query_scans_a_big_table(self, scale_data, page):
        url = pages()[page]
        get(url)
        cache.clear()  # every query of a cold page, the timeline fragment's too
        with CaptureQueriesContext(connection) as queries:
            get(url)
        problems, tables = [], big_tables()
        assert {"timeline_article", "timeline_update", "timeline_timelineentry"} <= tables
        with connection.cursor() as cursor:
            for query in queries:
                sql = query["sql"]
                if not re.match(r"\s*(SELECT|WITH|\()", sql, re.IGNORECASE):  # a UNION starts "("
                    continue
                plan = explain(cursor, sql)
                if scans := seq_scans(plan, tables):
                    problems.append((scans, sql))
        assert not problems, f"{url}: {problems}"
