"""
The benchmark: the public pages at newsroom scale, served by gunicorn, against two ceilings
measured in the same server and the same rounds, cold and warm, with the noise on the table.

    .venv/bin/python bench/run.py                      # 100,000 articles: load ~14 min, then
                                                       # 3 rounds of ~20 runs of 10 s
    .venv/bin/python bench/run.py --duration 5 --rounds 5
    .venv/bin/python bench/run.py --database bench_small --articles 20000 --stories 400 \\
        --entries 200000 --comments 10000              # a smaller dataset

1. Creates the PostgreSQL database (--database, on --postgres) unless it exists, migrates it
   and runs bench/load_scale.py (which does nothing if the data is already there).
2. Starts, with production settings (DEBUG off, hashed static files through whitenoise):
   gunicorn `bench.wsgi` --workers 2 (the project's app, plus a bare Django handler on
   /bench/bare/ and Django's per-site cache stack behind `X-Bench-Stack: stock`, same process:
   bench/wsgi.py); Varnish with the repository's VCL in front of it (httpcache.varnish); and a
   second gunicorn whose template fragment cache is a DummyCache (bench/settings.py), for
   articles cold all through.
3. Rounds (--rounds, at least 3), interleaved: each round runs every measurement once, in the
   same order, with wrk -t2 -c16 -d10s --latency (2 connections for the p99 budgets: one
   request in flight per worker, no queueing). Each figure is the median over the rounds with
   its min-max; each ratio is taken within a round, against the ceilings measured at its start.
   The 1-minute load average is printed before and after every run; a run that starts above
   1.5 waits for it to fall (--wait-load seconds) or says loudly that its figures are
   unreliable.
4. Prints what the peer-sized article shows, counted in its served HTML (bench/_shape.py), the
   tables, the RSS of every worker, EXPLAIN-checked query counts, and the budgets, PASS or FAIL.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

import psycopg
from _report import report, step
from _server import ROOT, Server, ensure_wrk, get, run_wrk, wait_for_quiet

sys.path.insert(0, str(ROOT))

from bench import _shape
from httpcache.varnish import Varnish

PYTHON = sys.executable
PEER_SLUG, HEAVIEST_SLUG = "bench-peer-sized", "bench-heaviest"
STOCK = "X-Bench-Stack: stock"
# What every reader's browser sends: Varnish keeps pages gzipped and sends them so.
BROWSER = "Accept-Encoding: gzip, deflate, br, zstd"


@dataclass
class Page:
    key: str
    label: str
    path: str
    queries: int | None = None
    size: int | None = None
    seq_scans: list = field(default_factory=list)  # big tables a query plan reads whole


@dataclass
class Measure:
    """One wrk run per round: a page (or file) on a server, as a group of the report shows it."""

    key: str
    group: str  # ceiling, cold, cold-empty, warm, p99
    label: str
    server: str  # main, empty (fragments off), varnish
    path: str
    page: Page | None = None
    headers: tuple = ()
    connections: int | None = None
    size: int = 0  # bytes of the response measured
    runs: list = field(default_factory=list)  # one Result per round
    ratios: dict = field(default_factory=dict)  # "bare" / "ours" -> one ratio per round


def main():
    args = parse_args()
    started = time.monotonic()
    wrk = ensure_wrk()
    database_url = f"{args.postgres.rstrip('/')}/{args.database}"
    ensure_database(args.postgres, args.database)
    env = server_env(database_url, args)
    step(f"Migrating and loading {args.database} (reused when already loaded)")
    manage(env, "migrate", "--no-input", "-v0")
    load_started = time.monotonic()
    sizes = [f"--{name}={getattr(args, name)}" for name in ("articles", "stories", "entries")]
    sizes += [f"--comments={args.comments}", f"--seed={args.seed}"]
    subprocess.run([PYTHON, str(ROOT / "bench" / "load_scale.py"), *sizes], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    load_seconds = time.monotonic() - load_started
    manage(env, "collectstatic", "--no-input", "-v0")
    pages = discover_pages(database_url)
    count_queries(env, pages)
    measures = plan(pages, args)

    main_port, empty_port, varnish_port = args.port, args.port + 1, args.port + 2
    cache_env = {**env, "HTTP_CACHE": "varnish",
                 "HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/"}  # fmt: skip
    varnish = Varnish(listen=f"127.0.0.1:{varnish_port}", backend=f"127.0.0.1:{main_port}")
    with (
        Server(cache_env, port=main_port, workers=args.workers) as server,
        Server({**env, "BENCH_FRAGMENTS": "0"}, port=empty_port, workers=args.workers) as empty,
    ):
        varnish.start()
        try:
            servers = {"main": server, "empty": empty, "varnish": server}
            bases = {"main": server.base, "empty": empty.base,
                     "varnish": f"http://127.0.0.1:{varnish_port}"}  # fmt: skip
            measures = prepare(measures, servers, bases)
            shapes = {p.key: _shape.count(server.get(p.path)[2]) for p in pages
                      if p.key in ("peer", "heaviest")}  # fmt: skip
            step("What the articles show, counted in the served HTML (bench/_shape.py)")
            for key, counts in shapes.items():
                print(f"  {key}: {_shape.compare(counts)}")
            quiet = wait_for_quiet(args.wait_load)
            measure_started = time.monotonic()
            for round_number in range(1, args.rounds + 1):
                step(f"Round {round_number} of {args.rounds}")
                run_round(wrk, measures, servers, bases, args)
            measure_seconds = time.monotonic() - measure_started
            memory = {"main": server.worker_rss_mb(), "fragments off": empty.worker_rss_mb()}
        finally:
            varnish.stop()

    report(
        measures, pages, shapes, memory, args, quiet=quiet,
        seconds=(load_seconds, measure_seconds, time.monotonic() - started),
    )  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="newsroom_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8097, help="and the next two")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--wait-load", type=int, default=180, help="seconds to wait for a quiet machine"
    )
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds: at least 3 (a median and its min-max need them)")
    return args


# ---------------------------------------------------------------------- set-up


def ensure_database(postgres, name):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"Database names are lower-case letters, digits and _: {name!r}")
    with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            step(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(database_url, args):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "TESTING", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "HTTP_CACHE")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SITE_URL=f"http://127.0.0.1:{args.port}",
        BENCH_CEILING="1",
        # One log line per request is an operator's choice; it would only add noise here.
        LOG_REQUESTS="0",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def discover_pages(database_url):
    """The pages to measure; a story's date range and the biggest tag come from the data."""
    with psycopg.connect(database_url) as conn:
        story = conn.execute(
            "SELECT slug, event_date FROM timeline_story WHERE slug = 'scale-story-0'"
        ).fetchone()
        tag = conn.execute(
            "SELECT t.slug FROM timeline_tag t JOIN timeline_article_tags at ON at.tag_id = t.id"
            " GROUP BY t.slug ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        typical = conn.execute(
            "SELECT a.slug FROM timeline_article a WHERE a.slug LIKE 'scale-article-%%'"
            " AND a.status = 'published' AND a.comments_open ORDER BY a.id LIMIT 1"
        ).fetchone()
    pages = [
        Page("peer", "article, peer-sized", f"/articles/{PEER_SLUG}/"),
        Page("heaviest", "article, heaviest", f"/articles/{HEAVIEST_SLUG}/"),
    ]
    if typical:
        pages.append(Page("typical", "article, typical at scale", f"/articles/{typical[0]}/"))
    if story:
        year = story[1].year
        path = f"/stories/{story[0]}/timeline/?date_from={year - 2}&date_to={year + 2}"
        pages.append(Page("timeline", "story timeline, date range", path))
    pages += [Page("on-this-day", "on this day", "/on-this-day/04-26/"), Page("home", "home", "/")]
    if tag:
        pages.append(Page("tag", "tag archive (biggest tag)", f"/tags/{tag[0]}/"))
    pages.append(Page("feed", "site feed", "/feed/"))
    # A word of middling frequency (bench/scale/text.py, rare_word(1000)): ~0.1% of documents.
    pages.append(Page("search", "search, one word", "/search/?q=bame"))
    # Two of the commonest words: a fifth of everything matches.
    pages.append(Page("search-common", "search, two common words", "/search/?q=reactor+explosion"))
    return pages


def count_queries(env, pages):
    """Queries and size of each page, rendered in-process, cold (bench/_pages.py)."""
    step("Counting queries per page (cold), EXPLAIN of each")
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "_pages.py"), *(page.path for page in pages)],
        cwd=ROOT,
        env={**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"},
        check=True,
        capture_output=True,
        text=True,
    )
    counts = json.loads(result.stdout)
    for page in pages:
        found = counts.get(page.path, {})
        page.queries, page.size = found.get("queries"), found.get("bytes")
        page.seq_scans = found.get("seq_scans", [])
        scans = f"  SEQ SCAN of {', '.join(page.seq_scans)}" if page.seq_scans else ""
        print(f"  {page.label:<34} {page.queries!s:>3} queries  {page.size or 0:>8,} bytes{scans}")
    shared = counts.get("site settings", {}).get("queries")
    print(f"  (and the site's settings, read by every page from the cache: {shared} query an hour)")


def plan(pages, args):
    """What every round measures, in order: ceilings first, the slow searches last."""
    if args.only:
        pages = [page for page in pages if args.only in f"{page.key} {page.label}"]
    by_key = {page.key: page for page in pages}
    measures = [
        Measure("bare", "ceiling", "bare Django (no middleware)", "main", "/bench/bare/"),
        Measure("ours", "ceiling", "our middleware stack", "main", "/bench/ceiling/"),
    ]
    for page in pages:
        measures.append(Measure(f"cold:{page.key}", "cold", page.label, "main", page.path, page))
    for key in ("peer", "heaviest"):
        if key in by_key:
            page = by_key[key]
            measures.append(Measure(f"empty:{key}", "cold-empty", page.label, "empty",
                                    page.path, page))  # fmt: skip
    if "peer" in by_key:
        peer = by_key["peer"]
        measures += [
            Measure("varnish:peer", "warm", "article, peer-sized, Varnish hit", "varnish",
                    peer.path, peer, headers=(BROWSER,)),
            Measure("varnish:static", "warm", "small static file, Varnish hit", "varnish", "",
                    headers=(BROWSER,)),
            Measure("varnish:static-big", "warm", "static file of the article's size, Varnish hit",
                    "varnish", "", headers=(BROWSER,)),
            Measure("varnish:peer-plain", "warm",
                    "article, Varnish hit, client asking no gzip (unzipped per request)",
                    "varnish", peer.path, peer),
            Measure("stock:peer", "warm", "article, peer-sized, Django per-site cache hit",
                    "main", peer.path, peer, headers=(STOCK,)),
        ]  # fmt: skip
    for key in ("timeline", "on-this-day", "search", "search-common"):
        if key in by_key:
            page = by_key[key]
            measures.append(Measure(f"p99:{key}", "p99", page.label, "main", page.path, page,
                                    connections=2))  # fmt: skip
    return measures


def prepare(measures, servers, bases):
    """Every path answers 200, caches are warm and really hit; a failing one is left out."""
    step("Checking and warming every measurement")
    kept = []
    for measure in measures:
        if measure.key == "varnish:static":
            measure.path = static_file(1024)
        elif measure.key == "varnish:static-big":
            article = next(m for m in measures if m.key == "varnish:peer")
            measure.path = static_file(article.page.size or 1024)
        headers = dict(h.split(": ", 1) for h in measure.headers)
        server = servers[measure.server]
        stored = set()  # each worker keeps its own copy (a local-memory cache per process)
        for _ in range(2 * server.workers + 2):
            status, answer, body = get(bases[measure.server], measure.path, headers)
            stored.add(answer.get("Expires"))
        measure.size = len(body)
        if status != 200:
            print(f"  left out {measure.label}: {measure.path} answers {status}")
            continue
        note = ""
        if measure.server == "varnish":
            note = f"X-Cache: {answer.get('X-Cache')}"
            if answer.get("X-Cache") != "HIT":
                sys.exit(f"Varnish does not keep {measure.path}: {answer}")
        elif measure.headers:
            time.sleep(1.1)  # a hit returns the stored Expires; a miss would make a new one
            # A worker the warming requests never reached makes its copy now, once.
            misses = 0
            for _ in range(4 * server.workers):
                again = get(bases[measure.server], measure.path, headers)[1]
                if again.get("Expires") not in stored:
                    misses += 1
                    stored.add(again.get("Expires"))
            if misses > server.workers:
                sys.exit(f"Django's per-site cache does not keep {measure.path}: {again}")
            note = f"per-site cache hit (Expires {answer.get('Expires')})"
        print(f"  {measure.label:<48} {measure.path}  {note}")
        kept.append(measure)
    return kept


def static_file(size):
    """The smallest hashed static file of at least `size` bytes, as whitenoise serves it."""
    static_root = ROOT / "staticfiles"
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    sized = [
        ((static_root / hashed).stat().st_size, hashed)
        for hashed in manifest.values()
        if (static_root / hashed).is_file()
    ]
    _size, hashed = min((s for s in sized if s[0] >= size), default=max(sized))
    return f"/static/{hashed}"


def run_round(wrk, measures, servers, bases, args):
    for measure in measures:
        headers = measure.headers
        result = run_wrk(
            wrk,
            bases[measure.server] + measure.path,
            duration=args.duration,
            connections=measure.connections or args.connections,
            threads=args.threads,
            headers=headers,
        )
        measure.runs.append(result)
        errors = f"  {result.errors} ERRORS" if result.errors else ""
        print(
            f"  {measure.group:<10} {measure.label:<48} {result.rps:8.1f} req/s  "
            f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
            f"load {result.load_before:.2f} -> {result.load_after:.2f}{errors}",
            flush=True,
        )
        if measure.server != "varnish":
            servers[measure.server].drain()
    ceilings = {m.key: m.runs[-1].rps for m in measures if m.group == "ceiling"}
    for measure in measures:
        for name, rps in ceilings.items():
            measure.ratios.setdefault(name, []).append(measure.runs[-1].rps / rps)


if __name__ == "__main__":
    main()
