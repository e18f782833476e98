"""
Bench-only settings (bench/run.py): the project's settings, plus the two things a benchmark
needs and production never has.

- CACHES["bench_stock"]: the local-memory cache behind Django's own per-site cache middleware,
  which bench/wsgi.py puts on the "stock" stack to compare the warm path with.
- BENCH_FRAGMENTS=0: the template fragment cache ({% cache %}, e.g. a story's timeline) is a
  DummyCache, so every article request is cold all through (issue 15's "fragments empty").
"""

import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import CACHES

CACHES = {
    **CACHES,
    "bench_stock": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if os.environ.get("BENCH_FRAGMENTS") == "0":
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
CACHE_MIDDLEWARE_ALIAS = "bench_stock"
CACHE_MIDDLEWARE_SECONDS = 600
CACHE_MIDDLEWARE_KEY_PREFIX = "bench"
