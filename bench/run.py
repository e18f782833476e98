"""
The benchmark: every public page served by gunicorn at newsroom scale, against the cheapest
page Django serves in the same run (the ceiling), without and with the page cache.

    .venv/bin/python bench/run.py                      # all of it: about 11 + 8 minutes
    .venv/bin/python bench/run.py --duration 5         # shorter wrk runs
    .venv/bin/python bench/run.py --only article       # the ceiling and the article pages
    .venv/bin/python bench/run.py --database bench_small --articles 2000 --stories 40 \\
        --entries 20000 --comments 1000                # a small dataset, for trying it out

1. Creates the PostgreSQL database (--database, on --postgres) unless it exists, migrates it
   and runs bench/load_scale.py (which does nothing if the data is already there).
2. collectstatic, then gunicorn with production settings (DEBUG off, a SECRET_KEY, hashed and
   compressed static files through whitenoise) on 127.0.0.1, --workers 2.
3. For each page: a bounded wrk run (wrk -t2 -c16 -d10s --latency; `apt-get install wrk`
   if it is missing), cold (PAGE_CACHE=0: every request renders from the database) and warm
   (PAGE_CACHE=1: anonymous readers get the cached page), each right after a run (half as
   long) of the ceiling in the same server, the reference of its ratio; a second run at 2
   connections (one request in flight per worker, no queueing) gives the latency budget's
   p99. Then the RSS of each worker from /proc, and EXPLAIN of every query of every page.
4. Prints a Markdown table and the budgets, PASS or FAIL. Loopback only; every loop bounded.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from _report import format_result, report, step

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PEER_SLUG, HEAVIEST_SLUG = "bench-peer-sized", "bench-heaviest"
LATENCY_PAGES = ("timeline", "on-this-day", "search", "search-common")


@dataclass
class Page:
    key: str
    label: str
    path: str
    queries: int | None = None
    size: int | None = None
    seq_scans: list = field(default_factory=list)  # big tables a query plan reads whole
    results: dict = field(default_factory=dict)  # phase -> Result


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    reference_rps: float = 0.0  # the ceiling, measured just before

    @property
    def ratio(self):
        return self.rps / self.reference_rps if self.reference_rps else 0.0


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
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "load_scale.py"),
            f"--articles={args.articles}",
            f"--stories={args.stories}",
            f"--entries={args.entries}",
            f"--comments={args.comments}",
            f"--seed={args.seed}",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    load_seconds = time.monotonic() - load_started
    manage(env, "collectstatic", "--no-input", "-v0")
    pages = discover_pages(database_url)
    if args.only:
        pages = [p for p in pages if p.key == "ceiling" or args.only in f"{p.key} {p.label}"]
    count_queries(env, pages)

    measure_started = time.monotonic()
    memory = {}
    for phase, cache_on in (("cold", "0"), ("warm", "1")):
        step(f"{phase}: gunicorn --workers {args.workers}, PAGE_CACHE={cache_on}")
        with Server({**env, "PAGE_CACHE": cache_on}, args) as server:
            missing = [page for page in pages if not server.ok(page.path)]
            for page in missing:
                print(f"  skipped {page.label}: {page.path} does not answer 200 here")
                pages.remove(page)
            server.warm_up([page.path for page in pages])
            if phase == "warm":
                server.check_conditional_get(pages)
                server.check_static()
            # Each page right after a run of the ceiling: the machine's pace drifts (other
            # work, the CPU's clock), and a ratio is fair only between neighbouring runs.
            ceiling, ceiling_runs = pages[0], []
            for page in pages[1:]:
                reference = run_wrk(wrk, server.url(ceiling.path), args, short=True)
                ceiling_runs.append(reference)
                page.results[phase] = run_wrk(wrk, server.url(page.path), args)
                page.results[phase].reference_rps = reference.rps
                print(f"  {page.label:<34} {format_result(page.results[phase])}"
                      f"  (ceiling {reference.rps:.0f} req/s)")  # fmt: skip
                server.drain()
            ceiling.results[phase] = Result(
                sum(run.rps for run in ceiling_runs) / len(ceiling_runs),
                sum(run.p50_ms for run in ceiling_runs) / len(ceiling_runs),
                max(run.p99_ms for run in ceiling_runs),
                sum(run.errors for run in ceiling_runs),
            )
            ceiling.results[phase].reference_rps = ceiling.results[phase].rps
            if phase == "cold":
                for page in pages:
                    if page.key in LATENCY_PAGES:
                        page.results["latency"] = run_wrk(
                            wrk, server.url(page.path), args, connections=2
                        )
                        server.drain()
                        print(f"  {page.label + ' (2 conn.)':<34} "
                              f"{format_result(page.results['latency'])}")  # fmt: skip
            memory[phase] = server.worker_rss_mb()
    measure_seconds = time.monotonic() - measure_started

    report(pages, memory, args, load_seconds, measure_seconds, time.monotonic() - started)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="newsroom_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--only", help="measure only the pages whose name contains this (ceiling always)"
    )
    return parser.parse_args()


# ---------------------------------------------------------------------- set-up


def ensure_wrk():
    found = shutil.which("wrk")
    if found:
        return found
    step("Installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("wrk is not installed and could not be installed.")


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
        if key not in ("DEBUG", "TESTING", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SITE_URL=f"http://127.0.0.1:{args.port}",
        BENCH_CEILING="1",
        # One log line per request is an operator's choice; it would only add noise here.
        LOG_REQUESTS="0",
        LOG_LEVEL="WARNING",
        PAGE_CACHE_GENERATION_FILE=str(Path(tempfile.gettempdir()) / "bench-page-generation"),
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
        Page("ceiling", "ceiling (trivial view)", "/bench/ceiling/"),
        Page("peer", "article, peer-sized", f"/articles/{PEER_SLUG}/"),
        Page("heaviest", "article, heaviest", f"/articles/{HEAVIEST_SLUG}/"),
    ]
    if typical:
        pages.append(Page("typical", "article, typical at scale", f"/articles/{typical[0]}/"))
    if story:
        year = story[1].year
        pages.append(
            Page(
                "timeline",
                "story timeline, date range",
                f"/stories/{story[0]}/timeline/?date_from={year - 2}&date_to={year + 2}",
            )
        )
    pages += [
        Page("on-this-day", "on this day", "/on-this-day/04-26/"),
        Page("home", "home", "/"),
    ]
    if tag:
        pages.append(Page("tag", "tag archive (biggest tag)", f"/tags/{tag[0]}/"))
    pages.append(Page("feed", "site feed", "/feed/"))
    # A word of middling frequency (bench/scale/text.py, rare_word(1000)): ~0.1% of the documents.
    pages.append(Page("search", "search, one word", "/search/?q=bame"))
    # Last: two of the commonest words match a fifth of everything; what it leaves queued is
    # drained before anything else is measured.
    pages.append(Page("search-common", "search, two common words", "/search/?q=reactor+explosion"))
    return pages


def count_queries(env, pages):
    """Queries and size of each page, rendered in-process (bench/_pages.py)."""
    step("Counting queries per page")
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "_pages.py"), *(page.path for page in pages)],
        cwd=ROOT,
        env={**env, "PAGE_CACHE": "0", "ALLOWED_HOSTS": "127.0.0.1,testserver"},
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


# ---------------------------------------------------------------------- the server


class Server:
    def __init__(self, env, args):
        self.env, self.args = env, args
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in __exit__)

    def __enter__(self):
        command = [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--worker-class", "sync"]
        command += ["--bind", f"127.0.0.1:{self.args.port}", "--workers", str(self.args.workers)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail("gunicorn exited")
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.fail("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def fail(self, message):
        self.log.seek(0)
        sys.exit(f"{message}:\n{self.log.read()[-4000:]}")

    def url(self, path):
        return f"http://127.0.0.1:{self.args.port}{path}"

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def ok(self, path):
        return self.get(path)[0] == 200

    def drain(self, limit=180):
        """
        Wait until requests wrk left queued are served: a slow page (search at scale) leaves a
        backlog behind a run that would otherwise be charged to the next page measured.
        """
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                self.get("/bench/ceiling/")
            except OSError:  # timed out behind the backlog: try again
                continue
            if time.monotonic() - started < 0.05:
                return
        print(f"  (the server was still busy {limit} s after the run)")

    def warm_up(self, paths):
        """Templates compiled, connections open, in every worker: a few requests each."""
        for path in paths:
            for _ in range(2 * self.args.workers + 2):
                self.get(path)

    def check_conditional_get(self, pages):
        """ETag revalidation: a returning reader (with the cookie the page set) gets 304."""
        for page in pages[1:]:
            status, headers, _ = self.get(page.path)
            etag = headers.get("ETag")
            if status != 200 or not etag:
                continue
            again = {"If-None-Match": etag}
            cookie = re.match(r"([^=;]+=[^;]*)", headers.get("Set-Cookie", ""))
            if cookie:
                again["Cookie"] = cookie.group(1)
                status, headers, _ = self.get(page.path, {"Cookie": cookie.group(1)})
                again["If-None-Match"] = headers.get("ETag", etag)
            control = headers.get("Cache-Control", "")
            revalidated = self.get(page.path, again)[0]
            print(f"  {page.label:<34} {control:<36} If-None-Match -> {revalidated}")

    def check_static(self):
        status, _, body = self.get(f"/articles/{PEER_SLUG}/")
        match = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
        if not match:
            print("  static: no hashed stylesheet found in the article page")
            return
        path = match.group(1).decode()
        status, headers, _ = self.get(path, {"Accept-Encoding": "gzip"})
        print(
            f"  static {path}: {status}, Cache-Control: {headers.get('Cache-Control')}, "
            f"Content-Encoding: {headers.get('Content-Encoding')}"
        )

    def worker_rss_mb(self):
        """Resident memory of each worker (the master's children), from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(kb / 1024)
        return sizes


# ---------------------------------------------------------------------- wrk


def run_wrk(wrk, url, args, connections=None, short=False):
    connections = connections or args.connections
    duration = max(args.duration // 2, 2) if short else args.duration
    command = [wrk, f"-t{min(args.threads, connections)}", f"-c{connections}"]
    command += [f"-d{duration}s", "--timeout", "10s", "--latency", url]
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Result(rps, latency(output, "50%"), latency(output, "99%"), errors)


def latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


if __name__ == "__main__":
    main()
