"""
What each middleware of settings.MIDDLEWARE costs per request: the trivial view of
bench/ceiling.py served in-process through the first 0, 1, 2 ... n middleware, each stack
timed in CPU time of this process over many requests (the fastest of several repetitions, so
other work on the machine disturbs it little); a middleware's cost is what adding it adds.

    .venv/bin/python bench/middleware_cost.py [--requests 3000] [--repeat 5]

No database, no network: an anonymous GET as a reader's browser sends it.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_REQUESTS", "0")
os.environ["BENCH_CEILING"] = "1"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402


def environ():
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/bench/ceiling/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "text/html",
        "HTTP_ACCEPT_ENCODING": "gzip, br",
        "HTTP_USER_AGENT": "Mozilla/5.0 (bench)",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
    }


def per_request_us(handler, requests, repeat):
    def start_response(status, headers):
        assert status.startswith("200"), status

    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in range(requests):
            for _chunk in handler(environ(), start_response):
                pass
        best = min(best, (time.process_time() - started) / requests)
    return best * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stack = list(settings.MIDDLEWARE)
    handlers = []
    for count in range(len(stack) + 1):
        with override_settings(MIDDLEWARE=stack[:count]):
            handlers.append(WSGIHandler())
    best = [float("inf")] * len(handlers)
    for _ in range(args.repeat):  # interleaved: every stack in each repetition
        for index, handler in enumerate(handlers):
            best[index] = min(best[index], per_request_us(handler, args.requests, 1))
    print("| middleware (cumulative stack) | CPU µs per request | added µs |")
    print("|---|--:|--:|")
    for count, took in enumerate(best):
        name = stack[count - 1].rsplit(".", 1)[-1] if count else "(none: bare Django)"
        added = f"{took - best[count - 1]:+.1f}" if count else ""
        print(f"| {name} | {took:.1f} | {added} |")


if __name__ == "__main__":
    main()
