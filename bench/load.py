"""
Load: 64 readers and 4 editors for 60 s against gunicorn on 127.0.0.1.

    .venv/bin/python bench/load.py                       # the run quoted in docs/OPERATIONS.md
    .venv/bin/python bench/load.py --duration 10         # a quick look

1. A scratch PostgreSQL database (load_<pid>, dropped at the end): migrate, load_demo,
   collectstatic. A private redis-server on 127.0.0.1:6392 for the cache, as in production.
2. gunicorn with production settings (DEBUG off, a random SECRET_KEY, hashed static files;
   plain HTTP on loopback, so SECURE_SSL_REDIRECT=0), --workers 2 --threads 8.
3. Readers: wrk, 64 connections cycling through the public pages, for --duration seconds.
   Editors: 4 threads, each signed in through the admin's login form, adding updates through
   the admin's add form (a real POST with its CSRF token) as fast as the server answers.
4. Then: answers by status (zero 5xx wanted), reader p50/p99, every editor save that the
   server confirmed (302) looked up in the database (zero lost wanted), worker memory
   before and after. Exit status 1 if any 5xx or any lost save.

Loopback only; every loop stops at the deadline.
"""

import argparse
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

import harness

READERS_LUA = Path(__file__).with_name("load_readers.lua")
PORT, REDIS_PORT = 8092, 6392
LOAD_BEFORE = 0.0  # the machine's load average as the run began (other work skews figures)
PATHS = [
    "/",
    "/articles/chernobyl-reactor-4/",
    "/articles/new-safe-confinement/",
    "/articles/fukushima-daiichi-ten-years/",
    "/articles/chernobyl-reactor-4/editions/2019/",
    "/stories/chernobyl/",
    "/stories/chernobyl/timeline/",
    "/stories/chernobyl/timeline/?key=1",
    "/tags/nuclear/",
    "/on-this-day/04-26/",
    "/archive/",
    "/search/?q=reactor",
    "/feed/",
    "/sitemap.xml",
]


class Editors:
    def __init__(self, port, article_id, count, deadline):
        self.port, self.article_id, self.deadline = port, article_id, deadline
        self.results = []  # (editor, headline, status, seconds)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.work, args=(n,)) for n in range(count)]

    def work(self, n):
        editor = harness.Editor(self.port)
        assert editor.sign_in() == 302, "the editor could not sign in"
        form = editor.new_update_form(self.article_id)
        saved = 0
        while time.monotonic() < self.deadline:
            headline = f"load-{n}-{saved}"
            data = {**form, "headline": headline, "body": f"Update {saved} from editor {n}."}
            started = time.monotonic()
            status, _, _ = editor.post("/admin/timeline/update/add/", data)
            with self.lock:
                self.results.append((n, headline, status, time.monotonic() - started))
            saved += 1

    def run(self):
        for thread in self.threads:
            thread.start()
        for thread in self.threads:
            thread.join()


def sample_memory(server, deadline, samples):
    started = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(min(10, max(0, deadline - time.monotonic())))
        samples.append((round(time.monotonic() - started), server.worker_rss_mb()))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    global LOAD_BEFORE
    LOAD_BEFORE = os.getloadavg()[0]

    with (
        harness.scratch_database("load") as (name, url),
        harness.RedisServer(REDIS_PORT),
    ):
        env = harness.production_env(url, f"redis://127.0.0.1:{REDIS_PORT}/0")
        article_id = int(
            harness.psql("SELECT id FROM timeline_article ORDER BY id LIMIT 1", database=name)
        )
        updates_before = int(harness.psql("SELECT count(*) FROM timeline_update", name))
        with harness.Gunicorn(PORT, env, workers=args.workers, threads=args.threads) as server:
            for path in PATHS:  # warm up each worker's imports and templates
                for _ in range(args.workers * 2):
                    status = harness.get(PORT, path)[0]
                    assert status == 200, f"{path}: {status}"
            memory_before = server.worker_rss_mb()
            harness.log(
                f"{args.readers} readers (wrk) and {args.editors} editors for {args.duration} s"
            )
            deadline = time.monotonic() + args.duration
            editors = Editors(PORT, article_id, args.editors, deadline)
            editing = threading.Thread(target=editors.run)
            editing.start()
            samples = []  # (seconds into the run, {pid: MB}) every 10 s: is memory flat?
            sampling = threading.Thread(
                target=sample_memory, args=(server, deadline, samples), daemon=True
            )
            sampling.start()
            wrk = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.readers}",
                    f"-d{args.duration}s",
                    "--timeout=10s",
                    "--latency",
                    f"--script={READERS_LUA}",
                    f"http://127.0.0.1:{PORT}",
                ],
                env={"LOAD_PATHS": ",".join(PATHS), "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                check=True,
                timeout=args.duration + 60,
            )
            editing.join(timeout=60)
            sampling.join(timeout=15)
            memory_after = server.worker_rss_mb()
            errors_logged = [line for line in server.log_lines() if '"level": "ERROR"' in line]

        stored = set(
            harness.psql(
                "SELECT headline FROM timeline_update WHERE headline LIKE 'load-%'", database=name
            ).split()
        )
        updates_after = int(harness.psql("SELECT count(*) FROM timeline_update", name))

    report(
        args,
        wrk.stdout,
        editors.results,
        stored,
        updates_after - updates_before,
        (memory_before, samples, memory_after),
        errors_logged,
    )


def report(args, wrk_out, saves, stored, new_rows, memory, errors_logged):
    memory_before, samples, memory_after = memory
    statuses = {}
    latency = {}
    for line in wrk_out.splitlines():
        kind, *rest = line.split()
        if kind == "STATUS":
            statuses[int(rest[0])] = int(rest[1])
        elif kind == "LATENCY":
            latency[rest[0]] = float(rest[1])
        elif kind == "REQUESTS":
            requests, micros = int(rest[0]), int(rest[1])
        elif kind == "ERRORS":
            socket_errors = list(map(int, rest))
    reader_5xx = sum(n for status, n in statuses.items() if status >= 500)

    confirmed = {headline for _, headline, status, _ in saves if status == 302}
    reported = [s for s in saves if s[2] == 503]
    other = [s for s in saves if s[2] not in (302, 503)]
    lost = confirmed - stored
    save_times = [seconds * 1000 for *_, seconds in saves]

    print()
    print(f"## Load: {args.readers} readers, {args.editors} editors, {args.duration} s")
    print(
        f"gunicorn --workers {args.workers} --threads {args.threads} (gthread), PostgreSQL, "
        f"Redis; {os.cpu_count()} cores, load average as the run began {LOAD_BEFORE:.2f}"
    )
    print()
    print(
        f"readers: {requests} requests in {micros / 1e6:.1f} s = {requests / (micros / 1e6):.0f}/s"
    )
    print(f"  answers by status: {dict(sorted(statuses.items()))}")
    print(f"  socket errors (connect, read, write, timeout): {socket_errors}")
    print(
        f"  latency p50 {latency['p50']:.1f} ms, p90 {latency['p90']:.1f} ms, "
        f"p99 {latency['p99']:.1f} ms, max {latency['max']:.1f} ms"
    )
    print(f"editors: {len(saves)} saves through the admin")
    print(
        f"  confirmed (302): {len(confirmed)}, reported (503): {len(reported)}, other: {len(other)}"
    )
    print(
        f"  rows added: {new_rows}; confirmed saves missing from the database (lost): {len(lost)}"
    )
    if save_times:
        print(
            f"  save latency p50 {statistics.median(save_times):.0f} ms, "
            f"p99 {percentile(save_times, 99):.0f} ms"
        )
    print("worker memory (RSS, MB): after warm-up, every 10 s of the run, after it")
    for pid, before in memory_before.items():
        series = [before] + [sizes.get(pid, float("nan")) for _, sizes in samples]
        series.append(memory_after.get(pid, float("nan")))
        print(f"  pid {pid}: " + " -> ".join(f"{mb:.1f}" for mb in series))
    print(f"ERROR lines in the server log: {len(errors_logged)}")
    five_xx = reader_5xx + sum(1 for s in saves if s[2] >= 500)
    print(f"5xx: {five_xx}; lost saves: {len(lost)}")
    raise SystemExit(1 if five_xx or lost or other else 0)


if __name__ == "__main__":
    main()
