"""Share cards (Open Graph, Twitter) and schema.org JSON-LD, parsed as a crawler parses them."""

import datetime as dt
import json
import re
import struct
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import NOW, make_article, make_category, make_story, make_tag, make_update
from timeline import services
from timeline.models import Status

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
FIRST_PUBLISHED = dt.datetime(2020, 11, 13, 8, 0, tzinfo=dt.UTC)
SITE = "https://news.example"


class Head(HTMLParser):
    """The <meta property|name=… content=…> pairs and <link rel=… href=…> of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), attrs["content"])
        if tag == "link":
            self.links.setdefault(attrs.get("rel"), attrs.get("href"))


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(client, url):
    (payload,) = LD_JSON.findall(html_of(client, url))
    return json.loads(payload)


@pytest.fixture
def article():
    article = make_article(
        title="The night of 13 November",
        byline="Ada Reporter, Ben Writer",
        summary="What happened that night.",
        published_at=FIRST_PUBLISHED,
        category=make_category(name="World"),
    )
    make_update(article, published_at=NOW - dt.timedelta(days=2))
    return article


class TestNewsArticle:
    def test_has_headline_dates_authors_publisher_and_image(self, client, article, settings):
        news, crumbs = json_ld(client, article.get_absolute_url())
        assert news["@context"] == "https://schema.org"
        assert news["@type"] == "NewsArticle"
        assert news["headline"] == "The night of 13 November"
        assert dt.datetime.fromisoformat(news["datePublished"]) == FIRST_PUBLISHED
        assert dt.datetime.fromisoformat(news["dateModified"]) == NOW - dt.timedelta(days=2)
        assert news["author"] == [
            {"@type": "Person", "name": "Ada Reporter"},
            {"@type": "Person", "name": "Ben Writer"},
        ]
        publisher = news["publisher"]
        assert publisher["@type"] == "Organization"
        assert publisher["name"] == settings.NEWSROOM["name"]
        assert publisher["logo"]["@type"] == "ImageObject"
        assert publisher["logo"]["url"] == f"{SITE}/static/img/logo.png"
        (image,) = news["image"]
        assert image == {
            "@type": "ImageObject",
            "url": f"{SITE}/static/img/share-default.png",
            "width": 1200,
            "height": 630,
        }
        assert news["isAccessibleForFree"] is True
        assert news["mainEntityOfPage"]["@id"] == SITE + article.get_absolute_url()
        assert crumbs["@type"] == "BreadcrumbList"
        assert [(i["position"], i["item"]) for i in crumbs["itemListElement"]] == [
            (1, f"{SITE}/"),
            (2, SITE + article.categories.get().get_absolute_url()),
            (3, SITE + article.get_absolute_url()),
        ]

    def test_without_a_byline_the_newsroom_is_the_author(self, client, settings):
        article = make_article(byline="")
        news, _ = json_ld(client, article.get_absolute_url())
        assert news["author"] == [
            {"@type": "Organization", "name": settings.NEWSROOM["name"], "url": f"{SITE}/"}
        ]

    @pytest.mark.parametrize(
        ("path", "size"), [("img/share-default.png", (1200, 630)), ("img/logo.png", (512, 512))]
    )
    def test_pictures_are_our_own_pngs_of_the_declared_size(self, path, size):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as picture:
            header = picture.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == size


class TestShareCards:
    def test_article_card_has_an_absolute_image_and_a_large_twitter_card(self, client, article):
        head = Head(html_of(client, article.get_absolute_url()))
        assert head.meta["og:type"] == "article"
        assert head.meta["og:url"] == SITE + article.get_absolute_url()
        assert head.meta["og:image"] == f"{SITE}/static/img/share-default.png"
        assert head.meta["og:image:width"] == "1200"
        assert head.meta["og:image:height"] == "630"
        assert head.meta["og:image:alt"]
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.meta["twitter:image"] == head.meta["og:image"]
        assert head.meta["article:published_time"] == "2020-11-13T09:00:00+01:00"

    def test_story_tag_category_and_home_pages_have_cards_too(self, client):
        story = make_story(title="Chernobyl", summary="Reactor 4 exploded.")
        make_article(story=story, status=Status.PUBLISHED)  # a story is public through one
        tag, category = make_tag(name="Nuclear"), make_category(name="World")
        pages = {
            story.get_absolute_url(): ("Chernobyl", "Reactor 4 exploded."),
            tag.get_absolute_url(): ("Nuclear", "Articles tagged Nuclear"),
            category.get_absolute_url(): ("World", "World"),
            reverse("timeline:home"): (None, None),
        }
        for url, (title, description) in pages.items():
            head = Head(html_of(client, url))
            assert head.meta["og:type"] == "website", url
            assert head.meta["og:url"] == SITE + url
            assert head.meta["og:image"] == f"{SITE}/static/img/share-default.png"
            assert head.meta["twitter:card"] == "summary_large_image"
            if title:
                assert head.meta["og:title"] == title
                assert head.meta["og:description"] == description
                assert head.links["canonical"] == head.meta["og:url"]

    def test_editor_text_in_cards_is_escaped(self, client):
        story = make_story(title='"><script>alert(1)</script>', summary="<b>bold</b> & co")
        make_article(story=story, status=Status.PUBLISHED)
        html = html_of(client, story.get_absolute_url())
        assert "<script>alert(1)" not in html
        head = Head(html)
        assert head.meta["og:title"] == '"><script>alert(1)</script>'
        assert head.meta["og:description"] == "<b>bold</b> & co"


class TestEditionSnapshots:
    def test_snapshot_is_canonical_to_the_article_and_describes_it(self, client):
        article = make_article(title="Reactor 4", status=Status.DRAFT)
        services.publish_article(article=article, now=FIRST_PUBLISHED)
        services.cut_manual_edition(article=article, suffix="a verdict", now=NOW)
        original = article.editions.get(kind="original")
        url = original.get_absolute_url()
        assert url != article.get_absolute_url()

        head = Head(html_of(client, url))
        news, _ = json_ld(client, url)

        canonical = SITE + article.get_absolute_url()
        assert head.links["canonical"] == canonical
        assert head.meta["og:url"] == canonical
        assert news["url"] == canonical
        assert news["headline"] == "Reactor 4"
        assert news["image"][0]["url"] == f"{SITE}/static/img/share-default.png"
