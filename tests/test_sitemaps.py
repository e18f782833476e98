"""Sitemaps and robots.txt, read the way a crawler reads them: as parsed XML and plain text."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    NOW,
    make_article,
    make_category,
    make_story,
    make_tag,
    make_update,
)
from timeline import services
from timeline.models import Status
from timeline.site import sitemaps

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DAY = dt.timedelta(days=1)


def xml(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def urlset(client, url):
    """{location: lastmod datetime or None} of a <urlset>, in document order."""
    root = xml(client, url)
    assert root.tag == f"{SM}urlset"
    found = {}
    for node in root.findall(f"{SM}url"):
        lastmod = node.findtext(f"{SM}lastmod")
        found[node.findtext(f"{SM}loc")] = dt.datetime.fromisoformat(lastmod) if lastmod else None
    return found


def section(client, name):
    return urlset(client, reverse("sitemap_section", kwargs={"section": name}))


def absolute(settings, obj):
    return settings.SITE_URL + obj.get_absolute_url()


class TestIndex:
    def test_index_lists_each_section_on_site_url_with_its_newest_lastmod(self, client, settings):
        settings.SITE_URL = "https://news.example"
        article = make_article(published_at=NOW - 9 * DAY, featured_at=NOW - 2 * DAY)
        article.tags.add(make_tag())
        article.categories.add(make_category())

        root = xml(client, reverse("sitemap"), HTTP_HOST="localhost")

        assert root.tag == f"{SM}sitemapindex"
        entries = {
            node.findtext(f"{SM}loc"): dt.datetime.fromisoformat(node.findtext(f"{SM}lastmod"))
            for node in root.findall(f"{SM}sitemap")
        }
        assert list(entries) == [
            f"https://news.example/sitemap-{name}.xml"
            for name in ("articles", "stories", "tags", "categories")
        ]
        assert entries["https://news.example/sitemap-articles.xml"] == NOW - 9 * DAY
        assert entries["https://news.example/sitemap-tags.xml"] == NOW - 2 * DAY

    def test_unknown_section_and_page_are_404(self, client):
        make_article()
        assert client.get("/sitemap-nope.xml").status_code == 404
        assert client.get("/sitemap-articles.xml?p=2").status_code == 404
        assert client.get("/sitemap-articles.xml?p=x").status_code == 404


class TestArticles:
    def test_only_published_articles_with_absolute_site_url_locations(self, client, settings):
        settings.SITE_URL = "https://news.example"
        article = make_article()
        make_article(status=Status.DRAFT)
        make_article(status=Status.SCHEDULED, publish_at=NOW + DAY)
        assert list(section(client, "articles")) == [
            "https://news.example" + article.get_absolute_url()
        ]

    def test_lastmod_is_the_first_publication_when_nothing_followed(self, client, settings):
        article = make_article(published_at=NOW - 9 * DAY)
        assert section(client, "articles") == {absolute(settings, article): NOW - 9 * DAY}

    def test_lastmod_is_the_newest_published_update(self, client, settings):
        article = make_article(published_at=NOW - 9 * DAY)
        make_update(article, published_at=NOW - 5 * DAY)
        make_update(article, published_at=NOW - 3 * DAY)
        make_update(article, status=Status.DRAFT, dated_at=NOW)
        make_update(article, status=Status.SCHEDULED, publish_at=NOW + DAY)
        assert section(client, "articles") == {absolute(settings, article): NOW - 3 * DAY}

    def test_lastmod_is_the_live_editions_go_live_when_it_is_newest(self, client, settings):
        article = make_article(status=Status.DRAFT)
        services.publish_article(article=article, now=NOW - 9 * DAY)
        make_update(article, published_at=NOW - 5 * DAY)
        services.cut_manual_edition(article=article, suffix="a verdict", now=NOW - DAY)
        assert section(client, "articles") == {absolute(settings, article): NOW - DAY}

    def test_an_update_after_the_edition_wins(self, client, settings):
        article = make_article(status=Status.DRAFT)
        services.publish_article(article=article, now=NOW - 9 * DAY)
        services.cut_manual_edition(article=article, suffix="a verdict", now=NOW - 4 * DAY)
        make_update(article, published_at=NOW - 2 * DAY)
        assert section(client, "articles") == {absolute(settings, article): NOW - 2 * DAY}


class TestStoriesTagsCategories:
    def test_only_subjects_with_a_published_article_are_listed(self, client, settings):
        story, tag, category = make_story(), make_tag(), make_category()
        article = make_article(story=story, category=category, featured_at=NOW - 2 * DAY)
        article.tags.add(tag)
        newer = make_article(story=story, featured_at=NOW - DAY)
        newer.tags.add(tag)
        empty_story, empty_tag, empty_category = make_story(), make_tag(), make_category()
        draft = make_article(story=empty_story, category=empty_category, status=Status.DRAFT)
        draft.tags.add(empty_tag)

        stories = section(client, "stories")
        assert set(stories) == {absolute(settings, story), absolute(settings, newer.story)}
        # A story's lastmod follows its newest featured article (or its own last edit).
        assert stories[absolute(settings, story)] >= NOW - DAY
        assert section(client, "tags") == {absolute(settings, tag): NOW - DAY}
        assert section(client, "categories") == {absolute(settings, category): NOW - 2 * DAY}


class TestNewsSitemap:
    def test_lists_articles_first_published_in_the_last_two_days(self, client, settings):
        now = timezone.now()
        fresh = make_article(title="Fresh & new", published_at=now - dt.timedelta(hours=30))
        make_article(title="Old", published_at=now - 3 * DAY, featured_at=now)
        make_article(title="Draft", status=Status.DRAFT)

        root = xml(client, reverse("sitemap_news"))

        assert root.tag == f"{SM}urlset"
        (node,) = root.findall(f"{SM}url")
        assert node.findtext(f"{SM}loc") == absolute(settings, fresh)
        news = node.find(f"{NEWS}news")
        publication = news.find(f"{NEWS}publication")
        assert publication.findtext(f"{NEWS}name") == settings.NEWSROOM["name"]
        assert publication.findtext(f"{NEWS}language") == "en"
        published = dt.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
        assert published == fresh.published_at
        assert news.findtext(f"{NEWS}title") == "Fresh & new"

    def test_window_is_two_days_back_from_now(self):
        inside = make_article(published_at=NOW - 2 * DAY + dt.timedelta(minutes=1))
        make_article(published_at=NOW - 2 * DAY)
        make_article(published_at=NOW + dt.timedelta(minutes=1))
        assert list(sitemaps.news_articles(now=NOW)) == [inside]

    def test_is_empty_but_valid_when_nothing_is_new(self, client):
        make_article(published_at=timezone.now() - 9 * DAY)
        assert xml(client, reverse("sitemap_news")).findall(f"{SM}url") == []


class TestRobots:
    def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemaps(
        self, client, settings
    ):
        settings.SITE_URL = "https://news.example"
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines
        assert "Disallow: /admin/" in lines
        assert "Sitemap: https://news.example/sitemap.xml" in lines
        assert "Sitemap: https://news.example/sitemap-news.xml" in lines


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


class TestQueryCounts:
    """The database works out every lastmod: guards against N+1 queries."""

    URLS = [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-stories.xml",
        "/sitemap-tags.xml",
        "/sitemap-categories.xml",
        "/sitemap-news.xml",
    ]
    # The index: a page count and a newest lastmod per section; a section: a count, its items.
    PINNED = {"/sitemap.xml": 8}

    def _grow(self, n):
        now = timezone.now()
        for i in range(n):
            article = make_article(
                category=make_category(), published_at=now - i * DAY, featured_at=now - i * DAY
            )
            article.tags.add(make_tag())
            make_update(article, published_at=now - i * DAY)

    def test_counts_do_not_grow_with_the_number_of_articles(
        self, client, django_assert_max_num_queries
    ):
        self._grow(3)
        small = {url: count_queries(client, url) for url in self.URLS}
        self._grow(30)
        for url in self.URLS:
            with django_assert_max_num_queries(self.PINNED.get(url, 2)):
                client.get(url)
            assert count_queries(client, url) == small[url], url
