"""
The article's admin page, as an editor uses it: server time (median and p90), queries and bytes
for opening the change page (as it opens, and with its links and media open for editing:
`?edit=links`), saving one changed field, adding one update, and opening the revisions page
and a compare, for a peer-sized article and the heaviest one (50 updates, 200 timeline entries
on its story). Production settings (DEBUG off, cached templates, no test instrumentation of
template rendering), warm, logged in as a superuser; the CPU column is this process's time,
steadier than the wall clock on a shared machine.

    .venv/bin/python bench/bench_admin.py            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_admin.py

The PostgreSQL database must exist and be empty or hold only this benchmark's data.
Budgets (issue 18): change page < 200 ms peer-sized and < 400 ms heaviest; a one-field save
< 200 ms; adding one update < 250 ms.
"""

import os
import re
import statistics
import time

import _django

_django.setup()

# Production rendering: without the test environment's instrumented Template.render (a signal
# and a copy of the context for every template, so every form widget) the test client uses.
from django.test.utils import teardown_test_environment  # noqa: E402

teardown_test_environment()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.admin_forms import form_data, read_form  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
SHAPES = {
    # The demo article's size: the page issue 18 measured.
    "peer": {"updates": 10, "entries": 30, "quotes": 3, "related": 6, "references": 5},
    "heaviest": {"updates": 50, "entries": 200, "quotes": 3, "related": 6, "references": 8},
}


def build(name, shape):
    story = f.make_story(title=f"Bench story {name}", slug=f"bench-{name}")
    article = f.make_article(story=story, slug=f"bench-{name}", title=f"The {name} article")
    for n in range(shape["updates"]):
        f.make_update(
            article,
            headline=f"Update {n}",
            body="**Flashback —** " + "A paragraph of update text. " * 40,
            dated_at=f.NOW.replace(year=f.NOW.year - shape["updates"] + n),
        )
    for n in range(shape["entries"]):
        f.make_entry(story, f"{1900 + n // 2} May {1 + n % 28}", text=f"Entry {n}: what happened.")
    for n in range(shape["quotes"]):
        f.place_quote(article, f.make_quote(text=f"Quote {n}"), order=n)
    for n in range(shape["related"]):
        f.make_related(article, order=n)
    for n in range(shape["references"]):
        f.make_reference(article, order=n, url=f"https://example.org/r{n}")
    f.make_embed(article)
    return article


def timed(client, send, *, prepare=None, expect=(200,)):
    """
    median ms, p90 ms, median CPU ms, queries and bytes of `send(prepared)`, RUNS times after a
    warm one. CPU time is this process's: on a machine shared with other work it is the
    steadier figure (the wall clock also counts waiting for a core).
    """
    timings, cpu, queries, size = [], [], 0, 0
    for run in range(RUNS + 1):
        prepared = prepare() if prepare else None
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = send(prepared)
            elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
        assert response.status_code in expect, (response.status_code, response.content[:2000])
        if run:  # the first one warms templates and connections
            timings.append(elapsed)
            cpu.append(used)
        queries, size = len(captured.captured_queries), len(response.content)
    timings.sort()
    p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
    return (
        statistics.median(timings) * 1000,
        p90 * 1000,
        statistics.median(cpu) * 1000,
        queries,
        size,
    )


def operations(client, article):
    change = reverse("admin:timeline_article_change", args=[article.pk])
    revisions = reverse("admin:timeline_article_revisions", args=[article.pk])
    add_update = reverse("admin:timeline_update_add")
    counter = iter(range(10**6))

    def fresh_form():
        return read_form(client.get(change).content.decode())

    def save_summary(fields):
        return client.post(change, form_data(fields, summary=f"Summary {next(counter)}"))

    def add_form():
        return read_form(client.get(f"{add_update}?article={article.pk}").content.decode())

    def add_one(fields):
        n = next(counter)
        data = form_data(
            fields,
            article=str(article.pk),
            kind="update",
            dated_at_0=f"{1900 + n % 100}-01-0{1 + n % 9}",
            dated_at_1="12:00",
            headline=f"Added {n}",
            body="Added by the benchmark.",
            status="draft",
        )
        return client.post(add_update, data)

    yield "open the change page", timed(client, lambda _: client.get(change))
    # The links and media rows open for editing (listed on the page as it opens).
    yield "open it, links open", timed(client, lambda _: client.get(f"{change}?edit=links"))
    yield (
        "save one changed field",
        timed(client, save_summary, prepare=fresh_form, expect=(302,)),
    )
    yield "add one update", timed(client, add_one, prepare=add_form, expect=(302,))
    yield "open the revisions page", timed(client, lambda _: client.get(revisions))
    html = client.get(revisions).content.decode()
    keys = re.findall(r'name="from" value="([^"]+)"', html)
    compare = f"{revisions}compare/?from={keys[-1]}&to={keys[0]}"
    yield "open a compare", timed(client, lambda _: client.get(compare))


def main():
    user = f.make_user(is_staff=True, is_superuser=True, username="bench-admin")
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; {RUNS} runs each after a warm one; server time in ms")
    columns = ("median", "p90", "cpu", "queries", "KB")
    print(f"{'article':9} {'operation':26} " + " ".join(f"{c:>7}" for c in columns))
    for name, shape in SHAPES.items():
        article = build(name, shape)
        for label, (median, p90, cpu, queries, size) in operations(client, article):
            print(
                f"{name:9} {label:26} {median:7.1f} {p90:7.1f} {cpu:7.1f} {queries:7d} "
                f"{size / 1024:7.1f}"
            )


if __name__ == "__main__":
    main()
