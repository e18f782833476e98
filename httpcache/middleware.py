"""
Headers that let a shared cache (Varnish, a CDN) keep public pages, and say what they show.

A response is shared-cacheable when the request came from an anonymous reader (a GET or HEAD
without a session or messages cookie, outside the admin), the view named its surrogate keys
(httpcache.keys.add: a page that names none is never kept, the safe default), it is a 200 that
sets no cookie, and nothing marked it private or no-store. It then gets
``Cache-Control: public, max-age=<MAX_AGE>, s-maxage=<S_MAXAGE>`` (unless the view chose its
own ages, as "on this day" does for a page that changes at midnight) and the keys header of the
configured cache. The shared cache may keep it long: every committed write purges exactly the
keys it affects. Browsers revalidate it each time (MAX_AGE 0).

Every other response of a signed-in editor is private and revalidated.
"""

from django.utils.cache import patch_cache_control

from httpcache import keys as surrogate_keys
from httpcache import purge

SESSION_COOKIES = ("sessionid", "messages")
UNCACHEABLE = ("private", "no-store", "no-cache")


def _anonymous_read(request):
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in SESSION_COOKIES)
        and not request.path.startswith("/admin/")
    )


def _shareable(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not any(word in control for word in UNCACHEABLE)
    )


class SharedCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        keys = surrogate_keys.of(request)
        if keys and _anonymous_read(request) and _shareable(response):
            options = purge.options()
            if "max-age" not in response.get("Cache-Control", ""):
                patch_cache_control(
                    response, public=True, max_age=options["MAX_AGE"], s_maxage=options["S_MAXAGE"]
                )
            if header := purge.key_header():
                name, separator = header
                response[name] = separator.join(sorted(keys | {purge.EVERYTHING}))
        elif SESSION_COOKIES[0] in request.COOKIES and "Cache-Control" not in response:
            # A signed-in editor's page: their browser only, always revalidated.
            patch_cache_control(response, private=True, no_cache=True)
        return response
