"""
The benchmark's WSGI application (`gunicorn bench.wsgi`, with DJANGO_SETTINGS_MODULE
bench.settings): the project's application, and in the same process two more Django handlers
built from the same settings with other middleware lists, so that every figure of a run comes
from one server:

- /bench/bare/ goes to a bare Django handler: no middleware at all, URLconf bench/bare_urls.py,
  the same trivial view as /bench/ceiling/. The cost of Django itself, the floor under both.
- A request with the header `X-Bench-Stack: stock` goes to the project's stack with Django's
  per-site cache in place of the shared-cache headers: UpdateCacheMiddleware where
  httpcache.middleware.SharedCacheMiddleware sits (outside sessions, CSRF and auth, so it sees
  every Vary and cookie they add) and FetchFromCacheMiddleware last, as Django's docs place
  them, on a local-memory cache (bench/settings.py). What a site without Varnish would run.

Everything else is newsroom.wsgi's application, unchanged.
"""

import os

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.test.utils import override_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# Runs django.setup() with the settings above.
from newsroom.wsgi import application as project

SHARED = "httpcache.middleware.SharedCacheMiddleware"
STOCK_HEADER = "HTTP_X_BENCH_STACK"


class BareRequest(WSGIRequest):
    urlconf = "bench.bare_urls"  # a per-request URLconf, as a middleware would set it


class BareHandler(WSGIHandler):
    request_class = BareRequest


def stock_middleware():
    stack = list(settings.MIDDLEWARE)
    stack[stack.index(SHARED)] = "django.middleware.cache.UpdateCacheMiddleware"
    return [*stack, "django.middleware.cache.FetchFromCacheMiddleware"]


# A handler reads MIDDLEWARE once, when it is built.
with override_settings(MIDDLEWARE=[]):
    bare = BareHandler()
with override_settings(MIDDLEWARE=stock_middleware()):
    stock = WSGIHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/bare/":
        return bare(environ, start_response)
    if environ.get(STOCK_HEADER) == "stock":
        return stock(environ, start_response)
    return project(environ, start_response)
