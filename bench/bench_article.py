"""
Article page: queries and render time with 50 updates and 200 timeline entries, against a
trivial page rendered by the same process in the same run (the ratio is what to compare).

    .venv/bin/python bench/bench_article.py            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_article.py

The PostgreSQL database must exist and be empty or hold only this benchmark's data.
"""

import os
import statistics
import time

import _django

_django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))


def build():
    from tests import factories as f

    story = f.make_story(title="Benchmark story", slug="bench-story")
    article = f.make_article(story=story, slug="bench-heaviest", title="The heaviest article")
    for year in range(50):
        f.make_update(
            article,
            headline=f"Update {year}",
            body="**Flashback —** " + "A paragraph of update text. " * 40,
            dated_at=f.NOW.replace(year=1976 + year),
        )
    for n in range(200):
        f.make_entry(story, f"{1900 + n // 2} May {1 + n % 28}", text=f"Entry {n}: what happened.")
    for n in range(3):
        f.place_quote(article, f.make_quote(text=f"Quote {n}"), order=n)
    for n in range(6):
        f.make_related(article, order=n)
    for n in range(8):
        f.make_reference(article, order=n, url=f"https://example.org/r{n}")
    f.make_embed(article)
    return article


def measure(client, url):
    client.get(url)  # warm template loading and connections
    with CaptureQueriesContext(connection):
        response = client.get(url)
        # The request_started signal resets the log, so count what this request left in it.
        queries = len(connection.queries_log)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return queries, statistics.median(timings), len(response.content)


def main():
    article = build()
    client = Client()
    rows = [
        ("trivial page (a 404)", "/does-not-exist/"),
        ("article: 50 updates, 200 timeline entries", article.get_absolute_url()),
    ]
    print(f"database: {connection.vendor}; {RUNS} renders each, median")
    baseline = None
    for label, url in rows:
        client.raise_request_exception = False
        queries, median, size = (
            measure(client, url) if url != "/does-not-exist/" else _notfound(client, url)
        )
        baseline = baseline or median
        print(
            f"{label:45} {queries:3d} queries  {median * 1000:7.2f} ms  "
            f"{size / 1024:6.1f} KB  x{median / baseline:5.1f} the trivial page"
        )


def _notfound(client, url):
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
    return 0, statistics.median(timings), len(response.content)


if __name__ == "__main__":
    main()
