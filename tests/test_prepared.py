"""timeline.selectors.prepared: querysets compiled once, run with each call's values."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from tests.factories import make_article, make_entry, make_story
from timeline.models import Article, Status, TimelineEntry
from timeline.selectors.prepared import ID, SLUG, Prepared

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


def test_each_call_runs_with_its_own_values_and_compiles_only_once():
    first, second = make_article(title="First"), make_article(title="Second")
    by_slug = Prepared(
        lambda slug: Article.objects.select_related("story").filter(slug=slug)[:1], slug=SLUG
    )
    assert [a.title for a in by_slug(slug=first.slug)] == ["First"]
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as compile_sql:
        found = by_slug(slug=second.slug)
        assert by_slug(slug="no-such-article") == []
    compile_sql.assert_not_called()
    assert [a.title for a in found] == ["Second"]
    assert found[0].story.title == second.story.title  # select_related still fills it


def test_values_lists_and_dates_are_passed_as_the_backend_expects():
    story = make_story()
    for text in ("1985-05-04", "1999", "2006-05"):
        make_entry(story, text)
    until = Prepared(
        lambda story_id, day: (
            TimelineEntry.objects.filter(story_id=story_id, date_lower__lte=day)
            .order_by("date_lower")
            .values_list("date", flat=True)
        ),
        story_id=ID,
        day=dt.date(1, 1, 2),
    )
    assert until(story_id=story.pk, day=dt.date(2000, 1, 1)) == ["1985-05-04", "1999"]
    assert until(story_id=story.pk, day=dt.date(1990, 1, 1)) == ["1985-05-04"]


def test_a_placeholder_that_does_not_reach_the_sql_unchanged_is_refused():
    """Never run the SQL with the placeholder's own value: refuse it when compiling."""
    wrapped = Prepared(lambda slug: Article.objects.filter(slug__contains=slug), slug=SLUG)
    with pytest.raises(ValueError, match="placeholder"):
        wrapped(slug="anything")  # the SQL gets "%<slug>%", not the slug
    unused = Prepared(lambda slug: Article.objects.filter(status=Status.PUBLISHED), slug=SLUG)
    with pytest.raises(ValueError, match="placeholder"):
        unused(slug="anything")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_a_query_run_again_is_planned_once_per_connection():
    article = make_article(title="Kept")
    by_slug = Prepared(lambda slug: Article.objects.filter(slug=slug)[:1], slug=SLUG)
    for _ in range(6):  # psycopg prepares a statement on its prepare_threshold-th (5th) run
        assert [a.title for a in by_slug(slug=article.slug)] == ["Kept"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "timeline_article" WHERE "timeline_article"."slug" = $1%'],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("setting", "threshold"), [(None, 5), ("3", 3), ("off", None)], ids=["default", "3", "off"]
)
def test_preparing_is_on_by_default_and_can_be_switched_off(setting, threshold):
    """Behind a transaction-mode pooler an operator sets DATABASE_PREPARE_THRESHOLD=off."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARE_THRESHOLD"}
    env.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused", TESTING="1")
    if setting is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = setting
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(repr(settings.DATABASES['default']['OPTIONS']['prepare_threshold']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == repr(threshold)
