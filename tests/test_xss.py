"""
Editor text is untrusted on public pages: script payloads typed into any field must reach
readers as inert text, never as markup that runs.

Every editor-typed field of every model shown on a page gets a payload; each page is then
parsed with html.parser and checked tag by tag and attribute by attribute.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import (
    make_article,
    make_category,
    make_embed,
    make_entry,
    make_quote,
    make_reference,
    make_related,
    make_story,
    make_tag,
    make_update,
    make_user,
    place_quote,
)
from timeline import body_anchors
from timeline.models import Placement, Status

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</script><script>alert(1)</script>",
    "'><iframe src=javascript:alert(1)>",
]
TEXT = " ".join(PAYLOADS)
# For fields of at most 100 characters (kicker, tag and category names, embed provider).
SHORT = '"><svg onload=alert(1)></script><script>alert(1)</script><img src=x onerror=alert(1)>'
MARKDOWN = (
    f"{TEXT}\n\n"
    "[click me](javascript:alert(1)) and [again](JaVaScRiPt:alert(1)) "
    '<a href="javascript:alert(1)">raw</a>\n\n'
    "![pic](x onerror=alert(1))"
)
BAD_URL = "javascript:alert(1)"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "data", "poster", "srcdoc"}
PLAYERS = ("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")


class Audit(HTMLParser):
    """Collect every start tag and the content of every <script> element."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.scripts, self._script = [], [], None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = [dict(attrs), ""]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None


def assert_inert(html):
    audit = Audit(html)
    for tag, attrs in audit.tags:
        assert tag not in {"img", "svg", "object", "embed", "style", "base"}, tag
        if tag == "form":
            # Our own forms only (site search, comments): each sends to a path on this site.
            action = dict(attrs).get("action", "")
            assert action.startswith("/") and not action.startswith("//"), attrs
            assert dict(attrs).get("class") in {"site-search", "comment-form"}, attrs
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=…>"
            if name in URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert not squeezed.startswith(("javascript:", "data:", "vbscript:")), value
        if tag == "iframe":
            assert dict(attrs)["src"].startswith(PLAYERS)
    # The page's own JSON-LD only: a data block, with no nonce (a cached page carries nothing
    # per reader), schema.org's graph.
    # Besides it, only our own static files (no inline code): static/timeline/*.js.
    scripts = [(a, t) for a, t in audit.scripts if not _own_static_file(a, t)]
    assert len(scripts) <= 1
    for attrs, text in scripts:
        assert attrs.get("type") == "application/ld+json"
        assert "nonce" not in attrs
        graph = json.loads(text)
        assert isinstance(graph, list) and graph
        assert all(item.get("@context") == "https://schema.org" for item in graph)
    assert len([t for t, _ in audit.tags if t == "script"]) == len(audit.scripts)
    audit.scripts = scripts
    return audit


def _own_static_file(attrs, text):
    src = attrs.get("src") or ""
    return src.startswith("/static/timeline/") and src.endswith(".js") and not text.strip()


@pytest.fixture
def poisoned():
    """Every editor field holds a payload; URL fields hold javascript: (as if validation
    had been bypassed), so the templates' own URL check is exercised too."""
    category = make_category(name=SHORT, description=TEXT)
    tag = make_tag(name=SHORT)
    story = make_story(title=TEXT, summary=TEXT)
    story.tags.add(tag)
    article = make_article(
        title=TEXT,
        kicker=SHORT,
        byline=f"{PAYLOADS[0]}, {PAYLOADS[2]}",
        summary=TEXT,
        lede=MARKDOWN,
        body=MARKDOWN,
        story=story,
        category=category,
    )
    article.tags.add(tag)
    make_update(article, headline=TEXT, body=MARKDOWN)
    make_update(article, headline=TEXT, body=MARKDOWN, status=Status.DRAFT)
    quote_fields = {
        "text": TEXT,
        "speaker": TEXT,
        "speaker_role": TEXT,
        "work": TEXT,
        "outlet": TEXT,
        "source_url": BAD_URL,
    }
    place_quote(article, make_quote(**quote_fields), placement=Placement.TOP)
    place_quote(
        article,
        make_quote(**quote_fields),
        placement=Placement.BODY,
        anchor=body_anchors.anchor_of_paragraph(article.body_html, 1),
    )
    make_related(article, target=make_article(title=TEXT, summary=TEXT), label=TEXT)
    make_related(article, url=BAD_URL, label=TEXT)
    make_reference(article, title=TEXT, outlet=TEXT, url=BAD_URL)
    make_embed(article, title=TEXT, provider=SHORT, caption=TEXT, url=BAD_URL)
    make_embed(article, title=TEXT, provider=SHORT, caption=TEXT)  # a real player
    make_entry(story, "2015-11-13", text=MARKDOWN, reference_url=BAD_URL, reference_title=TEXT)
    make_entry(story, "2016", text=TEXT, is_key_moment=True)
    return article


def pages(article):
    return [
        article.get_absolute_url(),
        article.story.get_absolute_url(),
        reverse("timeline:home"),
        article.categories.get().get_absolute_url(),
        article.tags.get().get_absolute_url(),
    ]


def test_no_payload_runs_on_any_public_page(client, poisoned):
    for url in pages(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html)
        # The payload is still there, shown as text.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_no_payload_runs_in_the_staff_preview(client, poisoned):
    client.force_login(make_user(is_staff=True))
    html = client.get(poisoned.get_absolute_url()).content.decode()
    assert "update--unpublished" in html
    assert_inert(html)


def test_no_payload_runs_in_a_draft_preview(client, poisoned):
    poisoned.status, poisoned.published_at = Status.DRAFT, None
    poisoned.save()
    client.force_login(make_user(is_staff=True))
    assert_inert(client.get(poisoned.get_absolute_url()).content.decode())


def test_json_ld_cannot_be_broken_out_of_and_still_parses(client, poisoned):
    html = client.get(poisoned.get_absolute_url()).content.decode()
    ((_, payload),) = assert_inert(html).scripts
    assert "</script" not in payload.lower()
    news, crumbs = json.loads(payload)
    assert news["headline"] == TEXT
    assert news["author"][0]["name"] == PAYLOADS[0]
    assert news["keywords"] == [SHORT]
    assert news["articleSection"] == [SHORT]
    assert crumbs["itemListElement"][-1]["name"] == TEXT


def test_markdown_javascript_links_lose_their_href(client, poisoned):
    html = client.get(poisoned.get_absolute_url()).content.decode()
    hrefs = [dict(attrs).get("href", "") for tag, attrs in Audit(html).tags if tag == "a"]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    assert "click me" in html


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>alert(1)</script></p>",
        '<script type="application/ld+json">{}</script>',
        "<img src=x onerror=alert(1)>",
        '<p><svg onload="alert(1)"></svg></p>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
    ],
)
def test_the_audit_catches_each_kind_of_payload(html):
    """The checks above are only worth something if they fail on executable markup."""
    with pytest.raises(AssertionError):
        assert_inert(html)
