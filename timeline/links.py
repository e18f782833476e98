"""
Reversed URLs, remembered: `reverse()` costs 20-25 µs, and a long page asks for the same few
dozen addresses (every timeline entry links its story, every card its article, the site's
navigation is on every page) — a tenth of a cold article page's rendering (README,
"Performance"). An address depends only on the URL name, its arguments, the URLconf and the
script prefix, so those are the key; tests that swap the URLconf get their own entries.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def url(name, *args):
    """reverse(name, args=args), from memory after the first time."""
    return _reverse(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=65536)
def _reverse(name, args, prefix, urlconf):
    return reverse(name, args=args, urlconf=urlconf)
