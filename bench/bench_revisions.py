"""
Whole-page revisions with 500 revisions: queries and time of the revisions list, a comparison
across the whole history, the restore confirmation, the change form (which computes its
version) and a restore itself.

    .venv/bin/python bench/bench_revisions.py            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_revisions \\
        .venv/bin/python bench/bench_revisions.py

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
from django.urls import reverse  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
BODY = "A paragraph of the original article, long enough to be compared word by word. " * 30


def stamped(obj, user, reason, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user, obj._change_reason = user, reason
    obj.save()
    return obj


def build():
    """An article whose page has 500 historical rows across every table that feeds it."""
    from tests import factories as f

    user = f.make_user(is_superuser=True, username="bench")
    story = f.make_story(title="Benchmark story", slug="bench-story")
    article = f.make_article(story=story, slug="bench-revisions", body=BODY)
    updates = [f.make_update(article, headline=f"Update {n}") for n in range(10)]
    entries = [f.make_entry(story, f"{1950 + n}", text=f"Entry {n}.") for n in range(40)]
    quotes = [f.make_quote(text=f"Quote {n}") for n in range(5)]
    placements = [f.place_quote(article, q, order=n) for n, q in enumerate(quotes)]
    references = [f.make_reference(article, title=f"Reference {n}") for n in range(5)]
    for n in range(100):
        stamped(article, user, f"Edit {n}", body=BODY.replace("long", f"long ({n})", 1))
    for n in range(150):
        stamped(updates[n % 10], user, f"Update edit {n}", body=f"Update body {n}.")
    for n in range(90):
        stamped(entries[n % 40], user, f"Entry edit {n}", text=f"Entry text {n}.")
    for n in range(40):
        stamped(references[n % 5], user, f"Reference edit {n}", title=f"Reference {n}")
    for n in range(25):
        stamped(placements[n % 5], user, f"Placement edit {n}", order=n)
        stamped(quotes[n % 5], user, f"Quote edit {n}", text=f"Quote text {n}.")
    return user, article


def measure(client, url, method="get", runs=RUNS):
    getattr(client, method)(url)  # warm template loading and connections
    with CaptureQueriesContext(connection):
        response = getattr(client, method)(url)
        queries = len(connection.queries_log)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        getattr(client, method)(url)
        timings.append(time.perf_counter() - start)
    return queries, statistics.median(timings)


def main():
    from timeline import revisions, services

    user, article = build()
    changes = revisions.changes_of(article)
    client = Client()
    client.force_login(user)
    oldest, newest = changes[-1].key, changes[0].key
    rows = [
        ("revisions list, page 1", reverse("admin:timeline_article_revisions", args=[article.pk])),
        (
            "revisions list, page 10",
            reverse("admin:timeline_article_revisions", args=[article.pk]) + "?page=10",
        ),
        (
            "compare oldest with newest",
            reverse("admin:timeline_article_compare", args=[article.pk])
            + f"?from={oldest}&to={newest}",
        ),
        (
            "restore confirmation (oldest point)",
            reverse("admin:timeline_article_restore", args=[article.pk, changes[-40].key]),
        ),
        (
            "change form (with its version)",
            reverse("admin:timeline_article_change", args=[article.pk]),
        ),
    ]
    print(f"database: {connection.vendor}; {len(changes)} revisions; {RUNS} requests each, median")
    for label, url in rows:
        queries, median = measure(client, url)
        print(f"{label:40} {queries:3d} queries  {median * 1000:8.1f} ms")

    timings = []
    for n in range(5):
        point = changes[-40 if n % 2 == 0 else 0].when
        start = time.perf_counter()
        report = services.restore(obj=article, moment=point, user=user)
        timings.append(time.perf_counter() - start)
    print(f"{'restore (service), whole page':40}      {statistics.median(timings) * 1000:8.1f} ms")
    print(f"  last: {report.summary}")


if __name__ == "__main__":
    main()
