from django.conf import settings
from django.utils.functional import SimpleLazyObject

from timeline.models import SiteSettings
from timeline.site import structured_data
from timeline.site import surrogate_keys as keys


def newsroom(request):
    """Site-wide settings every public template may show (name, follow link, site URL)."""

    def site_settings():
        # Read only where a template shows them, and then the page names them, so a save of
        # the settings in the admin purges it.
        keys.add(request, keys.SITE_SETTINGS)
        return SiteSettings.load()

    return {
        "newsroom": SimpleLazyObject(site_settings),
        "site_url": settings.SITE_URL,
        # The default share card (absolute URL, size, alt), worked out only where a page uses it.
        "share_image": SimpleLazyObject(structured_data.share_image),
    }
