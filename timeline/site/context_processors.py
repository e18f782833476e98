from django.conf import settings
from django.utils.functional import SimpleLazyObject

from timeline.site import structured_data


def newsroom(request):
    """Site-wide settings every public template may show (name, follow link, site URL)."""
    return {
        "newsroom": settings.NEWSROOM,
        "site_url": settings.SITE_URL,
        # The default share card (absolute URL, size, alt), worked out only where a page uses it.
        "share_image": SimpleLazyObject(structured_data.share_image),
    }
