"""
Queries and size of each page given on the command line, as JSON: {path: {queries, bytes}}.

Run by bench/run.py with the server's environment (production settings):
each page is fetched once to warm up, then once counting the queries it runs, cold: the cache
cleared (no story timeline fragment), but for the site's settings, which every page of the
site shares and reads from the cache for an hour (counted once, apart, as "site settings").
On PostgreSQL each of those queries is also EXPLAINed: `seq_scans` lists the big tables (1,000
pages and more) a plan would read whole, which at scale must be none.
"""

import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()
logging.disable(logging.CRITICAL)

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from timeline.models import SiteSettings  # noqa: E402

BIG_PAGES = 1000


def main(paths):
    client = Client()
    found = {}
    big = big_tables()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        SiteSettings.load()
    found["site settings"] = {"queries": len(queries), "bytes": 0, "seq_scans": []}
    for path in paths:
        client.get(path)
        cache.clear()  # cold: a cached timeline fragment would hide its queries
        SiteSettings.load()  # site-wide, not the page's: read from the cache by every page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code == 200:
            found[path] = {
                "queries": len(queries),
                "bytes": len(response.content),
                "seq_scans": sorted({t for q in queries for t in seq_scans(q["sql"], big)}),
            }
    print(json.dumps(found))


def big_tables():
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relpages >= %s", [BIG_PAGES]
        )
        return {name for (name,) in cursor.fetchall()}


def seq_scans(sql, big):
    if not big or not sql.lstrip().upper().startswith(("SELECT", "WITH", "(")):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return list(_walk(plan[0]["Plan"], big))


def _walk(plan, big):
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in big:
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from _walk(child, big)


if __name__ == "__main__":
    main(sys.argv[1:])
