from django.conf import settings


def newsroom(request):
    """Site-wide settings every public template may show (name, follow link, site URL)."""
    return {"newsroom": settings.NEWSROOM, "site_url": settings.SITE_URL}
