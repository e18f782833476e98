"""
What bench/run.py drives: gunicorn (bench.wsgi, production settings), wrk, and the machine's
load average around every measurement. Loopback only; every wait bounded.
"""

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BUSY_LOAD = 1.5  # a 1-minute load average above this: other work shares the CPUs


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    load_before: float = 0.0
    load_after: float = 0.0


def load_average():
    return os.getloadavg()[0]


def wait_for_quiet(limit):
    """
    Wait (up to `limit` seconds) for the 1-minute load average to fall to BUSY_LOAD or below.
    True when it did; False, said loudly, when the run must go on with a busy machine.
    """
    deadline = time.monotonic() + limit
    load = load_average()
    if load > BUSY_LOAD:
        print(f"  load average {load:.2f} > {BUSY_LOAD}: waiting up to {limit} s for it to fall")
    while load > BUSY_LOAD and time.monotonic() < deadline:
        time.sleep(10)
        load = load_average()
    if load <= BUSY_LOAD:
        return True
    print(
        f"\n!!! UNRELIABLE: the 1-minute load average is still {load:.2f} (> {BUSY_LOAD}) "
        f"after {limit} s: other work is using the CPUs, and every figure below is lower and "
        "noisier than on a quiet machine. Ratios within a round are the fairer reading. !!!\n",
        flush=True,
    )
    return False


def ensure_wrk():
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("wrk is not installed and could not be installed.")


def run_wrk(wrk, url, *, duration, connections, threads, headers=()):
    """One bounded wrk run, with the load average just before and just after it."""
    command = [wrk, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s"]
    for header in headers:
        command += ["-H", header]
    command += ["--timeout", "10s", "--latency", url]
    before = load_average()
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Result(
        rps, _latency(output, "50%"), _latency(output, "99%"), errors, before, load_average()
    )


def _latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def get(base, path, headers=None):
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Server:
    """gunicorn bench.wsgi --worker-class sync on 127.0.0.1:`port`, stopped by `with`."""

    def __init__(self, env, *, port, workers):
        self.env, self.port, self.workers = env, port, workers
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in __exit__)

    def __enter__(self):
        command = [PYTHON, "-m", "gunicorn", "bench.wsgi", "--worker-class", "sync"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
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
        self.process.kill()
        sys.exit(f"{message}:\n{self.log.read()[-4000:]}")

    def url(self, path):
        return self.base + path

    def get(self, path, headers=None):
        return get(self.base, path, headers)

    def drain(self, limit=180):
        """Wait until what wrk left queued is served (a slow page leaves a backlog behind)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                self.get("/bench/bare/")
            except OSError:  # timed out behind the backlog: try again
                continue
            if time.monotonic() - started < 0.05:
                return
        print(f"  (the server was still busy {limit} s after the run)")

    def warm_up(self, paths, headers=None):
        """Templates compiled, connections open, in every worker: a few requests each."""
        for path in paths:
            for _ in range(2 * self.workers + 2):
                self.get(path, headers)

    def worker_rss_mb(self):
        """Resident memory of each worker (the master's children), from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return sizes
