"""RSS 2.0 and Atom feeds, read the way a feed reader reads them: as parsed XML."""

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

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
from timeline.site import feeds

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = dt.timedelta(days=1)


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def rss(client, url):
    """(channel element, [item dicts]) of an RSS 2.0 feed."""
    response = fetch(client, url)
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    items = [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "guid": item.findtext("guid"),
            "permalink": item.find("guid").get("isPermaLink"),
            "date": parsedate_to_datetime(item.findtext("pubDate")),
            "description": item.findtext("description"),
            "categories": [c.text for c in item.findall("category")],
        }
        for item in channel.findall("item")
    ]
    return channel, items


def atom(client, url):
    """(feed element, [entry dicts]) of an Atom feed."""
    response = fetch(client, url)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "published": dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")),
            "updated": dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]
    return root, entries


def absolute(settings, obj_or_path):
    path = obj_or_path if isinstance(obj_or_path, str) else obj_or_path.get_absolute_url()
    return settings.SITE_URL + path


class TestSiteFeed:
    def test_rss_lists_published_articles_newest_featured_first(self, client, settings):
        settings.SITE_URL = "https://news.example"
        old = make_article(title="Old", featured_at=NOW - 3 * DAY, published_at=NOW - 9 * DAY)
        new = make_article(title="New", featured_at=NOW - DAY, published_at=NOW - DAY)
        make_article(title="Draft", status=Status.DRAFT)
        make_article(title="Scheduled", status=Status.SCHEDULED, publish_at=NOW + DAY)

        channel, items = rss(client, reverse("timeline:feed"))

        assert channel.findtext("title") == settings.NEWSROOM["name"]
        assert channel.findtext("link") == "https://news.example/"
        self_link = channel.find(f"{ATOM}link")
        assert self_link.get("rel") == "self"
        assert self_link.get("href") == "https://news.example/feed/"
        assert [i["title"] for i in items] == ["New", "Old"]
        assert [i["link"] for i in items] == [
            "https://news.example" + new.get_absolute_url(),
            "https://news.example" + old.get_absolute_url(),
        ]
        assert [i["date"] for i in items] == [new.featured_at, old.featured_at]

    def test_links_use_site_url_not_the_request_host(self, client, settings):
        settings.SITE_URL = "https://news.example"
        article = make_article()
        response = client.get(reverse("timeline:feed"), HTTP_HOST="localhost")
        items = ET.fromstring(response.content).find("channel").findall("item")
        assert items[0].findtext("link") == "https://news.example" + article.get_absolute_url()

    def test_items_carry_summary_author_and_category_and_tags(self, client):
        article = make_article(summary="What this is about.", byline="Ada Reporter")
        article.categories.add(make_category(name="World"))
        article.tags.add(make_tag(name="Paris"))
        _, (item,) = rss(client, reverse("timeline:feed"))
        assert item["description"] == "What this is about."
        assert item["categories"] == ["World", "Paris"]

    def test_guid_is_stable_until_a_new_edition_features_the_article_again(self, client):
        """A new edition must reach subscribers as a new item, the same edition never twice."""
        article = make_article(title="The night", status=Status.DRAFT)
        services.publish_article(article=article, now=NOW - 365 * DAY)
        _, (before,) = rss(client, reverse("timeline:feed"))
        _, (again,) = rss(client, reverse("timeline:feed"))
        assert again["guid"] == before["guid"]
        assert before["permalink"] == "false"

        services.cut_manual_edition(article=article, suffix="the trial begins", now=NOW)
        _, (after,) = rss(client, reverse("timeline:feed"))
        assert after["guid"] != before["guid"]
        assert after["title"] == "The night [UPDATE: the trial begins]"
        assert after["date"] == NOW

    def test_atom_feed_has_the_same_entries_with_ids_and_dates(self, client, settings):
        first = make_article(title="First", featured_at=NOW - 2 * DAY)
        second = make_article(title="Second", featured_at=NOW - DAY)
        root, entries = atom(client, reverse("timeline:feed_atom"))
        assert root.findtext(f"{ATOM}title") == settings.NEWSROOM["name"]
        self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_link[0].get("href") == absolute(settings, "/feed/atom/")
        assert [e["title"] for e in entries] == ["Second", "First"]
        assert [e["link"] for e in entries] == [
            absolute(settings, second),
            absolute(settings, first),
        ]
        assert [e["published"] for e in entries] == [second.featured_at, first.featured_at]
        assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == second.featured_at
        assert len({e["id"] for e in entries}) == 2

    def test_titles_are_text_in_both_formats(self, client):
        make_article(title="Rock & <b>roll</b>")
        _, (item,) = rss(client, reverse("timeline:feed"))
        # RSS readers commonly treat titles as HTML: markup arrives escaped once more.
        assert item["title"] == "Rock &amp; &lt;b&gt;roll&lt;/b&gt;"
        _, (entry,) = atom(client, reverse("timeline:feed_atom"))
        assert entry["title"] == "Rock & <b>roll</b>"

    def test_item_count_is_bounded(self, client):
        story = make_story()
        for n in range(feeds.FEED_ITEMS + 3):
            make_article(story=story, featured_at=NOW - n * DAY)
        _, items = rss(client, reverse("timeline:feed"))
        assert len(items) == feeds.FEED_ITEMS
        assert items[0]["date"] == NOW


class TestTagAndCategoryFeeds:
    def test_tag_feed_lists_only_published_articles_with_that_tag(self, client, settings):
        tag = make_tag(name="Nuclear")
        tagged = make_article(title="Tagged")
        tagged.tags.add(tag)
        make_article(title="Untagged")
        make_article(title="Draft", status=Status.DRAFT).tags.add(tag)

        channel, items = rss(client, reverse("timeline:tag_feed", kwargs={"slug": tag.slug}))
        assert channel.findtext("title") == f"Nuclear — {settings.NEWSROOM['name']}"
        assert channel.findtext("link") == absolute(settings, tag)
        assert [i["title"] for i in items] == ["Tagged"]
        _, entries = atom(client, reverse("timeline:tag_feed_atom", kwargs={"slug": tag.slug}))
        assert [e["link"] for e in entries] == [absolute(settings, tagged)]

    def test_category_feed_lists_only_published_articles_in_it(self, client, settings):
        category = make_category(name="World")
        make_article(title="Filed", category=category)
        make_article(title="Elsewhere", category=make_category())
        make_article(title="Draft", category=category, status=Status.DRAFT)
        url = reverse("timeline:category_feed", kwargs={"slug": category.slug})
        channel, items = rss(client, url)
        assert channel.findtext("link") == absolute(settings, category)
        assert [i["title"] for i in items] == ["Filed"]
        url = reverse("timeline:category_feed_atom", kwargs={"slug": category.slug})
        _, entries = atom(client, url)
        assert [e["title"] for e in entries] == ["Filed"]

    @pytest.mark.parametrize(
        "name",
        [
            "tag_feed",
            "tag_feed_atom",
            "category_feed",
            "category_feed_atom",
            "story_feed",
            "story_feed_atom",
        ],
    )
    def test_unknown_slug_is_404(self, client, name):
        assert client.get(reverse(f"timeline:{name}", kwargs={"slug": "nope"})).status_code == 404


@pytest.fixture
def story_with_editions():
    """A story whose article went out in 2024, got an update in 2025 and an edition in 2026."""
    story = make_story(title="Chernobyl")
    article = make_article(story=story, title="Reactor 4", status=Status.DRAFT)
    services.publish_article(article=article, now=NOW - 730 * DAY)
    update = make_update(
        article,
        headline="The arch holds",
        body="A **new** arch.",
        dated_at=NOW - 365 * DAY,
        published_at=NOW - 365 * DAY + dt.timedelta(hours=1),
    )
    make_update(article, body="Not yet.", status=Status.DRAFT, dated_at=NOW)
    services.cut_manual_edition(article=article, suffix="forty years on", now=NOW)
    hidden = make_article(story=story, status=Status.DRAFT)
    make_update(hidden, body="On a draft article.", published_at=NOW + DAY)
    article.refresh_from_db()
    return story, article, update


class TestStoryFeed:
    def test_items_are_published_updates_and_editions_newest_first(
        self, client, settings, story_with_editions
    ):
        story, article, update = story_with_editions
        original, current = article.editions.order_by("went_live_at")

        channel, items = rss(client, reverse("timeline:story_feed", kwargs={"slug": story.slug}))

        assert channel.findtext("link") == absolute(settings, story)
        assert [i["title"] for i in items] == [
            "Reactor 4 [UPDATE: forty years on]",
            f"UPDATE ({update.local_date:%B} {update.local_date.day} {update.local_date.year}): "
            "The arch holds",
            "Reactor 4",
        ]
        assert [i["link"] for i in items] == [
            # The live edition is the article itself; a superseded one is its frozen snapshot.
            absolute(settings, article),
            absolute(settings, f"{article.get_absolute_url()}#{update.anchor}"),
            absolute(settings, f"/articles/{article.slug}/editions/{original.key}/"),
        ]
        assert [i["date"] for i in items] == [
            current.went_live_at,
            update.published_at,
            original.went_live_at,
        ]
        assert "A <strong>new</strong> arch." in items[1]["description"]
        assert len({i["guid"] for i in items}) == 3
        assert all(i["guid"].startswith("tag:") for i in items)

    def test_guids_do_not_change_when_an_edition_is_superseded(self, client, story_with_editions):
        story, article, _ = story_with_editions
        url = reverse("timeline:story_feed", kwargs={"slug": story.slug})
        _, before = rss(client, url)
        services.cut_manual_edition(article=article, suffix="a new ruling", now=NOW + DAY)
        _, after = rss(client, url)
        assert {i["guid"] for i in before} < {i["guid"] for i in after}
        assert len(after) == len(before) + 1

    def test_atom_entries_match(self, client, story_with_editions):
        story, article, update = story_with_editions
        url = reverse("timeline:story_feed_atom", kwargs={"slug": story.slug})
        _, entries = atom(client, url)
        assert len(entries) == 3
        assert entries[1]["link"].endswith(f"{article.get_absolute_url()}#{update.anchor}")
        assert entries[1]["published"] == update.published_at

    def test_item_count_is_bounded(self, client, monkeypatch):
        monkeypatch.setattr(feeds, "FEED_ITEMS", 4)
        article = make_article()
        for n in range(6):
            make_update(article, dated_at=NOW - n * DAY, published_at=NOW - n * DAY)
        url = reverse("timeline:story_feed", kwargs={"slug": article.story.slug})
        _, items = rss(client, url)
        assert [i["date"] for i in items] == [NOW - n * DAY for n in range(4)]


class Links(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.feeds = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.feeds.append((attrs["type"], attrs["href"]))


def feed_links(client, url):
    return Links(fetch(client, url).content.decode()).feeds


SITE_FEEDS = [("application/rss+xml", "/feed/"), ("application/atom+xml", "/feed/atom/")]


class TestAutodiscovery:
    def test_every_page_announces_the_site_feeds(self, client):
        assert feed_links(client, reverse("timeline:home")) == SITE_FEEDS

    def test_article_page_announces_its_storys_feeds(self, client):
        article = make_article()
        story = article.story.slug
        assert feed_links(client, article.get_absolute_url()) == [
            *SITE_FEEDS,
            ("application/rss+xml", f"/articles/{article.slug}/feed/"),
            ("application/atom+xml", f"/articles/{article.slug}/feed/atom/"),
            ("application/json", f"/articles/{article.slug}/updates.json"),
            ("application/rss+xml", f"/stories/{story}/feed/"),
            ("application/atom+xml", f"/stories/{story}/feed/atom/"),
        ]

    @pytest.mark.parametrize("kind", ["story", "tag", "category"])
    def test_subject_pages_announce_their_own_feeds(self, client, kind):
        subject = {"story": make_story, "tag": make_tag, "category": make_category}[kind]()
        if kind == "story":  # a story has a page once one of its articles is published
            make_article(story=subject, status=Status.PUBLISHED)
        links = feed_links(client, subject.get_absolute_url())
        base = subject.get_absolute_url()
        assert links == [
            *SITE_FEEDS,
            ("application/rss+xml", f"{base}feed/"),
            ("application/atom+xml", f"{base}feed/atom/"),
        ]
        for _, href in links:
            assert client.get(href).status_code == 200


class TestQueryCounts:
    """Each feed reads a fixed number of queries: guards against N+1 queries."""

    def test_site_feed(self, client, django_assert_max_num_queries):
        for _ in range(12):
            article = make_article(category=make_category())
            article.tags.add(make_tag(), make_tag())
        for name in ("timeline:feed", "timeline:feed_atom"):
            with django_assert_max_num_queries(2):
                fetch(client, reverse(name))

    def test_tag_and_category_feeds(self, client, django_assert_max_num_queries):
        tag, category = make_tag(), make_category()
        for _ in range(12):
            make_article(category=category).tags.add(tag, make_tag())
        for name, slug in (("tag_feed", tag.slug), ("category_feed", category.slug)):
            with django_assert_max_num_queries(3):
                fetch(client, reverse(f"timeline:{name}", kwargs={"slug": slug}))

    def test_story_feed(self, client, django_assert_max_num_queries):
        story = make_story()
        for n in range(4):
            article = make_article(story=story, status=Status.DRAFT)
            services.publish_article(article=article, now=NOW - (n + 10) * DAY)
            services.cut_manual_edition(article=article, suffix="more", now=NOW - n * DAY)
            for m in range(3):
                make_update(article, published_at=NOW - (n * 3 + m) * DAY)
        # 4: the story, its articles, their updates, their editions (each through its index).
        with django_assert_max_num_queries(4):
            _, items = rss(client, reverse("timeline:story_feed", kwargs={"slug": story.slug}))
        assert len(items) == 4 * 2 + 4 * 3
