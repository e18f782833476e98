"""
What bench/run.py prints at the end: Markdown tables (each figure the median over the rounds,
with its min-max), what the middleware costs, and the budgets, PASS or FAIL.
"""

import datetime as dt
import os
import statistics

# Budgets (issue 15, README "Performance"): fractions, milliseconds, MB, queries.
BUDGETS = {
    "cold_empty": 0.05,  # the peer-sized article, fragments empty, of the bare Django ceiling
    "cold_edit": 0.10,  # ... after an edit of one update: the timeline fragment still cached
    "warm_static": 0.80,  # the article through Varnish, of a small static file through Varnish
    "warm_stock": 1.00,  # ... of the same page behind Django's own per-site cache
    "latency_p99_ms": 100.0,
    "worker_rss_mb": 150.0,
    "queries": 8,
}
GROUPS = {
    "ceiling": "ceilings (trivial view)",
    "cold": "Django renders (story timeline fragment cached)",
    "cold-empty": "cold all through (fragment cache off)",
    "warm": "warm",
}


def step(message):
    print(f"\n== {message}", flush=True)


def spread(values, fmt="{:.0f}"):
    """'median (min-max)'."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{fmt.format(mid)} ({fmt.format(low)}-{fmt.format(high)})"


def percent(values):
    return spread([v * 100 for v in values], "{:.1f}") + " %"


def median(values):
    return statistics.median(values)


def report(measures, pages, shapes, memory, args, *, quiet, seconds):
    load_seconds, measure_seconds, total_seconds = seconds
    step(
        f"Results ({dt.date.today()}, {os.cpu_count()} cores, gunicorn --workers {args.workers}, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds; "
        "median (min-max) over the rounds)"
    )
    if not quiet:
        print("\n!!! UNRELIABLE: the machine was busy (load average > 1.5) when the run began. !!!")
    loads = [r.load_before for m in measures for r in m.runs] + [
        r.load_after for m in measures for r in m.runs
    ]
    print(f"\n1-minute load average during the runs: {min(loads):.2f}-{max(loads):.2f}")
    by_key = {m.key: m for m in measures}
    print()
    print("| page | queries | KB | req/s | p50 ms | p99 ms | ÷ bare Django | ÷ our ceiling |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for group, title in GROUPS.items():
        print(f"| **{title}** | | | | | | | |")
        for m in (m for m in measures if m.group == group):
            page = m.page
            cells = [
                m.label,
                str(page.queries) if page else "",
                f"{(page.size or 0) / 1024:.0f}" if page else "",
                spread([r.rps for r in m.runs]),
                spread([r.p50_ms for r in m.runs], "{:.1f}"),
                spread([r.p99_ms for r in m.runs], "{:.1f}"),
                percent(m.ratios["bare"]),
                percent(m.ratios["ours"]),
            ]
            print("| " + " | ".join(cells) + " |")
    warm_table(by_key)
    latency_rows = [m for m in measures if m.group == "p99"]
    if latency_rows:
        print()
        print("| page, Django renders, 2 connections | req/s | p50 ms | p99 ms |")
        print("|---|--:|--:|--:|")
        for m in latency_rows:
            cells = [m.label, spread([r.rps for r in m.runs]),
                     spread([r.p50_ms for r in m.runs], "{:.1f}"),
                     spread([r.p99_ms for r in m.runs], "{:.1f}")]  # fmt: skip
            print("| " + " | ".join(cells) + " |")
    if "bare" in by_key and "ours" in by_key:
        # Per worker: each of the --workers serves rps/workers requests a second, busy all along.
        costs = [
            args.workers * 1000 * (1 / ours.rps - 1 / bare.rps)
            for ours, bare in zip(by_key["ours"].runs, by_key["bare"].runs, strict=True)
        ]
        print(
            f"\nOur middleware costs {spread(costs, '{:.2f}')} ms of a worker per request "
            "(1/our ceiling - 1/bare Django, per worker)."
        )
    for key, counts in shapes.items():
        print(f"\nWhat {key} shows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print()
    for name, sizes in memory.items():
        print(f"RSS per worker ({name}): " + ", ".join(f"{s:.0f} MB" for s in sizes))
    print(
        f"Load: {load_seconds / 60:.1f} min (0 when reused); measurement: "
        f"{measure_seconds / 60:.1f} min; total {total_seconds / 60:.1f} min."
    )
    budgets(measures, by_key, pages, memory)


def warm_table(by_key):
    keys = ("varnish:peer", "stock:peer", "varnish:static")
    if not all(key in by_key for key in keys):
        return
    more = ("varnish:static-big", "varnish:peer-plain")
    rows = [by_key[key] for key in (*keys, *more) if key in by_key]
    article = rows[0]
    print()
    print("| warm, same run | KB | req/s | p50 ms | p99 ms | article via Varnish ÷ this |")
    print("|---|--:|--:|--:|--:|--:|")
    for m in rows:
        ratios = [a.rps / r.rps for a, r in zip(article.runs, m.runs, strict=True)]
        cells = [m.label, f"{m.size / 1024:.0f}", spread([r.rps for r in m.runs]),
                 spread([r.p50_ms for r in m.runs], "{:.2f}"),
                 spread([r.p99_ms for r in m.runs], "{:.2f}"), percent(ratios)]  # fmt: skip
        print("| " + " | ".join(cells) + " |")


def budgets(measures, by_key, pages, memory):
    print("\nBudgets (median over the rounds; the worst round in brackets):")
    checks = []

    def ratio_check(label, values, budget):
        checks.append((label, median(values) >= budget,
                       f"{median(values):.1%} (worst {min(values):.1%})"))  # fmt: skip

    if "empty:peer" in by_key:
        ratio_check(
            f"peer-sized article cold, fragments empty, ≥ {BUDGETS['cold_empty']:.0%} "
            "of bare Django",
            by_key["empty:peer"].ratios["bare"],
            BUDGETS["cold_empty"],
        )
        ratio_check(f"  ... ≥ {BUDGETS['cold_empty']:.0%} of our ceiling",
                    by_key["empty:peer"].ratios["ours"], BUDGETS["cold_empty"])  # fmt: skip
    if "cold:peer" in by_key:
        ratio_check(
            f"peer-sized article after an edit (timeline cached) ≥ "
            f"{BUDGETS['cold_edit']:.0%} of bare Django",
            by_key["cold:peer"].ratios["bare"],
            BUDGETS["cold_edit"],
        )
        ratio_check(f"  ... ≥ {BUDGETS['cold_edit']:.0%} of our ceiling",
                    by_key["cold:peer"].ratios["ours"], BUDGETS["cold_edit"])  # fmt: skip
    if all(key in by_key for key in ("varnish:peer", "varnish:static", "stock:peer")):
        article = by_key["varnish:peer"].runs
        for key, budget, what in (
            ("varnish:static", "warm_static", "a static file"),
            ("stock:peer", "warm_stock", "Django's per-site cache"),
        ):
            values = [a.rps / b.rps for a, b in zip(article, by_key[key].runs, strict=True)]
            ratio_check(f"article via Varnish ≥ {BUDGETS[budget]:.0%} of {what} via "
                        f"{'Varnish' if 'static' in key else 'gunicorn'}", values,
                        BUDGETS[budget])  # fmt: skip
    for m in measures:
        if m.group == "p99":
            p99 = median([r.p99_ms for r in m.runs])
            worst = max(r.p99_ms for r in m.runs)
            label = f"{m.label}, p99 at 2 connections < {BUDGETS['latency_p99_ms']:.0f} ms"
            value = f"{p99:.1f} ms (worst {worst:.1f})"
            checks.append((label, p99 < BUDGETS["latency_p99_ms"], value))
    for page in pages:
        if page.queries is not None:
            checks.append((f"{page.label}, ≤ {BUDGETS['queries']} queries cold",
                           page.queries <= BUDGETS["queries"], str(page.queries)))  # fmt: skip
        checks.append((f"{page.label}, every query planned on indexes (EXPLAIN)",
                       not page.seq_scans, ", ".join(page.seq_scans) or "yes"))  # fmt: skip
    worst = max((size for sizes in memory.values() for size in sizes), default=0)
    checks.append((f"memory per worker < {BUDGETS['worker_rss_mb']:.0f} MB",
                   worst < BUDGETS["worker_rss_mb"], f"{worst:.0f} MB"))  # fmt: skip
    for label, passed, value in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label}: {value}")
    errors = [m.label for m in measures for r in m.runs if r.errors]
    if errors:
        print(f"  Errors or non-2xx answers during: {sorted(set(errors))}")
