"""
run_schedule with 10,000 stories (each with a recurring published article) and nothing due,
against the same run with 100 stories, measured in the same process.

    .venv/bin/python bench/bench_schedule.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_schedule.py
"""

import datetime as dt
import os
import statistics
import time

import _django

_django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from timeline import schedule  # noqa: E402
from timeline.models import Article, Status, Story  # noqa: E402

STORIES = int(os.environ.get("BENCH_STORIES", "10000"))
# Every anniversary in June-August; on 1 January nothing is near, nothing was missed.
NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def load(count, offset=0):
    stories = Story.objects.bulk_create(
        Story(title=f"S{i}", slug=f"s{i}", event_date=dt.date(1990, 6 + i % 3, 1 + i % 28))
        for i in range(offset, offset + count)
    )
    published = dt.datetime(2025, 12, 31, tzinfo=dt.UTC)
    Article.objects.bulk_create(
        Article(
            story=s,
            slug=f"a{s.pk}",
            title=s.title,
            status=Status.PUBLISHED,
            published_at=published,
            featured_at=published,
        )
        for s in stories
    )


def timed_runs(runs=5):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            report = schedule.run(now=NOW)
            timings.append(time.perf_counter() - start)
        assert report.counts == {"published": 0, "prepared": 0, "live": 0, "overdue": 0}
    return statistics.median(timings), len(queries)


def main():
    load(100)
    small, small_queries = timed_runs()
    load(STORIES - 100, offset=100)
    large, large_queries = timed_runs()
    print(f"database: {connection.vendor}; median of 5 runs, nothing due")
    print(f"{100:>6} stories: {small * 1000:8.1f} ms  {small_queries} queries")
    print(
        f"{STORIES:>6} stories: {large * 1000:8.1f} ms  {large_queries} queries  "
        f"(x{large / small:.1f} the 100-story run for x{STORIES / 100:.0f} the stories)"
    )


if __name__ == "__main__":
    main()
