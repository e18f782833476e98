"""
Standing test: markup typed into any text field reaches feed readers and crawlers as text.

Every text field of the content a feed or a JSON-LD block shows holds a payload. Each feed is
then read as a reader reads it: the XML parsed, and each element the feed declares as HTML (RSS
<title> and <description>, which readers treat as HTML; Atom elements with type="html") parsed
again as HTML, looking for elements and event-handler attributes. JSON-LD is parsed out of the
page with lxml, then as JSON.
"""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import lxml.html
import pytest
from django.urls import reverse

from tests.factories import NOW, make_article, make_category, make_story, make_tag, make_update
from timeline import services

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"


class Markup(HTMLParser):
    """Every element and attribute found in a string parsed as HTML."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.attributes = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def assert_no_markup(html, where):
    found = Markup(html)
    assert not {"script", "img"} & set(found.tags), where
    assert not [a for a in found.attributes if a.startswith("on")], where


@pytest.fixture
def poisoned():
    category = make_category(name=PAYLOAD, description=PAYLOAD)
    tag = make_tag(name=PAYLOAD)
    story = make_story(title=PAYLOAD, summary=PAYLOAD)
    article = make_article(
        title=PAYLOAD,
        kicker=PAYLOAD,
        byline=PAYLOAD,
        summary=PAYLOAD,
        lede=PAYLOAD,
        body=PAYLOAD,
        story=story,
        category=category,
    )
    article.tags.add(tag)
    make_update(article, headline=PAYLOAD, body=PAYLOAD)
    services.cut_manual_edition(article=article, suffix=PAYLOAD, now=NOW)
    # An article with no summary: its description is the lede as text.
    make_article(title=PAYLOAD, summary="", lede=PAYLOAD, story=story, category=category)
    article.refresh_from_db()
    return article


def feed_urls(article):
    urls = []
    for name, kwargs in [
        ("feed", {}),
        ("tag_feed", {"slug": article.tags.get().slug}),
        ("category_feed", {"slug": article.categories.get().slug}),
        ("story_feed", {"slug": article.story.slug}),
    ]:
        urls += [reverse(f"timeline:{name}", kwargs=kwargs)]
        urls += [reverse(f"timeline:{name}_atom", kwargs=kwargs)]
    return urls


def html_parts(root):
    """(where, text) of every part of a parsed feed a reader renders as HTML."""
    if root.tag == "rss":
        channel = root.find("channel")
        yield "channel description", channel.findtext("description") or ""
        for item in channel.findall("item"):
            for name in ("title", "description"):
                yield f"item {name}", item.findtext(name) or ""
        return
    for element in root.iter():
        if element.get("type") in ("html", "xhtml"):
            yield element.tag, element.text or ""


def test_no_markup_from_a_text_field_reaches_a_feed_reader(client, poisoned):
    for url in feed_urls(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)
        parts = list(html_parts(root))
        assert parts, url
        for where, html in parts:
            assert_no_markup(html, f"{url}: {where}")
        # The payload is still there, shown as text.
        shown = [text_of(html) for _, html in parts]
        assert any(PAYLOAD in text for text in shown), url


def text_of(html):
    """The text a reader shows for an HTML string."""
    if not html.strip():
        return ""
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


def test_json_ld_carries_text_fields_as_text(client, poisoned):
    response = client.get(poisoned.get_absolute_url())
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    # Our own static scripts (src, no inline code) aside: static/timeline/*.js.
    scripts = [s for s in page.xpath("//script") if not s.get("src", "").startswith("/static/")]
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert not page.xpath("//*[@onerror]")
    # Nothing inside the block reads as a tag to an HTML parser, so it cannot be closed early.
    assert "<" not in scripts[0].text
    news, crumbs = json.loads(scripts[0].text)
    assert PAYLOAD in news["headline"]
    assert news["description"] == PAYLOAD
    assert news["articleSection"] == [PAYLOAD]
    assert news["keywords"] == [PAYLOAD]
    assert news["author"][0]["name"] == PAYLOAD
    assert crumbs["itemListElement"][1]["name"] == PAYLOAD
    assert PAYLOAD in crumbs["itemListElement"][-1]["name"]
