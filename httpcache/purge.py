"""
Purging the shared HTTP cache by surrogate key, after the write that made a page stale commits.

One interface, three transports (settings.HTTP_CACHE["BACKEND"]):

- ``varnish``: an HTTP ``PURGE`` request with an ``xkey-softpurge: key key …`` header to every
  Varnish in ``PURGE_URLS`` (deploy/varnish/newsroom.vcl answers it with ``xkey.softpurge()``:
  the pages go stale, the next reader gets the kept copy for at most a second while Varnish
  fetches the new one); ``SOFT_PURGE: False`` sends ``xkey-purge`` (dropped at once) instead.
  Responses name their keys in an ``xkey`` header.
- ``fastly``: the purge-by-key API (``POST /service/<id>/purge`` with ``Surrogate-Key``, and
  ``Fastly-Soft-Purge: 1`` unless ``SOFT_PURGE`` is off); responses carry ``Surrogate-Key``.
- ``cloudflare``: the purge-by-tag API (``POST /zones/<id>/purge_cache`` with ``{"tags": …}``);
  responses carry ``Cache-Tag``.
- ``none`` (the default): no shared cache in front; nothing to purge.

``schedule(keys)`` collects the keys of every row a transaction writes and delivers them once
it commits (never before: a page re-fetched between the purge and the commit would be cached
stale). A delivery that fails (cache down, timeout) never fails the write that asked for it:
the keys go to the outbox (PendingPurge) and are delivered again by the next successful
delivery, by every ``run_schedule`` and by ``manage.py purge_pending``.
"""

import json
import logging
import threading
import urllib.error
import urllib.request

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

logger = logging.getLogger(__name__)

# Every response that names keys also names this one: purging it empties the shared cache
# (after a bulk load that bypassed the signals, or a deploy that changes every page).
EVERYTHING = "site"
TIMEOUT_SECONDS = 2.0
# Long key lists are split: Varnish and the CDNs cap one header's length.
KEYS_PER_REQUEST = 200

HEADERS = {"varnish": "xkey", "fastly": "Surrogate-Key", "cloudflare": "Cache-Tag"}
SEPARATORS = {"cloudflare": ","}


class PurgeError(Exception):
    """The shared cache did not confirm a purge."""


def options():
    defaults = {
        "BACKEND": "none",
        "PURGE_URLS": [],
        "MAX_AGE": 0,
        "S_MAXAGE": 86400,
        "SOFT_PURGE": True,
    }
    return {**defaults, **getattr(settings, "HTTP_CACHE", {})}


def enabled():
    """True when a shared cache is configured: only then are keys worked out and purged."""
    return options()["BACKEND"] in TRANSPORTS


def key_header():
    """(header name, separator) that responses name their keys in, or None without a cache."""
    backend = options()["BACKEND"]
    if backend not in HEADERS:
        return None
    return HEADERS[backend], SEPARATORS.get(backend, " ")


# ---------------------------------------------------------------------------- transports


def _send(request):
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PurgeError(f"{request.get_method()} {request.full_url}: {error}") from error


def _varnish(keys, opts):
    header = "xkey-softpurge" if opts["SOFT_PURGE"] else "xkey-purge"
    for url in opts["PURGE_URLS"]:
        _send(urllib.request.Request(url, method="PURGE", headers={header: " ".join(keys)}))


def _fastly(keys, opts):
    api = opts.get("FASTLY_API", "https://api.fastly.com").rstrip("/")
    _send(
        urllib.request.Request(
            f"{api}/service/{opts['FASTLY_SERVICE_ID']}/purge",
            method="POST",
            headers={
                "Fastly-Key": opts["FASTLY_API_TOKEN"],
                "Surrogate-Key": " ".join(keys),
                **({"Fastly-Soft-Purge": "1"} if opts["SOFT_PURGE"] else {}),
            },
        )
    )


def _cloudflare(keys, opts):
    api = opts.get("CLOUDFLARE_API", "https://api.cloudflare.com/client/v4").rstrip("/")
    _send(
        urllib.request.Request(
            f"{api}/zones/{opts['CLOUDFLARE_ZONE_ID']}/purge_cache",
            method="POST",
            data=json.dumps({"tags": keys}).encode(),
            headers={
                "Authorization": f"Bearer {opts['CLOUDFLARE_API_TOKEN']}",
                "Content-Type": "application/json",
            },
        )
    )


TRANSPORTS = {"varnish": _varnish, "fastly": _fastly, "cloudflare": _cloudflare}


def send(keys):
    """Purge `keys` now; raises PurgeError if the cache did not take it. No-op without one."""
    opts = options()
    transport = TRANSPORTS.get(opts["BACKEND"])
    keys = sorted(set(keys))
    if transport is None or not keys:
        return
    for start in range(0, len(keys), KEYS_PER_REQUEST):
        transport(keys[start : start + KEYS_PER_REQUEST], opts)


# ---------------------------------------------------------------------------- after commit

_local = threading.local()


def _pending(using):
    sets = getattr(_local, "pending", None)
    if sets is None:
        sets = _local.pending = {}
    return sets.setdefault(using, set())


def schedule(keys, using=DEFAULT_DB_ALIAS):
    """
    Purge `keys` once the current transaction on `using` commits (at once outside one). Keys
    of a whole transaction go out together, in one delivery.
    """
    if not enabled() or not keys:
        return
    _pending(using).update(keys)
    transaction.on_commit(lambda: _flush(using), using=using)


def _flush(using):
    keys = _pending(using)
    if not keys:  # an earlier callback of the same transaction delivered them
        return
    batch = set(keys)
    keys.clear()
    deliver(batch, using=using)


def deliver(keys, *, using=DEFAULT_DB_ALIAS):
    """Send `keys`; on failure keep them in the outbox. Never raises: the write has committed."""
    try:
        send(keys)
    except PurgeError as error:
        logger.warning("http cache: purge failed, kept for retry: %s", error)
        _keep(keys, str(error), using)
        return False
    deliver_pending(using=using)
    return True


def _keep(keys, error, using):
    from httpcache.models import PendingPurge

    try:
        PendingPurge.objects.using(using).create(
            keys=" ".join(sorted(keys)), last_error=error[:300]
        )
    except DatabaseError:
        logger.exception("http cache: could not keep a failed purge: %s", " ".join(sorted(keys)))


def deliver_pending(*, using=DEFAULT_DB_ALIAS):
    """
    Deliver what the outbox holds, oldest first; stop at the first failure (the cache is still
    down). Returns (delivered, still pending).
    """
    from httpcache.models import PendingPurge

    if not enabled():
        return 0, 0
    delivered = 0
    try:
        rows = list(PendingPurge.objects.using(using)[:100])
    except DatabaseError:
        logger.exception("http cache: could not read the purge outbox")
        return 0, 0
    for row in rows:
        try:
            send(row.keys.split())
        except PurgeError as error:
            row.attempts += 1
            row.last_error = str(error)[:300]
            row.save(update_fields=["attempts", "last_error"])
            break
        # Several servers may drain the outbox at once: a purge sent twice does no harm.
        PendingPurge.objects.using(using).filter(pk=row.pk).delete()
        delivered += 1
    return delivered, PendingPurge.objects.using(using).count()


def purge_everything(using=DEFAULT_DB_ALIAS):
    """Empty the shared cache once the current transaction commits (bulk loads, deploys)."""
    schedule({EVERYTHING}, using=using)
