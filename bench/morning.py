"""
Anniversary morning through Varnish: 64 readers across the site and 4 editors each saving an
update every 2 s, for 60 s, with production settings (PostgreSQL, Redis, gunicorn, Varnish
with xkey and deploy/varnish/newsroom.vcl, purges delivered after each commit).

    .venv/bin/python bench/morning.py                  # the run quoted in the README
    .venv/bin/python bench/morning.py --duration 20    # a quick look

Prints, and exits 1 when a budget is missed:
- readers: requests, answers by status, p50/p99 latency (budget: p99 under 50 ms, no 5xx);
- editors: saves confirmed, and confirmed saves missing from the database (budget: 0 lost);
- hit ratio on the pages no save touches (budget: at least 95%), per page;
- freshness: the edited article polled through Varnish every 100 ms; a poll sent more than 1 s
  after a save was confirmed must show that save's update (budget: 0 stale polls);
- warm: the article through Varnish against a small static file through Varnish, each for
  10 s with 16 connections, in the same run (budget: at least 80%).

Which pages a save touches comes from the app itself: the keys
timeline.site.surrogate_keys gives for an update of the edited article, matched against each
page's keys as Varnish reports them. Loopback only; every loop stops at its deadline.
"""

import argparse
import os
import subprocess
import threading
import time
from pathlib import Path

import harness

from httpcache.varnish import Varnish

READERS_LUA = Path(__file__).with_name("morning_readers.lua")
PORT, VARNISH_PORT, REDIS_PORT = 8093, 8094, 6393
EDITED = "chernobyl-reactor-4"
PATHS = [
    "/",
    f"/articles/{EDITED}/",
    "/articles/new-safe-confinement/",
    "/articles/fukushima-daiichi-ten-years/",
    f"/articles/{EDITED}/editions/2019/",
    "/stories/chernobyl/",
    "/stories/chernobyl/timeline/",
    "/stories/chernobyl/timeline/?key=1",
    "/tags/nuclear/",
    "/on-this-day/04-26/",
    "/on-this-day/03-11/",
    "/archive/",
    "/search/?q=reactor",
    "/feed/",
    "/sitemap.xml",
]
KEYS_OF_AN_UPDATE = """
from django.utils import timezone
from timeline.models import Article, Update
from timeline.site import surrogate_keys
article = Article.objects.get(slug="{slug}")
print(article.pk, " ".join(sorted(surrogate_keys.keys_of_update(
    Update(article=article, dated_at=timezone.now())))))
"""


class Editors:
    """Editors signed in through the admin, each adding a published update every 2 s."""

    def __init__(self, port, article_id, count, deadline, every=2.0):
        self.port, self.article_id, self.deadline, self.every = port, article_id, deadline, every
        self.saves = []  # (headline, status, confirmed at: monotonic)
        self.refused = ""  # the first page a save was answered with instead of a redirect
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.work, args=(n,)) for n in range(count)]

    def work(self, n):
        editor = harness.Editor(self.port)
        assert editor.sign_in() == 302, "the editor could not sign in"
        form = editor.new_update_form(self.article_id)
        number = 0
        time.sleep(n * self.every / len(self.threads))  # spread the editors over the period
        while time.monotonic() < self.deadline:
            started = time.monotonic()
            headline = f"morning-{n}-{number}"
            data = {
                **form,
                "headline": headline,
                "body": f"Update {number} by editor {n}.",
                "status": "published",
            }
            status, _, text = editor.post("/admin/timeline/update/add/", data)
            with self.lock:
                self.saves.append((headline, status, time.monotonic()))
                if status not in (302, 0) and not self.refused:
                    self.refused = text
            number += 1
            time.sleep(max(0.0, started + self.every - time.monotonic()))

    def run(self):
        for thread in self.threads:
            thread.start()
        for thread in self.threads:
            thread.join()


class Poller:
    """A reader reloading the edited article every 100 ms, remembering what each poll showed."""

    def __init__(self, port, path, deadline):
        self.port, self.path, self.deadline = port, path, deadline
        self.polls = []  # (sent at: monotonic, status, body)

    def run(self):
        while time.monotonic() < self.deadline:
            sent = time.monotonic()
            status, _, body = harness.get(self.port, self.path)
            self.polls.append((sent, status, body.decode(errors="replace")))
            time.sleep(max(0.0, sent + 0.1 - time.monotonic()))

    def stale(self, saves):
        """Polls sent more than 1 s after a confirmed save that did not show it."""
        confirmed = sorted((at, headline) for headline, status, at in saves if status == 302)
        stale = []
        for sent, status, body in self.polls:
            due = [headline for at, headline in confirmed if at <= sent - 1.0]
            if status == 200 and due and due[-1] not in body:
                stale.append((sent, due[-1]))
        return stale


def page_keys(port, path):
    _, headers, _ = harness.get(port, path, {"X-Debug-Keys": "1"})
    return set(headers.get("xkey", "").split())


def wrk(port, paths, *, connections, seconds, pause_ms=0):
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=10s",
            "--latency",
            f"--script={READERS_LUA}",
            f"http://127.0.0.1:{port}",
        ],
        env={
            "LOAD_PATHS": ",".join(paths),
            "READER_PAUSE_MS": str(pause_ms),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    figures = {"status": {}, "verdicts": {}, "latency": {}}
    for line in done.stdout.splitlines():
        kind, *rest = line.split()
        if kind == "STATUS":
            figures["status"][int(rest[0])] = int(rest[1])
        elif kind == "VERDICT":
            verdict, path, count = rest
            figures["verdicts"].setdefault(path, {})[verdict] = int(count)
        elif kind == "LATENCY":
            figures["latency"][rest[0]] = float(rest[1])
        elif kind == "REQUESTS":
            figures["requests"], figures["seconds"] = int(rest[0]), int(rest[1]) / 1e6
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    with (
        harness.scratch_database("morning") as (name, url),
        harness.RedisServer(REDIS_PORT),
    ):
        env = harness.production_env(
            url,
            f"redis://127.0.0.1:{REDIS_PORT}/0",
            HTTP_CACHE="varnish",
            HTTP_CACHE_PURGE_URLS=f"http://127.0.0.1:{VARNISH_PORT}/",
        )
        shell = harness.manage(env, "shell", "-c", KEYS_OF_AN_UPDATE.format(slug=EDITED))
        article_id, *purged = shell.stdout.strip().splitlines()[-1].split()
        purged = set(purged)
        static = "/static/" + next(
            path.relative_to(harness.ROOT / "staticfiles").as_posix()
            for path in (harness.ROOT / "staticfiles").rglob("site.*.css")
        )
        with (
            harness.Gunicorn(PORT, env, workers=args.workers, threads=args.threads) as server,
            Varnish(listen=f"127.0.0.1:{VARNISH_PORT}", backend=f"127.0.0.1:{PORT}"),
        ):
            for path in PATHS:
                for _ in range(2):
                    status = harness.get(VARNISH_PORT, path)[0]
                    assert status == 200, f"{path}: {status}"
            touched = {path for path in PATHS if page_keys(VARNISH_PORT, path) & purged}
            untouched = [path for path in PATHS if path not in touched]

            warm_article = wrk(VARNISH_PORT, [f"/articles/{EDITED}/"], connections=16, seconds=10)
            warm_static = wrk(VARNISH_PORT, [static], connections=16, seconds=10)

            harness.log(f"{args.readers} readers, {args.editors} editors for {args.duration} s")
            deadline = time.monotonic() + args.duration
            editors = Editors(PORT, int(article_id), args.editors, deadline)
            poller = Poller(VARNISH_PORT, f"/articles/{EDITED}/", deadline)
            background = [threading.Thread(target=editors.run), threading.Thread(target=poller.run)]
            for thread in background:
                thread.start()
            readers = wrk(
                VARNISH_PORT, PATHS, connections=args.readers, seconds=args.duration, pause_ms=5
            )
            for thread in background:
                thread.join(timeout=60)
            memory = server.worker_rss_mb()

        stored = set(
            harness.psql(
                "SELECT headline FROM timeline_update WHERE headline LIKE 'morning-%'", name
            ).split()
        )

    if editors.refused:
        Path("/tmp/morning-refused-save.html").write_text(editors.refused)
        harness.log("a save was refused: its page is in /tmp/morning-refused-save.html")
    report(
        args,
        load_before,
        readers,
        editors.saves,
        stored,
        poller,
        (touched, untouched),
        (warm_article, warm_static),
        memory,
    )


def report(args, load_before, readers, saves, stored, poller, pages, warm, memory):
    touched, untouched = pages
    warm_article, warm_static = warm
    statuses = readers["status"]
    rate = readers["requests"] / readers["seconds"]
    five_xx = sum(n for status, n in statuses.items() if status >= 500)
    five_xx += sum(1 for _, status, _ in saves if status >= 500)
    confirmed = {headline for headline, status, _ in saves if status == 302}
    lost = confirmed - stored
    hits = sum(readers["verdicts"].get(path, {}).get("HIT", 0) for path in untouched)
    served = sum(sum(readers["verdicts"].get(path, {}).values()) for path in untouched)
    hit_ratio = hits / served if served else 0.0
    stale = poller.stale(saves)
    p99 = readers["latency"]["p99"]
    warm_ratio = (warm_article["requests"] / warm_article["seconds"]) / (
        warm_static["requests"] / warm_static["seconds"]
    )

    print()
    print(
        f"## Anniversary morning through Varnish: {args.readers} readers, "
        f"{args.editors} editors saving every 2 s, {args.duration} s"
    )
    print(
        f"gunicorn --workers {args.workers} --threads {args.threads}, PostgreSQL, Redis, "
        f"Varnish (xkey); {os.cpu_count()} cores; load average before {load_before:.2f}, "
        f"after {os.getloadavg()[0]:.2f}"
    )
    print(f"readers: {readers['requests']} requests, {rate:.0f}/s; by status {dict(statuses)}")
    print(
        f"  latency p50 {readers['latency']['p50']:.2f} ms, p99 {p99:.2f} ms "
        f"(budget < 50 ms), max {readers['latency']['max']:.1f} ms"
    )
    by_status = {}
    for _, status, _ in saves:
        by_status[status] = by_status.get(status, 0) + 1
    print(
        f"editors: {len(saves)} saves, answers by status {by_status}; confirmed saves missing "
        f"from the database: {len(lost)} (budget 0)"
    )
    print(f"pages a save touches ({len(touched)}): {', '.join(sorted(touched))}")
    print(f"hit ratio on the {len(untouched)} untouched pages: {hit_ratio:.1%} (budget >= 95%)")
    for path in untouched:
        verdicts = readers["verdicts"].get(path, {})
        print(f"  {path}: {verdicts.get('HIT', 0)} hits, {verdicts.get('MISS', 0)} misses")
    print(
        f"freshness: {len(poller.polls)} polls of the edited article, {len(stale)} showed a "
        "page older than a save confirmed more than 1 s before (budget 0)"
    )
    print(
        f"warm: the article {warm_article['requests'] / warm_article['seconds']:.0f}/s, "
        f"a static file {warm_static['requests'] / warm_static['seconds']:.0f}/s through "
        f"Varnish: {warm_ratio:.0%} (budget >= 80%)"
    )
    print("worker memory (RSS, MB): " + ", ".join(f"{mb:.0f}" for mb in memory.values()))
    print(f"5xx: {five_xx}")
    missed = five_xx or lost or stale or p99 >= 50 or hit_ratio < 0.95 or warm_ratio < 0.8
    missed = missed or not confirmed  # a run where no save went through proves nothing
    raise SystemExit(1 if missed else 0)


if __name__ == "__main__":
    main()
