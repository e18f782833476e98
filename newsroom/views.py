"""
Site-wide responses that are not pages of the newsroom: health probes, the 500 and 503 error
handlers and the sign-in lockout page.

Error pages are rendered without the request's context processors: they must still render
when what failed is the database or a context processor itself.

Not django-health-check: its views answer only past ALLOWED_HOSTS and the HTTPS redirect.
"""

import logging
import math
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

from timeline.models import SiteSettings

logger = logging.getLogger(__name__)


def _database_errors():
    """
    The database went away (restart, failover, network): worth retrying, not a bug in the
    code. Django wraps the driver's errors, except in a few places (closing a server-side
    cursor), so the driver's own classes count too.
    """
    errors = {OperationalError, InterfaceError}
    for alias in connections:
        driver = connections[alias].Database
        errors.update({driver.OperationalError, driver.InterfaceError})
    return tuple(errors)


DATABASE_ERRORS = _database_errors()
RETRY_AFTER_SECONDS = 5


def _error_page(template_name, status, context=None):
    # The site settings as cached, never read from the database that may be what failed.
    context = {"newsroom": SiteSettings.cached(), **(context or {})}
    return HttpResponse(render_to_string(template_name, context), status=status)


def service_unavailable(request=None):
    response = _error_page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a lost database is a 503 to retry; anything else the generic 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    return _error_page(template_name, 500)


def healthz(request):
    """The process is up and answering; nothing else is checked (no database query)."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache(alias):
    cache = caches[alias]
    if hasattr(cache, "check"):
        # A fail-soft cache answers every call, so only its own check tells if it is there.
        cache.check()
    else:
        cache.set("readyz", "ok", 5)


def _checks():
    yield "database", _check_database
    for alias in settings.CACHES:
        name = "cache" if alias == "default" else f"cache:{alias}"
        yield name, lambda alias=alias: _check_cache(alias)


def readyz(request):
    """Ready for traffic: the database and the caches answer. 503 names the ones that do not."""
    checks = {}
    for name, check in _checks():
        try:
            check()
        except Exception as exc:  # any failure means not ready; the detail goes to the log only
            logger.warning("readyz: %s unavailable: %s", name, exc, extra={"check": name})
            checks[name] = f"unavailable ({type(exc).__name__})"
        else:
            checks[name] = "ok"
    failed = [name for name, result in checks.items() if result != "ok"]
    response = JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )
    patch_cache_control(response, no_store=True)
    # What failed is logged above as a warning; an unready backend is a state, not an error.
    response._has_been_logged = True
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: what happened, for how long, and what to do."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": (credentials or {}).get("username", ""),
        "minutes": minutes,
    }
    response = _error_page("axes/lockout.html", 429, context)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    patch_cache_control(response, no_store=True)
    return response
