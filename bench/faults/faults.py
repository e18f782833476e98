"""
Faults, for real: PostgreSQL restarted and Redis stopped under readers and editors, the
scheduler killed with SIGKILL and cut off by a restart, sign-in throttling across two app
servers. Run it deliberately, outside CI: it restarts the machine's PostgreSQL, which other
test runs share (briefly: a few seconds, twice).

    .venv/bin/python bench/faults/faults.py

Everything runs against a scratch database (faults_<pid>, dropped at the end), gunicorn with
production settings on 127.0.0.1:8091 (and :8093 for the second app server) and a private
redis-server on 127.0.0.1:6391 (the shared one on 6379 is never touched). Loopback only;
every loop stops at its deadline. Exit status 1 if any expectation failed.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harness

PORT, SECOND_PORT, REDIS_PORT = 8091, 8093, 6391
PATHS = [
    "/",
    "/articles/chernobyl-reactor-4/",
    "/stories/chernobyl/",
    "/stories/chernobyl/timeline/",
    "/on-this-day/04-26/",
    "/search/?q=reactor",
    "/feed/",
]
failures = []


def expect(condition, what):
    print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        failures.append(what)


def restart_postgres():
    """Restart the cluster; returns when it accepts connections again."""
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", harness.PG_VERSION, "main", "restart"],
        check=True,
        capture_output=True,
    )
    harness.wait(
        lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0,
        60,
        "PostgreSQL",
    )
    return time.monotonic() - started


@dataclass
class Traffic:
    """Readers and editors until the deadline; every answer kept with when it was asked."""

    port: int
    article_id: int
    readers: int = 16
    editors: int = 4
    reads: list = field(default_factory=list)  # (started, status, retry_after)
    saves: list = field(default_factory=list)  # (started, status, headline)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, seconds, during=None):
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self.reader, args=(n, deadline)) for n in range(self.readers)
        ]
        threads += [
            threading.Thread(target=self.editor, args=(n, deadline)) for n in range(self.editors)
        ]
        for thread in threads:
            thread.start()
        result = during() if during else None
        for thread in threads:
            thread.join(timeout=seconds + 60)
        return result

    def reader(self, n, deadline):
        i = n
        while time.monotonic() < deadline:
            started = time.monotonic()
            status, headers, _ = harness.get(self.port, PATHS[i % len(PATHS)])
            with self.lock:
                self.reads.append((started, status, headers.get("Retry-After")))
            i += 1
            if status != 200:
                time.sleep(0.2)  # as a browser would: not a tight loop on an error

    def editor(self, n, deadline):
        editor = harness.Editor(self.port)
        assert editor.sign_in() == 302
        form = editor.new_update_form(self.article_id)
        i = 0
        while time.monotonic() < deadline:
            headline = f"fault-{self.port}-{n}-{i}"
            data = {**form, "headline": headline, "body": "Saved while things broke."}
            started = time.monotonic()
            status, _, _ = editor.post("/admin/timeline/update/add/", data)
            with self.lock:
                self.saves.append((started, status, headline))
            i += 1
            if status != 302:
                time.sleep(0.5)


def stored_headlines(database, prefix):
    rows = harness.psql(
        f"SELECT headline FROM timeline_update WHERE headline LIKE '{prefix}%'", database
    )
    return set(rows.split())


def by_status(rows):
    counts = {}
    for row in rows:
        counts[row[1]] = counts.get(row[1], 0) + 1
    return dict(sorted(counts.items()))


def postgres_restart_under_load(database, article_id, server):
    print("\n## PostgreSQL restarted while 16 readers load pages and 4 editors save")
    traffic = Traffic(PORT, article_id)
    workers = sorted(server.worker_pids())
    window = {}

    def restart_midway():
        time.sleep(5)
        window["down"] = time.monotonic()
        window["took"] = restart_postgres()
        window["up"] = time.monotonic()

    traffic.run(20, during=restart_midway)
    print(f"  restart took {window['took']:.1f} s")
    reads, saves = traffic.reads, traffic.saves
    after = [r for r in reads if r[0] > window["up"] + 1]
    failed = [r for r in reads if r[1] != 200]
    print(f"  reads: {len(reads)} {by_status(reads)}; saves: {len(saves)} {by_status(saves)}")
    expect(not any(r[1] == 500 for r in reads + saves), "no 500 at all")
    expect(all(r[1] in (200, 503) for r in reads), "readers got the page or a 503")
    expect(all(r[2] == "5" for r in failed if r[1] == 503), "every 503 says Retry-After: 5")
    expect(
        all(window["down"] - 1 <= r[0] <= window["up"] + 1 for r in failed),
        "failures only while PostgreSQL restarted",
    )
    expect(after and all(r[1] == 200 for r in after), f"{len(after)} reads after it: all 200")
    expect(sorted(server.worker_pids()) == workers, "recovered with the same workers (no restart)")
    committed = {s[2] for s in saves if s[1] == 302}
    reported = {s[2] for s in saves if s[1] == 503}
    stored = stored_headlines(database, f"fault-{PORT}-")
    expect(all(s[1] in (302, 503) for s in saves), "every save committed (302) or reported (503)")
    expect(
        committed <= stored,
        f"{len(committed)} confirmed saves all in the database (lost: {len(committed - stored)})",
    )
    print(
        f"  reported saves: {len(reported)}, of which in the database after all: "
        f"{len(reported & stored)} (the 503 page says to check)"
    )
    return {"reads": len(reads), "saves": len(saves), "lost": len(committed - stored)}


def redis_stopped(redis):
    print("\n## Redis stopped while readers load pages")
    traffic = Traffic(PORT, 0, editors=0)
    probes = {}

    def stop_midway():
        time.sleep(3)
        redis.stop()
        time.sleep(1)
        status, _, body = harness.get(PORT, "/readyz")
        probes["down"] = (status, json.loads(body))
        time.sleep(4)
        redis.start()
        time.sleep(1)
        probes["up"] = harness.get(PORT, "/readyz")[0]

    traffic.run(12, during=stop_midway)
    print(f"  reads: {len(traffic.reads)} {by_status(traffic.reads)}")
    expect(all(r[1] == 200 for r in traffic.reads), "every page served while Redis was down")
    status, body = probes["down"]
    expect(status == 503 and "cache" in body["failed"], f"/readyz said {status} {body['failed']}")
    expect(probes["up"] == 200, "/readyz back to 200 once Redis is back")
    return {"reads": len(traffic.reads)}


def scheduler_killed(env, database):
    print("\n## run_schedule killed with SIGKILL midway, then cut off by a PostgreSQL restart")
    build = "from tests.faults import scenario; scenario.build(recurring=60, scheduled=10)"
    harness.manage(env, "shell", "-c", build)
    run = [harness.PYTHON, "manage.py", "run_schedule", "--now", "2026-04-26T07:01:00+00:00"]

    def count(sql):
        return int(harness.psql(sql, database) or 0)

    anniversaries = "SELECT count(*) FROM timeline_edition WHERE kind = 'anniversary'"
    live = "SELECT count(*) FROM timeline_edition WHERE kind = 'anniversary' AND status = 'live'"
    others = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    before = count(anniversaries)

    first = subprocess.Popen(
        run, cwd=harness.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    harness.wait(lambda: count(anniversaries) >= before + 5, 60, "first run's editions")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    expect(
        first.returncode == -signal.SIGKILL,
        f"first run killed at {count(anniversaries) - before} editions",
    )
    harness.wait(lambda: count(others) == 0, 30, "the killed run's session to end")

    second = subprocess.Popen(
        run, cwd=harness.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    live_before = count(live)
    harness.wait(lambda: count(live) >= live_before + 5, 120, "second run's editions going live")
    took = restart_postgres()
    out, _ = second.communicate(timeout=120)
    said = [line for line in out.decode().splitlines() if "failed" in line.lower()]
    expect(
        second.returncode != 0,
        f"second run cut off by the restart ({took:.1f} s), exit {second.returncode}: "
        f"{(said or ['?'])[-1][:160]}",
    )

    third = subprocess.run(run, cwd=harness.ROOT, env=env, capture_output=True, text=True)
    summary = third.stdout.strip().splitlines()[-1]
    expect(third.returncode == 0, f"third run completes: {summary}")
    check = (
        "import json; from tests.faults import scenario as s; "
        "print(json.dumps({'duplicates': s.duplicates(), 'unfinished': s.unfinished()}))"
    )
    state = json.loads(harness.manage(env, "shell", "-c", check).stdout.strip().splitlines()[-1])
    expect(state["duplicates"] == [], f"no duplicates: {state['duplicates']}")
    expect(not any(state["unfinished"].values()), f"nothing left undone: {state['unfinished']}")
    again = subprocess.run(run, cwd=harness.ROOT, env=env, capture_output=True, text=True)
    expect("0 published, 0 prepared, 0 live" in again.stdout, "a fourth run finds nothing to do")


def throttling_across_servers(env):
    print("\n## Sign-in throttling shared by two app servers")
    with harness.Gunicorn(SECOND_PORT, env, workers=1, threads=2):
        answers = []
        for attempt in range(5):
            editor = harness.Editor(PORT if attempt % 2 == 0 else SECOND_PORT)
            answers.append(editor.sign_in(password="wrong-password"))
        print(f"  five wrong passwords, alternating servers: {answers}")
        expect(answers == [200, 200, 200, 200, 429], "the fifth failure locks, whichever server")
        right = [harness.Editor(port).sign_in() for port in (PORT, SECOND_PORT)]
        expect(right == [429, 429], f"then the right password is refused on both: {right}")
    harness.manage(env, "axes_reset")
    expect(harness.Editor(PORT).sign_in() == 302, "after axes_reset the editor signs in")


def main():
    with (
        harness.scratch_database("faults") as (database, url),
        harness.RedisServer(REDIS_PORT) as redis,
    ):
        env = harness.production_env(url, f"redis://127.0.0.1:{REDIS_PORT}/0")
        article_id = int(
            harness.psql("SELECT id FROM timeline_article ORDER BY id LIMIT 1", database)
        )
        with harness.Gunicorn(PORT, env, workers=2, threads=4) as server:
            postgres_restart_under_load(database, article_id, server)
            redis_stopped(redis)
            throttling_across_servers(env)
            errors = [line for line in server.log_lines() if '"level": "ERROR"' in line]
            print(f"\nERROR lines in the server log: {len(errors)}")
        scheduler_killed(env, database)
    print(f"\n{len(failures)} expectation(s) failed" if failures else "\nall expectations met")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    os.chdir(harness.ROOT)
    main()
