"""
How much of a cold article is the template engine alone, against what the cold budgets allow a
request: the floor no data access work can go below.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/render_floor.py [--slug bench-peer-sized] [--bare-rps 4691]

In this process, CPU time, the median of --runs: the whole request through the test client
(cold: Django's cache cleared, the fragment cache a DummyCache; and after an edit: the story's
timeline cached), the page's selector (`selectors.article_page`: the query built, compiled,
run and read), and `templates/timeline/article_detail.html` rendered from a context built
once, with and without the timeline's fragment. With --bare-rps (bare Django's requests per
second in a run of bench/run.py on this machine), it prints what a request may cost for the
cold budget (5%) and the after-an-edit budget (10%): the machine's cores divided by that
many requests per second, less what the bare request itself costs.
"""

import argparse
import os
import statistics
import time

import _django

_django.on_bench_data(fragments="1")

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from timeline import selectors  # noqa: E402
from timeline.site import views  # noqa: E402


def cpu_ms(work, runs):
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("--slug", default="bench-peer-sized")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--bare-rps", type=float, help="bare Django's req/s in bench/run.py")
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    args = parser.parse_args()
    path = f"/articles/{args.slug}/"
    client = Client()
    client.get(path)  # templates compiled, the connection open, the timeline's fragment cached

    def cold():
        for alias in settings.CACHES:  # the default and the fragments' (if it has its own)
            caches[alias].clear()
        client.get(path)

    figures = {
        "whole request, after an edit (timeline cached)": cpu_ms(
            lambda: client.get(path), args.runs
        ),
        "the selector (query built, compiled, run, read)": cpu_ms(
            lambda: selectors.article_page(slug=args.slug), args.runs
        ),
    }
    page = selectors.article_page(slug=args.slug)
    context = views.article_context(page)  # as the view builds it
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    template = get_template("timeline/article_detail.html")
    template.render(context, request)
    figures["the template alone, timeline cached"] = cpu_ms(
        lambda: template.render(context, request), args.runs
    )
    page.timeline_version = ""  # not cached: the timeline drawn each time (read once, here)
    page.timeline = list(page.timeline)
    figures["the template alone, timeline drawn"] = cpu_ms(
        lambda: template.render(context, request), args.runs
    )
    figures["whole request, cold"] = cpu_ms(cold, args.runs)
    print(f"{path}: CPU of this process, median of {args.runs} (load {os.getloadavg()[0]:.2f})")
    for label, value in figures.items():
        print(f"  {label:55} {value:6.1f} ms")
    if args.bare_rps:
        bare = args.cores / args.bare_rps * 1000
        for share, name in ((0.05, "cold"), (0.10, "after an edit")):
            allowed = args.cores / (share * args.bare_rps) * 1000 - bare
            print(
                f"  budget {name} ({share:.0%} of {args.bare_rps:.0f} req/s on {args.cores} cores):"
                f" {allowed:.1f} ms of a core per request, wrk, PostgreSQL and gunicorn included"
            )


if __name__ == "__main__":
    main()
