"""The unsubscribe link at the foot of every notice e-mail: one kind, for one person."""

from django.core import signing
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from notifications import services


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (mail scanners follow links), POST unsubscribes."""
    try:
        signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return HttpResponseBadRequest("This unsubscribe link is not valid.")
    done = None
    if request.method == "POST":
        _user, done = services.unsubscribe(token)
    response = render(request, "notifications/unsubscribe.html", {"done": done})
    patch_cache_control(response, private=True, no_store=True)
    return response
