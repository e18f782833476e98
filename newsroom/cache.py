"""
A Redis cache that fails soft: when Redis is down or slow, a read is a miss and a write is
dropped, logged, and the page is served from the database as if nothing were cached.

The cache only ever holds copies; losing it costs speed, never content, so no reader should
see an error page because Redis restarted. /readyz still reports it (see `check`).

Not django-redis's IGNORE_EXCEPTIONS: it logs every failed call and gives /readyz nothing to ask.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
# While Redis is down every request would log the same error; one line per interval is enough.
REPORT_EVERY = 10.0


class FailSoftRedisCache(RedisCache):
    # Django makes a cache object per thread and alias: the log allowance is the process's.
    _lock = threading.Lock()
    _next_report = 0.0
    _suppressed = 0

    def check(self):
        """Raise if Redis cannot be reached: for /readyz, which must not be fooled by misses."""
        self._cache.get_client(write=True).ping()

    def _failed(self, operation, exc):
        shared = FailSoftRedisCache
        with shared._lock:
            now = time.monotonic()
            if now < shared._next_report:
                shared._suppressed += 1
                return
            suppressed, shared._suppressed = shared._suppressed, 0
            shared._next_report = now + REPORT_EVERY
        logger.warning(
            "cache %s failed, serving without the cache: %s",
            operation,
            exc,
            extra={"cache_error": type(exc).__name__, "suppressed_since_last": suppressed},
        )

    def _soft(self, operation, fallback, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except CACHE_ERRORS as exc:
            self._failed(operation, exc)
            return fallback

    def get(self, key, default=None, version=None):
        return self._soft("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The contract: return the keys that were not stored.
        return self._soft("set_many", list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, super().touch, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # As if the key had just been created: a counter restarts while Redis is away.
        return self._soft("incr", delta, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._soft("clear", False, super().clear)
