"""
Cross-site request forgery protection without a token, for forms on public cached pages.

Django's token defence puts a per-visitor secret in the page. On the article page, whose only
form is the readers' comment form, that makes every copy personal: no CDN or shared cache may
keep it, and the page cache must splice a fresh token into each copy it serves. The comment form
needs no secret to be safe, because the browser itself says where a POST comes from:

1. ``Sec-Fetch-Site`` (every current browser): ``same-origin`` (our own page) or ``none`` (the
   reader's own action, such as a bookmark) is accepted; ``same-site`` and ``cross-site`` go on
   to the Origin check, so a sibling host passes only if it is trusted.
2. ``Origin`` (sent with every POST by current browsers): it must be this site's own origin
   (scheme, host and port, as Django sees them behind SECURE_PROXY_SSL_HEADER) or one of
   CSRF_TRUSTED_ORIGINS. ``Origin: null`` (sandboxed frames, some redirects) fails.
3. Neither header (a very old browser): the ``Referer``'s origin must match the same way; no
   Referer at all fails.

Pages cannot forge any of these headers from script, so another site can no longer make a
reader's browser post a comment in the reader's name. A failure answers with the project's
CSRF_FAILURE_VIEW (403, templates/403_csrf.html), like Django's own check. The test client's
``enforce_csrf_checks=False`` switches it off, as it does Django's.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_callable
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt

ACCEPTED_FETCH_SITES = ("same-origin", "none")


def same_origin_required(view):
    """Decorate a POST view whose form is rendered without {% csrf_token %}."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            reason = rejection(request)
            if reason and not getattr(request, "_dont_enforce_csrf_checks", False):
                return get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=reason)
        return view(request, *args, **kwargs)

    return checked


def rejection(request):
    """Why this request may come from another site; None when it surely comes from ours."""
    if request.headers.get("Sec-Fetch-Site", "").lower() in ACCEPTED_FETCH_SITES:
        return None
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if trusted(request, origin) else f"Origin {origin!r} is not this site."
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
        return None if trusted(request, origin) else f"Referer {origin!r} is not this site."
    return "The browser sent neither Origin nor Referer."


def trusted(request, origin):
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the request is refused elsewhere anyway
        return False
    if origin == own:
        return True
    parts = urlsplit(origin)
    for allowed in settings.CSRF_TRUSTED_ORIGINS:
        allowed_parts = urlsplit(allowed)
        if allowed_parts.scheme == parts.scheme and is_same_domain(
            parts.netloc, allowed_parts.netloc.removeprefix("*")
        ):
            return True
    return False
