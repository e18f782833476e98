"""
Shared by bench/load.py and bench/faults/faults.py: a scratch PostgreSQL database holding
the demo, gunicorn on 127.0.0.1 with production settings, a private redis-server, and HTTP
clients for readers and for editors who sign in and save through the admin.

Loopback only. Everything started here is stopped by the `with` block that started it.
"""

import contextlib
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.admin_forms import form_data, read_form  # noqa: E402

PYTHON = sys.executable
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PG_VERSION = sorted(os.listdir("/etc/postgresql"))[-1] if os.path.isdir("/etc/postgresql") else ""
DEMO_PASSWORD = "load-and-faults-" + secrets.token_hex(4)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def psql(sql, database="postgres"):
    done = subprocess.run(
        ["psql", *PG, "-d", database, "-Atqc", sql], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def production_env(database_url, redis_url="", **extra):
    """What a production server gets, less HTTPS (loopback has no TLS terminator)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_REQUESTS="0",
        **extra,
    )
    return env


def manage(env, *args, check=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


@contextlib.contextmanager
def scratch_database(prefix):
    """A new PostgreSQL database, migrated, with the demo story and its editor; then dropped."""
    name = f"{prefix}_{os.getpid()}"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    psql(f"CREATE DATABASE {name}")
    try:
        env = production_env(url)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo", "--password", DEMO_PASSWORD)
        manage(env, "collectstatic", "--no-input", "-v0")
        yield name, url
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class RedisServer:
    """A private redis-server (never the shared one on 6379), to stop and start at will."""

    def __init__(self, port):
        self.port, self.process = port, None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait(lambda: port_open(self.port), 10, "redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def port_open(port):
    import socket

    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout} s")
        time.sleep(0.1)


@dataclass
class Gunicorn:
    port: int
    env: dict
    workers: int = 2
    threads: int = 4
    process: subprocess.Popen = None
    log_path: Path = None

    def __enter__(self):
        self.log_path = Path(f"/tmp/newsroom-gunicorn-{self.port}.log")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                f"--threads={self.threads}",
                "--worker-class=gthread",
                "--timeout=30",
                "--graceful-timeout=5",
                "--max-requests=0",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait(lambda: get(self.port, "/healthz")[0] == 200, 30, "gunicorn")
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_mb(self):
        sizes = {}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes[pid] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
        return sizes

    def log_lines(self):
        return self.log_path.read_text(errors="replace").splitlines()


def get(port, path, headers=None, timeout=10):
    """(status, headers, body) or (0, {}, error text) when the connection itself failed."""
    return request(port, "GET", path, headers=headers, timeout=timeout)


def request(port, method, path, body=None, headers=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError as exc:
        return 0, {}, str(exc).encode()
    finally:
        connection.close()


@dataclass
class Editor:
    """An editor in a browser: cookies, a signed-in session, the admin's forms."""

    port: int
    cookies: dict = field(default_factory=dict)

    def _headers(self, extra=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, **(extra or {})}

    def _keep(self, headers):
        for name, value in headers.items():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value

    def get(self, path):
        status, headers, body = get(self.port, path, self._headers())
        self._keep(headers)
        return status, body.decode(errors="replace")

    def post(self, path, data, timeout=30):
        body = urlencode(data, doseq=True)
        status, headers, text = request(
            self.port,
            "POST",
            path,
            body=body,
            headers=self._headers({"Content-Type": "application/x-www-form-urlencoded"}),
            timeout=timeout,
        )
        self._keep(headers)
        return status, headers, text.decode(errors="replace")

    def sign_in(self, username="editor", password=DEMO_PASSWORD):
        status, page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _, _ = self.post(
            "/admin/login/",
            {
                "username": username,
                "password": password,
                "next": "/admin/",
                "csrfmiddlewaretoken": token,
            },
        )
        return status

    def new_update_form(self, article_id):
        """The admin's add-update form as the browser shows it, for this article."""
        status, page = self.get("/admin/timeline/update/add/")
        assert status == 200, status
        return form_data(read_form(page), article=str(article_id))
