import os

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from timeline.site import sitemaps

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("timeline.urls")),
    path("", include("comments.urls")),
    path("", include("editorial.urls")),
    path("", include("notifications.urls")),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap_news"),
    # One route a section (reverse with section=…), so every sitemap address is a fixed one.
    *(
        path(f"sitemap-{name}.xml", sitemaps.sitemap_section, {"section": name}, "sitemap_section")
        for name in sitemaps.SITEMAPS
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

# bench/run.py measures every page against the cheapest page Django serves here (bench/ceiling.py).
if os.environ.get("BENCH_CEILING") == "1":
    from bench.ceiling import ceiling

    urlpatterns.append(path("bench/ceiling/", ceiling, name="bench_ceiling"))

# Uploaded images in development; in production the web server or the object store serves them.
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A lost database is a 503 to retry rather than a 500 (see newsroom.views).
handler500 = "newsroom.views.server_error"
