"""
What a response shows, as surrogate keys: views name the objects on their page, writes purge
the keys of what they changed (httpcache.purge.schedule). The vocabulary of keys belongs to the
apps (timeline.site.surrogate_keys); this module only carries them from view to header.
"""


def add(request, *keys):
    """Name keys for the response to `request` (called by views, any number of times)."""
    found = getattr(request, "surrogate_keys", None)
    if found is None:
        found = request.surrogate_keys = set()
    found.update(str(key) for key in keys if key)


def of(request):
    return getattr(request, "surrogate_keys", None) or set()
