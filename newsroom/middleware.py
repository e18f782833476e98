"""
Site-wide request handling that no single view owns.

In MIDDLEWARE order: RequestIdMiddleware first (every later log line carries the id), then
HealthCheckMiddleware (probes answered before host checks and the HTTPS redirect, so a load
balancer can probe any backend by address over plain HTTP), and after Django's own:
RejectNullBytesMiddleware, AdminNoStoreMiddleware and DatabaseUnavailableMiddleware.

Not django-guid (keeps uuids only, not a ticket id) nor django-log-request-id (any header).
"""

import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import request_finished
from django.dispatch import receiver
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from newsroom import views
from newsroom.logging import request_id_var

logger = logging.getLogger("newsroom.request")

# An id from the proxy or the client is kept when it is plain; anything else (too long,
# spaces, quotes, newlines that could forge log lines) is replaced with a fresh one.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HEALTH_CHECKS = {"/healthz": views.healthz, "/readyz": views.readyz}


class RequestIdMiddleware:
    """request.id from X-Request-ID or a new uuid; echoed back, and on every log record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Kept until the response is closed (see forget_request_id): Django logs error
        # responses after the middleware has returned.
        request_id_var.set(request.id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    request_id_var.set("-")


class HealthCheckMiddleware:
    """Answers /healthz and /readyz itself: no host check, no redirect, no session."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Answered before Django's security middleware: its headers are added here instead.
        self.secure = [
            SecurityMiddleware(get_response),
            XFrameOptionsMiddleware(get_response),
            ContentSecurityPolicyMiddleware(get_response),
        ]

    def __call__(self, request):
        probe = HEALTH_CHECKS.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            response = probe(request)
            for middleware in self.secure:
                response = middleware.process_response(request, response)
            return response
        return self.get_response(request)


class RejectNullBytesMiddleware:
    """
    A NUL character in the address or the query string is a 400.

    No reader types one; PostgreSQL refuses it in any text parameter, so without this every
    filter or search that passes a query value to the database would answer it with a 500.
    Form fields already refuse it (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the request address.")
        return self.get_response(request)


class AdminNoStoreMiddleware:
    """
    Nothing under the admin is kept by a browser or a shared cache.

    Admin views are never_cache already; this also covers what is not a view of the admin
    site: the lockout page, its 404s, its redirects.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = SimpleLazyObject(lambda: reverse("admin:index"))

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(str(self.prefix)):
            patch_cache_control(response, no_store=True, private=True)
        return response


class DatabaseUnavailableMiddleware:
    """
    A view that lost the database answers 503 with Retry-After, logged once as a warning.

    The connection is then marked broken, and Django's CONN_HEALTH_CHECKS replace it at the
    next request, so the process recovers by itself once the database is back. Failures
    outside views reach handler500 (newsroom.views.server_error), which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, views.DATABASE_ERRORS):
            return None
        logger.warning(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            extra={"error": type(exception).__name__},
        )
        response = views.service_unavailable(request)
        # Logged here with its cause; Django would log the 503 again without it.
        response._has_been_logged = True
        return response


def client_ip(request):
    """
    The address of the client, for sign-in throttling.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it was reached from to
    X-Forwarded-For, so the client is that many entries from the right; entries further left
    are whatever the client sent and are ignored. A request with fewer entries than that did
    not come through the proxies, and its own peer address is used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            logger.warning("X-Forwarded-For entry is not an address: %r", forwarded[-proxies])
    return request.META.get("REMOTE_ADDR")
