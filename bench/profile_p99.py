"""
Why a page is slow at its p99, not its p50: render it many times in-process, cold, and for the
slowest requests show where the time went (SQL against the rest) and EXPLAIN ANALYZE their
slowest statements, as they ran.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/profile_p99.py "/search/?q=bame" "/on-this-day/04-26/" \\
        [--requests 100] [--slowest 2] [--buffers] [--pyinstrument]

Cold as bench/run.py's "cold, fragments empty" server is: bench.settings with BENCH_FRAGMENTS=0
(the template fragment cache a DummyCache) and Django's cache cleared before every request.
With BENCH_FRAGMENTS=1 the cache is kept instead: the fragments rendered by the first request
(a story's timeline) are reused, as after an edit of one update, and the rest is rendered.
Besides the timings, which depend on the machine's load, it prints figures that depend on it
far less: the Python side's CPU time (this process's, so not the database's), the page's
queries and, with --buffers, every statement of one request EXPLAINed (ANALYZE,
BUFFERS) with the rows and the shared buffers it touched (hit: in PostgreSQL's cache; read:
from the OS). --pyinstrument profiles the Python side of all the requests (pyinstrument is a
development tool, not a dependency: `pip install pyinstrument`).

Read-only: it sends GETs through Django's test client and EXPLAINs SELECTs. A statement that
ran after a search's planner settings (timeline.search._session) is EXPLAINed under the same.
"""

import argparse
import json
import os
import statistics
import sys
import time

import _django

_django.on_bench_data(fragments="0")

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FRAGMENTS_OFF = os.environ["BENCH_FRAGMENTS"] == "0"
# What timeline.search._session sets for its transaction, to EXPLAIN its statements as they ran.
SEARCH_SESSION = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0;" + (
    " SET LOCAL random_page_cost = 1.1"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--slowest", type=int, default=2)
    parser.add_argument("--buffers", action="store_true", help="EXPLAIN every statement once")
    parser.add_argument("--pyinstrument", action="store_true", help="profile the Python side")
    args = parser.parse_args()
    client = Client()
    for path in args.paths:
        profile(client, path, args)


def profile(client, path, args):
    client.get(path)  # templates compiled, the connection open
    profiler = start_profiler() if args.pyinstrument else None
    runs, cpu_times = [], []
    for _ in range(args.requests):
        if FRAGMENTS_OFF:
            cache.clear()  # cold: a cached fragment or setting would hide its queries
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        total = (time.perf_counter() - started) * 1000
        cpu_times.append((time.process_time() - cpu) * 1000)
        sql = [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]
        runs.append((total, sql))
        assert response.status_code == 200, (path, response.status_code)
    totals = sorted(total for total, _ in runs)
    p = lambda q: totals[min(int(len(totals) * q), len(totals) - 1)]  # noqa: E731
    how = "cold" if FRAGMENTS_OFF else "cold but for cached fragments"
    print(f"\n== {path}: {args.requests} {how} requests in-process, one at a time")
    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"   p50 {p(0.5):.1f} ms  p90 {p(0.9):.1f} ms  p99 {p(0.99):.1f} ms  max {totals[-1]:.1f}"
    )
    # This process's CPU time: what the page costs in Python, whatever else the machine runs.
    print(f"   CPU in this process: median {statistics.median(cpu_times):.1f} ms")
    sql_share = statistics.median(sum(t for t, _ in sql) / total for total, sql in runs)
    print(f"   {len(runs[-1][1])} queries; SQL is {sql_share:.0%} of a request at the median")
    if args.buffers:
        buffers(runs[-1][1])
    for total, sql in sorted(runs, key=lambda run: run[0], reverse=True)[: args.slowest]:
        in_sql = sum(t for t, _ in sql)
        print(
            f"\n   a slow one: {total:.1f} ms, of which SQL {in_sql:.1f} ms in {len(sql)} queries"
        )
        for took, statement in sorted(sql, reverse=True)[:2]:
            print(f"   {took:7.1f} ms  {short(statement)}")
            explain(statement, searching=is_search(sql))
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(color=False, show_all=False, short_mode=True))


def buffers(sql):
    """Each statement of one request: its rows and buffers, EXPLAINed; then the totals."""
    print("   every statement of the last request, EXPLAIN (ANALYZE, BUFFERS):")
    hit = read = 0
    for _took, statement in sql:
        plan = analyze(statement, searching=is_search(sql))
        if plan is None:
            continue
        top = plan["Plan"]
        hit += top.get("Shared Hit Blocks", 0)
        read += top.get("Shared Read Blocks", 0)
        print(
            f"   {plan['Execution Time']:7.1f} ms  rows {top.get('Actual Rows')}"
            f"  hit {top.get('Shared Hit Blocks', 0)} read {top.get('Shared Read Blocks', 0)}"
            f"{jit(plan)}  {short(statement, 110)}"
        )
    print(f"   buffers in all: hit {hit}, read {read}")


def explain(statement, *, searching=False):
    plan = analyze(statement, searching=searching)
    if plan is None:
        return
    print(f"            EXPLAIN ANALYZE: {plan['Execution Time']:.1f} ms now{jit(plan)}")
    for line in lines(plan["Plan"]):
        print("            " + line)


def analyze(statement, *, searching=False):
    if not statement.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
        return None
    if statement.lstrip().upper().startswith("SELECT SET_CONFIG"):
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        if searching:
            cursor.execute(SEARCH_SESSION)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]


def jit(plan):
    """JIT compilation, when PostgreSQL chose it: its time counts in the statement's."""
    if "JIT" not in plan:
        return ""
    timing = plan["JIT"].get("Timing", {})
    total = timing.get("Total", 0)
    total = total if isinstance(total, (int, float)) else total.get("Time", 0)
    return f"  JIT {plan['JIT'].get('Functions')} functions {total:.1f} ms"


def is_search(sql):
    return any("set_config('statement_timeout'" in statement for _t, statement in sql)


def short(statement, width=160):
    return f"{statement[:width]}{'...' if len(statement) > width else ''}"


def lines(node, depth=0):
    """The plan as a short tree: node, relation or index, rows, time, buffers read from disk."""
    name = node["Node Type"]
    where = node.get("Index Name") or node.get("Relation Name") or ""
    yield (
        f"{'  ' * depth}{name} {where} rows={node.get('Actual Rows')}x{node.get('Actual Loops')} "
        f"{node.get('Actual Total Time', 0):.1f} ms, "
        f"hit {node.get('Shared Hit Blocks', 0)} read {node.get('Shared Read Blocks', 0)}"
    )
    for child in node.get("Plans", []):
        yield from lines(child, depth + 1)


def start_profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("--pyinstrument needs pyinstrument: .venv/bin/pip install pyinstrument")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler


if __name__ == "__main__":
    main()
