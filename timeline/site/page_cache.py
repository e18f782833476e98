"""
The anonymous page cache: whole responses for readers without a session, exactly invalidated.

Invalidation is one number, the content generation. Every committed write to a content model
(the timeline and comments apps: articles, updates, quotes, timeline entries, editions, tags,
comments...) bumps it, through the post_save / post_delete / m2m_changed receivers connected
in TimelineConfig.ready(). Those receivers are cache invalidation, not domain logic: they do
nothing but call content_changed(). A cached page is served only if it was rendered under the
current generation, so once a write has committed, no page rendered before it is served again,
whichever page shows the change (the article, its story, a tag archive, the home page, a feed)
and whichever process made it (the admin, `run_schedule` from cron, a shell). The bump runs
when the transaction commits, so a page rendered from not-yet-committed data can never be
stored under the new generation.

Where the generation lives depends on where the pages live (settings.CACHES["pages"]):
- a shared cache (Redis, REDIS_URL): a key in that cache, read in the same round trip as the
  page (one MGET per request), so every server sees every bump;
- a local-memory cache (the default): pages are kept per process, and the generation is the
  modification time of a small file (PAGE_CACHE["GENERATION_FILE"]) that every process of the
  host stats (a system call, no network) and any writer touches. Exact for all processes of one
  host; several hosts need REDIS_URL.
Entries also expire after PAGE_CACHE["TIMEOUT"] seconds: the bound on staleness if a bump is
ever lost (a process killed between commit and bump, Redis unreachable at that moment).
Code that writes content without signals (QuerySet.update, bulk_create, raw SQL) must call
content_changed() itself, as load_scale does.

What is cached: GET and HEAD requests without a session or messages cookie (so never a signed
-in editor), answered 200 by a view, without cookies set, without Cache-Control private/no-store
/no-cache (staff previews, the admin), not under the admin, and not bigger than MAX_BYTES.
Such responses get `Cache-Control: public, max-age=60, s-maxage=300` (settings.PAGE_CACHE),
`Vary: Cookie`, an ETag and Last-Modified, and conditional requests get 304.

Forms: a page that used a CSRF token is per visitor and never cached. The article's comment
form needs none (newsroom.csrf checks where a post comes from instead), so the article page is
one public page like the others, which a CDN may keep.

The CSP nonce of a cached page is the one it was rendered with; the Content-Security-Policy
header of every copy served (and of a 304) carries that same nonce, so a revalidated page keeps
working. A new render, at the latest after TIMEOUT seconds, gets a new nonce.

Cache errors (Redis down) never take a page down: the page is rendered as if nothing were
cached, and the error logged.
"""

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

logger = logging.getLogger(__name__)

CONTENT_APPS = ("timeline", "comments")
GENERATION_KEY = "page-cache:generation"
MAX_BYTES = 2 * 1024 * 1024
SKIP_IF_CACHE_CONTROL = ("private", "no-store", "no-cache")
# Cookies that mean a session (a signed-in editor) or a one-off notice: never served a copy.
SESSION_COOKIES = ("sessionid", "messages")


def options():
    defaults = {
        "ENABLED": True,
        "ALIAS": "pages",
        "TIMEOUT": 300,
        "MAX_AGE": 60,
        "S_MAXAGE": 300,
        "GENERATION_FILE": Path(settings.BASE_DIR) / "var" / "page-cache-generation",
    }
    return {**defaults, **getattr(settings, "PAGE_CACHE", {})}


def page_cache():
    alias = options()["ALIAS"]
    return caches[alias if alias in settings.CACHES else "default"]


# ---------------------------------------------------------------------- the generation


class FileGeneration:
    """The generation as a file's mtime: every process of one host sees a bump at once."""

    def __init__(self, path):
        self.path = Path(path)

    def current(self):
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self.bump()
            return os.stat(self.path).st_mtime_ns

    def bump(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        previous = os.stat(self.path).st_mtime_ns
        # Strictly later than the last bump, even on a coarse clock or two bumps a tick apart.
        stamp = max(time.time_ns(), previous + 1)
        os.utime(self.path, ns=(stamp, stamp))


class CacheGeneration:
    """The generation as a key of the shared cache (Redis): every server sees a bump."""

    def __init__(self, cache):
        self.cache = cache

    def current(self):
        value = self.cache.get(GENERATION_KEY)
        return value if value is not None else self.start()

    def start(self):
        # Never a number used before (after an eviction or a Redis restart): the clock.
        self.cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        return self.cache.get(GENERATION_KEY)

    def bump(self):
        try:
            self.cache.incr(GENERATION_KEY)
        except ValueError:  # not there (evicted, restarted): any new value will do
            self.start()


def generation_store():
    cache = page_cache()
    if isinstance(cache, LocMemCache):
        return FileGeneration(options()["GENERATION_FILE"])
    return CacheGeneration(cache)


def content_changed(using=DEFAULT_DB_ALIAS):
    """
    Invalidate every cached page once the current transaction commits (now, outside one).

    Registered at most once per transaction, however many rows it writes.
    """
    connection = connections[using]
    if connection.in_atomic_block and any(func is _bump for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_bump, using=using)


def _bump():
    try:
        generation_store().bump()
    except Exception:  # the write has committed; a lost bump is bounded by TIMEOUT
        logger.exception("page cache: could not bump the content generation")


def _is_content_model(model):
    meta = model._meta
    return meta.app_label in CONTENT_APPS and not meta.model_name.startswith("historical")


def _saved_or_deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if _is_content_model(sender):
        content_changed(using)


def _relations_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and _is_content_model(sender):
        content_changed(using)


def connect_signals():
    """Called from TimelineConfig.ready(): cache invalidation, not domain logic."""
    post_save.connect(_saved_or_deleted, dispatch_uid="page_cache_post_save")
    post_delete.connect(_saved_or_deleted, dispatch_uid="page_cache_post_delete")
    m2m_changed.connect(_relations_changed, dispatch_uid="page_cache_m2m_changed")


# ---------------------------------------------------------------------- the release


@memoize
def release():
    """
    A digest of what renders pages (templates, code, the static files manifest): a deploy
    that changes any of them starts from an empty page cache, even with a shared Redis.
    """
    digest = hashlib.blake2b(digest_size=8)
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(apps.get_app_config(label).path) for label in CONTENT_APPS if apps.is_installed(label)
    ]
    roots.append(Path(settings.BASE_DIR) / "newsroom")
    files = sorted(
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*")
        if path.is_file() and path.suffix in {".html", ".py", ".txt", ".xml"}
    )
    if settings.STATIC_ROOT:
        files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in files:
        try:
            digest.update(str(path).encode() + path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


# ---------------------------------------------------------------------- the middleware


@dataclass(slots=True)
class Entry:
    """A cached page: the response as the view made it."""

    generation: int
    status: int
    headers: list  # of (name, value)
    body: bytes
    etag: str
    modified: float  # when it was rendered
    nonce: str | None  # the CSP nonce it was rendered with


class PageCacheMiddleware:
    """
    Serves anonymous readers from the page cache and stores what they were served.

    Goes after CsrfViewMiddleware, AuthenticationMiddleware, MessageMiddleware and
    ContentSecurityPolicyMiddleware in MIDDLEWARE, so that on the way out those still set the
    CSRF cookie and the CSP header for pages served from the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.options = options()

    def __call__(self, request):
        if not self.options["ENABLED"] or not self.cacheable_request(request):
            response = self.get_response(request)
            if SESSION_COOKIES[0] in request.COOKIES and "Cache-Control" not in response:
                # A signed-in editor's page: their browser only, always revalidated.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = self.key(request)
        generation, entry = self.lookup(key)
        if entry is not None:
            return self.respond(request, entry)
        response = self.get_response(request)
        entry = self.store(request, response, key, generation)
        return self.finish(request, response, entry) if entry is not None else response

    # -- which requests and responses

    def cacheable_request(self, request):
        if request.method not in ("GET", "HEAD"):
            return False
        if any(name in request.COOKIES for name in SESSION_COOKIES):
            return False
        return not request.path.startswith(admin_prefix())

    def cacheable_response(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # it holds this visitor's CSRF token (CsrfViewMiddleware sets the cookie)
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        control = response.get("Cache-Control", "")
        if any(word in control for word in SKIP_IF_CACHE_CONTROL):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        if vary - {"cookie", "accept-encoding"}:
            return False
        return len(response.content) <= MAX_BYTES

    # -- the cache

    def key(self, request):
        path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
        return f"page:{release()}:{request.get_host()}:{path}"

    def lookup(self, key):
        """(generation, entry or None); any cache failure is a miss."""
        cache = page_cache()
        try:
            if isinstance(cache, LocMemCache):
                generation = FileGeneration(self.options["GENERATION_FILE"]).current()
                entry = cache.get(key)
            else:
                found = cache.get_many([GENERATION_KEY, key])
                generation = found.get(GENERATION_KEY)
                if generation is None:
                    generation = CacheGeneration(cache).start()
                entry = found.get(key)
        except Exception:
            logger.exception("page cache: lookup failed, rendering the page")
            return None, None
        if entry is not None and entry.generation != generation:
            entry = None
        return generation, entry

    def store(self, request, response, key, generation):
        """The Entry for this fresh response (None: not cacheable), kept if the cache works."""
        if not self.cacheable_response(request, response):
            return None
        body = response.content
        nonce = getattr(request, "_csp_nonce", None)
        entry = Entry(
            generation=generation,
            status=response.status_code,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("content-length", "etag", "last-modified")
            ],
            body=body,
            etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
            modified=time.time(),
            nonce=str(nonce) if nonce else None,
        )
        if generation is not None:
            try:
                page_cache().set(key, entry, self.options["TIMEOUT"])
            except Exception:
                logger.exception("page cache: could not store %s", request.path)
        return entry

    # -- the response

    def respond(self, request, entry):
        """A response rebuilt from the cache."""
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        if entry.nonce:
            # The CSP header must name the nonce the cached page was rendered with.
            request._csp_nonce = entry.nonce
        return self.finish(request, response, entry)

    def finish(self, request, response, entry):
        """Validators and cache headers; a 304 when the reader's copy is current."""
        etag = entry.etag
        if "Cache-Control" not in response:
            patch_cache_control(
                response,
                public=True,
                max_age=self.options["MAX_AGE"],
                s_maxage=self.options["S_MAXAGE"],
            )
        response["ETag"] = f'W/"{etag}"'
        response["Last-Modified"] = http_date(entry.modified)
        if not has_vary_header(response, "Cookie"):
            patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(entry.modified), response=response
        )


@memoize
def admin_prefix():
    try:
        return reverse("admin:index")
    except Exception:
        return "/admin/"
