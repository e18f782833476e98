"""
Why a page is slow at its p99, not its p50: render it many times in-process, cold, and for the
slowest requests show where the time went (SQL against the rest) and EXPLAIN ANALYZE their
slowest statements, as they ran.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/profile_p99.py "/search/?q=bame" "/on-this-day/04-26/" \\
        [--requests 100] [--slowest 2]

Read-only: it sends GETs through Django's test client and EXPLAINs SELECTs.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("LOG_REQUESTS", "0")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--slowest", type=int, default=2)
    args = parser.parse_args()
    client = Client()
    for path in args.paths:
        profile(client, path, args.requests, args.slowest)


def profile(client, path, requests, slowest):
    client.get(path)  # templates compiled, the connection open
    runs = []
    for _ in range(requests):
        cache.clear()  # cold: a cached fragment would hide its queries
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        total = (time.perf_counter() - started) * 1000
        sql = [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]
        runs.append((total, sql))
        assert response.status_code == 200, (path, response.status_code)
    totals = sorted(total for total, _ in runs)
    p = lambda q: totals[min(int(len(totals) * q), len(totals) - 1)]  # noqa: E731
    print(f"\n== {path}: {requests} cold requests in-process, one at a time")
    print(
        f"   p50 {p(0.5):.1f} ms  p90 {p(0.9):.1f} ms  p99 {p(0.99):.1f} ms  max {totals[-1]:.1f}"
    )
    sql_share = statistics.median(sum(t for t, _ in sql) / total for total, sql in runs)
    print(f"   SQL is {sql_share:.0%} of a request at the median")
    for total, sql in sorted(runs, key=lambda run: run[0], reverse=True)[:slowest]:
        in_sql = sum(t for t, _ in sql)
        print(
            f"\n   a slow one: {total:.1f} ms, of which SQL {in_sql:.1f} ms in {len(sql)} queries"
        )
        for took, statement in sorted(sql, reverse=True)[:2]:
            print(f"   {took:7.1f} ms  {statement[:160]}{'...' if len(statement) > 160 else ''}")
            explain(statement)


def explain(statement):
    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    print(f"            EXPLAIN ANALYZE: {plan[0]['Execution Time']:.1f} ms now")
    for line in lines(plan[0]["Plan"]):
        print("            " + line)


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


if __name__ == "__main__":
    main()
