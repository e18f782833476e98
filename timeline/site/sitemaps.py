"""
Sitemaps for search engines: articles, stories, tags and categories in /sitemap.xml, and a
Google News sitemap of the articles first published in the last two days.

Locations are absolute on settings.SITE_URL, never on the request's Host header. Each
section's `lastmod` is computed by the database (Max subqueries), so a sitemap reads the same
few queries whether it lists ten articles or ten thousand.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from timeline.models import Article, Category, Edition, EditionStatus, Status, Story, Tag, Update
from timeline.site import surrogate_keys as keys

NEWS_WINDOW = dt.timedelta(days=2)
# Google News reads at most this many URLs from one news sitemap.
NEWS_LIMIT = 1000


def _newest_of(queryset, group, field):
    """A subquery: Max(`field`) over `queryset` (filtered on an OuterRef), grouped by `group`."""
    return Subquery(
        queryset.order_by().values(group).annotate(newest=Max(field)).values("newest")[:1],
        output_field=DateTimeField(),
    )


def articles_with_lastmod():
    """
    Published articles annotated with `lastmod`: the newest of the first publication, the
    newest published update and the live edition's go-live time.
    """
    newest_update = _newest_of(
        Update.objects.published().filter(article=OuterRef("pk")), "article", "published_at"
    )
    live_edition = _newest_of(
        Edition.objects.filter(article=OuterRef("pk"), status=EditionStatus.LIVE),
        "article",
        "went_live_at",
    )
    # SQLite's MAX(a, b) is NULL when either is; PostgreSQL's GREATEST skips NULLs. Coalescing
    # each to the first publication gives the same answer on both.
    return Article.objects.published().annotate(
        lastmod=Greatest(
            "published_at",
            Coalesce(newest_update, "published_at"),
            Coalesce(live_edition, "published_at"),
        )
    )


def news_articles(*, now):
    """Published articles first published within NEWS_WINDOW before `now`, newest first."""
    return (
        Article.objects.published()
        .filter(published_at__gt=now - NEWS_WINDOW, published_at__lte=now)
        .order_by("-published_at", "-pk")
    )


class SiteSitemap(Sitemap):
    """Absolute locations on settings.SITE_URL, whatever Host the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        # One aggregate query instead of Django's default of loading every item.
        return self.items().order_by().aggregate(newest=Max("lastmod"))["newest"]


class ArticleSitemap(SiteSitemap):
    def items(self):
        return articles_with_lastmod().order_by("-published_at", "-pk")


class StorySitemap(SiteSitemap):
    """Stories with at least one published article; lastmod follows their newest featuring."""

    def items(self):
        return (
            Story.objects.annotate(
                newest=_newest_of(
                    Article.objects.published().filter(story=OuterRef("pk")),
                    "story",
                    "featured_at",
                )
            )
            .filter(newest__isnull=False)
            .annotate(lastmod=Greatest("updated_at", "newest"))
            .order_by("slug")
        )


class TagSitemap(SiteSitemap):
    """Tags on at least one published article; lastmod follows its newest featuring."""

    def items(self):
        tagged = Article.tags.through.objects.filter(
            tag=OuterRef("pk"), article__status=Status.PUBLISHED
        )
        return (
            Tag.objects.annotate(lastmod=_newest_of(tagged, "tag", "article__featured_at"))
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )


class CategorySitemap(SiteSitemap):
    """Categories with at least one published article; lastmod follows its newest featuring."""

    def items(self):
        filed = Article.objects.published().filter(categories=OuterRef("pk"))
        return (
            Category.objects.annotate(lastmod=_newest_of(filed, "categories", "featured_at"))
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )


class NewsSitemap(SiteSitemap):
    """Google News: articles first published in the last two days (timeline/sitemap_news.xml)."""

    limit = NEWS_LIMIT

    def items(self):
        return news_articles(now=timezone.now())[:NEWS_LIMIT]

    def lastmod(self, item):
        return item.published_at

    def get_latest_lastmod(self):
        return news_articles(now=timezone.now()).aggregate(newest=Max("published_at"))["newest"]


SITEMAPS = {
    "articles": ArticleSitemap,
    "stories": StorySitemap,
    "tags": TagSitemap,
    "categories": CategorySitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


@sitemap_views.x_robots_tag
def sitemap_index(request):
    """
    /sitemap.xml: one entry per section page, on SITE_URL (Django's own index view would use
    the request's Host). Two queries per section: its page count and its newest lastmod.
    """
    keys.add(request, "sitemap")
    entries, newest = [], []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = settings.SITE_URL + reverse("sitemap_section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        newest.extend([lastmod] if lastmod else [])
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    headers = {"Last-Modified": http_date(max(newest).timestamp())} if newest else None
    return TemplateResponse(
        request,
        "timeline/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )


def sitemap_section(request, section):
    keys.add(request, "sitemap")
    return sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name="timeline/sitemap.xml"
    )


def news_sitemap(request):
    """/sitemap-news.xml: Google News wants the publication's language as an ISO 639 code."""
    keys.add(request, "sitemap")
    response = sitemap_views.sitemap(
        request, NEWS_SITEMAPS, template_name="timeline/sitemap_news.xml"
    )
    response.context_data["news_language"] = settings.LANGUAGE_CODE.split("-")[0]
    return response
