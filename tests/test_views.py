"""The public pages: what a reader (and a staff member previewing) sees."""

import datetime as dt
import json
import re
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.http import QueryDict
from django.template import loader
from django.test import override_settings
from django.urls import reverse

from tests.factories import (
    NOW,
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
from tests.pages import Elements
from tests.test_images_support import make_image, memory_media
from timeline import body_anchors, selectors
from timeline.models import Placement, SiteSettings, Status, UpdateKind
from timeline.site.filters import TimelineFilter

pytestmark = pytest.mark.django_db

media = pytest.fixture(memory_media, name="media")

FIRST_PUBLISHED = dt.datetime(2020, 11, 13, 8, 0, tzinfo=dt.UTC)
# A data block, not a script: it needs no CSP nonce, and a cached page carries nothing per reader.
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


class Tags(HTMLParser):
    """Every start tag of a page as (name, attrs dict), plus the text inside each <h1>."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.h1s, self._in_h1 = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "h1":
            self._in_h1 = True
            self.h1s.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1s[-1] += data

    def find(self, tag_name, /, **attrs):
        return [
            a
            for t, a in self.tags
            if t == tag_name and all(a.get(k) == v for k, v in attrs.items())
        ]


def text_of(response):
    """The page's visible text with tags dropped and whitespace collapsed."""
    html = re.sub(r"<head>.*?</head>", "", response.content.decode(), flags=re.S)
    text = re.sub(r"<[^>]+>", "", html)
    return " ".join(unescape(text).split())


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def html_of(client, url):
    return get(client, url).content.decode()


@pytest.fixture
def anatomy():
    """One article with every part ANATOMY.md lists."""
    category = make_category(name="World", slug="world")
    tags = [make_tag(name="Paris", slug="paris"), make_tag(name="Terrorism", slug="terrorism")]
    story = make_story(title="The Paris attacks", slug="paris-attacks", time_zone="Europe/Paris")
    article = make_article(
        title="The night of 13 November",
        slug="night-of-13-november",
        kicker="On This Day",
        byline="Ada Reporter, Ben Writer",
        summary="Five years on, what we know about the night of the attacks.",
        lede="**November 13 2020** — It began on a Friday night.",
        body=(
            "First paragraph of the original article.\n\n"
            "## Quick Analysis\n\n"
            "Second paragraph, with **Friday November 13 2015** — a bold dateline.\n\n"
            "Third paragraph."
        ),
        category=category,
        story=story,
        published_at=FIRST_PUBLISHED,
        featured_at=NOW,
    )
    article.tags.set(tags)
    full = make_quote(
        text="We will not forget.",
        speaker="Jane Speaker",
        speaker_role="Chair of the oversight committee",
        work="Opening statement",
        outlet="The Daily Example",
        said_on="2016-04-11",
    )
    role_only = make_quote(
        text="It was the longest night.",
        speaker="Sam Witness",
        speaker_role="Paramedic",
        work="",
        outlet="",
        said_on="2016",
        source_url="",
    )
    place_quote(article, full, placement=Placement.TOP, order=1)
    place_quote(article, role_only, placement=Placement.TOP, order=2)
    inline = make_quote(
        text="Inline words of a witness.",
        speaker="Lee Inline",
        speaker_role="",
        work="",
        outlet="",
        said_on="",
        source_url="",
    )
    place_quote(
        article,
        inline,
        placement=Placement.BODY,
        anchor=body_anchors.anchor_of_paragraph(article.body_html, 1),
    )
    internal = make_article(title="The trial opens", slug="trial-opens")
    make_related(article, target=internal, order=1)
    make_related(article, url="https://elsewhere.example/report", label="Outside report", order=2)
    first = make_update(
        article,
        dated_at=dt.datetime(2021, 11, 13, 10, 0, tzinfo=dt.UTC),
        published_at=dt.datetime(2021, 11, 13, 10, 0, tzinfo=dt.UTC),
        headline="Six years on",
        body="**Flashback —** the first update.",
    )
    second = make_update(
        article,
        kind=UpdateKind.CORRECTION,
        dated_at=dt.datetime(2021, 11, 13, 16, 0, tzinfo=dt.UTC),
        published_at=dt.datetime(2021, 11, 13, 16, 0, tzinfo=dt.UTC),
        body="An earlier version gave the wrong time.",
    )
    newest = make_update(
        article,
        dated_at=dt.datetime(2024, 11, 13, 9, 0, tzinfo=dt.UTC),
        published_at=dt.datetime(2024, 11, 13, 9, 30, tzinfo=dt.UTC),
        body="The newest published update.",
    )
    draft = make_update(
        article,
        status=Status.DRAFT,
        dated_at=dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.UTC),
        body="Words for next year, not ready.",
    )
    entries = {
        "attack": make_entry(
            story, "13 November 2015 21:16", text="The first explosion.", is_key_moment=True
        ),
        "day": make_entry(story, "1985 May 4", text="A day entry."),
        "month": make_entry(story, "2006 May", text="A month entry."),
        "year": make_entry(story, "2002", text="A year entry."),
        "span": make_entry(story, "1999/2000", text="A span entry."),
        "season": make_entry(
            story,
            "2015 (Summer)",
            text="A season entry.",
            reference_url="https://example.org/summer",
            reference_title="Summer source",
        ),
    }
    youtube = make_embed(
        article,
        title="Special report: the night of the attacks",
        provider="Example News",
        url="https://www.youtube.com/watch?v=abcdefghijk",
        caption="Filmed that night.",
        order=1,
    )
    elsewhere = make_embed(
        article,
        title="Radio special",
        provider="Example Radio",
        url="https://radio.example/special",
        kind="audio",
        order=2,
    )
    make_reference(
        article,
        title="Inquiry report",
        outlet="Example Gazette",
        url="https://example.org/inquiry",
        published_on="2016-07",
        accessed_on=dt.date(2020, 11, 1),
    )
    return SimpleNamespace(
        article=article,
        url=article.get_absolute_url(),
        story=story,
        category=category,
        tags=tags,
        internal=internal,
        updates=SimpleNamespace(first=first, second=second, newest=newest, draft=draft),
        entries=entries,
        embeds=SimpleNamespace(youtube=youtube, elsewhere=elsewhere),
    )


class TestArticleAnatomy:
    def test_header_shows_kicker_title_byline_and_labelled_dates(self, client, anatomy):
        response = get(client, anatomy.url)
        page, html = Tags(response.content.decode()), response.content.decode()
        assert page.h1s == ["The night of 13 November"]
        assert '<p class="kicker">On This Day</p>' in html
        assert "By Ada Reporter and Ben Writer" in text_of(response)
        assert (
            'Published <time datetime="2020-11-13T09:00:00+01:00">November 13 2020</time>' in html
        )
        # The newest *published* update, not the draft.
        assert 'Updated <time datetime="2024-11-13T10:30:00+01:00">' in html

    def test_updated_date_is_left_out_when_nothing_changed_since_publication(self, client):
        article = make_article()
        assert "Updated" not in text_of(get(client, article.get_absolute_url()))

    def test_epigraphs_show_words_and_provenance_in_both_formats(self, client, anatomy):
        html = html_of(client, anatomy.url)
        page = Tags(html)
        assert len(page.find("blockquote")) == 3  # two epigraphs and one inline quote
        assert "<p>We will not forget.</p></blockquote>" in html
        assert (
            "<cite>Jane Speaker, Chair of the oversight committee — Opening statement "
            "(The Daily Example, 2016 April 11)</cite>"
        ) in html
        assert "<cite>Sam Witness — Paramedic (2016)</cite>" in html
        assert page.find("blockquote", cite="https://example.org/statement")
        assert page.find("a", href="https://example.org/statement", rel="noopener")
        assert "<cite>Lee Inline</cite>" in html  # no empty parentheses or dashes

    def test_epigraphs_come_before_the_lede_and_the_lede_opens_with_a_bold_dateline(
        self, client, anatomy
    ):
        html = html_of(client, anatomy.url)
        assert "<p><strong>November 13 2020</strong> — It began on a Friday night.</p>" in html
        assert html.index("We will not forget.") < html.index("November 13 2020</strong>")

    @override_settings(
        NEWSROOM={
            "name": "The Test Times",
            "social_handle": "@testtimes",
            "social_url": "https://social.example/@testtimes",
        }
    )
    def test_follow_box_comes_from_the_site_setting(self, client, anatomy):
        page = Tags(html_of(client, anatomy.url))
        assert page.find("a", href="https://social.example/@testtimes")
        assert "Follow The Test Times" in text_of(client.get(anatomy.url))

    def test_related_posts_are_an_ordered_list_of_internal_and_external_links(
        self, client, anatomy
    ):
        html = html_of(client, anatomy.url)
        assert (
            f'RELATED POST: <a href="{anatomy.internal.get_absolute_url()}">The trial opens</a>'
            in html
        )
        assert (
            'RELATED POST: <a href="https://elsewhere.example/report" rel="noopener">'
            "Outside report</a>"
        ) in html
        assert html.index("The trial opens</a>") < html.index("Outside report</a>")
        assert re.search(r'<ol class="related__list">\s*<li>RELATED POST:', html)

    def test_updates_come_newest_first_with_stable_anchors_and_start_and_end_markers(
        self, client, anatomy
    ):
        response = get(client, anatomy.url)
        html, text = response.content.decode(), text_of(response)
        assert html.index('id="update-2024-11-13"') < html.index('id="update-2021-11-13-2"')
        assert html.index('id="update-2021-11-13-2"') < html.index('id="update-2021-11-13"')
        assert '<article id="update-2021-11-13" class="update update--update">' in html
        assert 'href="#update-2021-11-13"' in html
        assert "UPDATE (November 13 2021) — # Six years on Flashback — the first update." in text
        assert "END of UPDATE" in text

    def test_a_correction_is_marked_as_one(self, client, anatomy):
        response = get(client, anatomy.url)
        assert 'class="update update--correction"' in response.content.decode()
        assert (
            "CORRECTION (November 13 2021) — # An earlier version gave the wrong time. "
            "END of CORRECTION"
        ) in text_of(response)

    def test_an_editors_note_is_marked_as_one(self, client):
        article = make_article()
        make_update(article, kind=UpdateKind.NOTE, body="A note from the editor.")
        text = text_of(get(client, article.get_absolute_url()))
        assert "EDITOR'S NOTE (November 13 2026) —" in text
        assert "END of EDITOR'S NOTE" in text

    def test_updates_come_before_the_body(self, client, anatomy):
        html = html_of(client, anatomy.url)
        assert html.index("END of UPDATE") < html.index("First paragraph of the original")

    def test_body_keeps_headings_datelines_and_puts_inline_quotes_after_their_paragraph(
        self, client, anatomy
    ):
        html = html_of(client, anatomy.url)
        assert "<h2>Quick Analysis</h2>" in html
        assert "<strong>Friday November 13 2015</strong> — a bold dateline" in html
        first, quote = html.index("First paragraph"), html.index("Inline words of a witness.")
        assert first < quote < html.index("Quick Analysis")

    def test_timeline_lists_entries_in_date_order_with_year_markers(self, client, anatomy):
        html = html_of(client, anatomy.url)
        shown = [
            "1985 May 4",
            "1999/2000",
            "2002",
            "2006 May",
            "2015 (Summer)",
            "2015 November 13, 21:16 CET",
        ]
        positions = [html.index(f">{label}</time>") for label in shown]
        assert positions == sorted(positions)
        years = re.findall(r'<span class="timeline__year-label">(\d+)</span>', html)
        assert years == ["1985", "1999", "2002", "2006", "2015"]
        assert f'id="entry-{anatomy.entries["day"].pk}"' in html
        assert '<time class="timeline__date" datetime="2015-11-13T21:16+01:00">' in html
        assert '<time class="timeline__date" datetime="2006-05">2006 May</time>' in html
        assert Tags(html).find("a", href="https://example.org/summer")

    def test_key_moments_are_highlighted_and_labelled(self, client, anatomy):
        html = html_of(client, anatomy.url)
        key = anatomy.entries["attack"].pk
        assert f'<li id="entry-{key}" class="timeline__entry timeline__entry--key">' in html
        assert html.count(">Key moment</strong>") == 1

    def test_embeds_load_known_players_on_click_and_link_the_rest(self, client, anatomy):
        """No iframe before the reader asks (no request to the provider): a Play button for
        static/timeline/embeds.js to swap in the privacy-enhanced player, a link without JS."""
        html = html_of(client, anatomy.url)
        assert Tags(html).find("iframe") == []
        (frame,) = [tag for tag in Tags(html).find("div") if "data-player" in tag]
        assert frame["data-player"] == "https://www.youtube-nocookie.com/embed/abcdefghijk"
        assert frame["data-title"].startswith("Special report")
        (button,) = Tags(html).find("button", **{"class": "embed__play"})
        assert "hidden" in button
        assert Tags(html).find("a", href="https://www.youtube.com/watch?v=abcdefghijk")
        assert Tags(html).find("script", src="/static/timeline/embeds.js")
        assert "<cite>Special report: the night of the attacks</cite> (Example News)" in html
        assert Tags(html).find("a", href="https://radio.example/special")
        assert "Listen: Radio special" in html

    def test_references_show_title_link_outlet_date_and_access_date(self, client, anatomy):
        text = text_of(get(client, anatomy.url))
        assert "Inquiry report, Example Gazette, 2016 July (accessed November 1 2020)" in text
        assert Tags(html_of(client, anatomy.url)).find("a", href="https://example.org/inquiry")

    def test_filed_under_links_to_the_category_and_tag_archives(self, client, anatomy):
        html = html_of(client, anatomy.url)
        assert (
            'Filed under <a href="/categories/world/" rel="category">World</a>, '
            '<a href="/tags/paris/" rel="tag">Paris</a>, '
            '<a href="/tags/terrorism/" rel="tag">Terrorism</a>'
        ) in html

    def test_parts_come_in_the_order_of_the_anatomy(self, client, anatomy):
        html = html_of(client, anatomy.url)
        markers = [
            'class="kicker"',
            "<h1",
            'class="byline"',
            "Published <time",
            'class="epigraphs"',
            'class="lede"',
            'class="follow"',
            "RELATED POST:",
            'class="updates"',
            'class="article__body"',
            'class="story-timeline"',
            'class="media"',
            'class="references"',
            "Filed under",
        ]
        positions = [html.index(marker) for marker in markers]
        assert positions == sorted(positions)

    def test_head_has_description_canonical_and_share_card(self, client, anatomy, settings):
        page = Tags(html_of(client, anatomy.url))
        url = settings.SITE_URL + anatomy.url
        assert page.find("link", rel="canonical", href=url)
        assert page.find("meta", property="og:url", content=url)
        assert page.find("meta", property="og:title", content="The night of 13 November")
        assert page.find("meta", name="description", content=anatomy.article.summary)
        assert not page.find("meta", name="robots")

    def test_description_falls_back_to_the_lede_text(self, client):
        article = make_article(summary="", lede="**May 4 1985** — Rock &amp; roll *began*.")
        page = Tags(html_of(client, article.get_absolute_url()))
        assert page.find("meta", name="description", content="May 4 1985 — Rock & roll began.")


class TestStructuredData:
    def test_news_article_json_ld_parses_with_first_publication_and_newest_update(
        self, client, anatomy, settings
    ):
        response = get(client, anatomy.url)
        (payload,) = LD_JSON.findall(response.content.decode())
        news, crumbs = json.loads(payload)
        assert news["@type"] == "NewsArticle"
        assert news["headline"] == "The night of 13 November"
        assert dt.datetime.fromisoformat(news["datePublished"]) == FIRST_PUBLISHED
        assert (
            dt.datetime.fromisoformat(news["dateModified"]) == anatomy.updates.newest.published_at
        )
        assert [a["name"] for a in news["author"]] == ["Ada Reporter", "Ben Writer"]
        assert news["publisher"]["name"] == settings.NEWSROOM["name"]
        assert news["mainEntityOfPage"]["@id"] == settings.SITE_URL + anatomy.url
        assert news["keywords"] == ["Paris", "Terrorism"]
        assert news["articleSection"] == ["World"]
        assert [item["name"] for item in crumbs["itemListElement"]][1:] == [
            "World",
            "The night of 13 November",
        ]
        assert "nonce" not in response.content.decode()

    def test_date_modified_is_the_first_publication_when_there_is_no_update(self, client):
        article = make_article(published_at=FIRST_PUBLISHED)
        (payload,) = LD_JSON.findall(html_of(client, article.get_absolute_url()))
        news = json.loads(payload)[0]
        assert news["dateModified"] == news["datePublished"]


class TestVisibility:
    def test_unknown_article_is_404(self, client):
        assert client.get(reverse("timeline:article", kwargs={"slug": "nope"})).status_code == 404

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
    def test_unpublished_article_is_404_for_readers_and_non_staff_users(self, client, status):
        article = make_article(status=status, publish_at=NOW + dt.timedelta(days=3))
        assert client.get(article.get_absolute_url()).status_code == 404
        client.force_login(make_user(is_staff=False))
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_staff_preview_of_a_draft_has_a_banner_noindex_and_no_store(self, client):
        article = make_article(status=Status.DRAFT)
        client.force_login(make_user(is_staff=True))
        response = get(client, article.get_absolute_url())
        assert "Preview — this article is not published" in text_of(response)
        assert "It is a draft" in text_of(response)
        assert Tags(response.content.decode()).find("meta", name="robots", content="noindex")
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control

    def test_staff_preview_of_a_scheduled_article_says_when_it_goes_live(self, client):
        publish_at = dt.datetime(2026, 11, 13, 8, 0, tzinfo=dt.UTC)
        article = make_article(status=Status.SCHEDULED, publish_at=publish_at)
        client.force_login(make_user(is_staff=True))
        text = text_of(get(client, article.get_absolute_url()))
        assert "Preview — this article is not published." in text
        assert "It is scheduled for November 13 2026, 09:00 CET." in text

    def test_unpublished_updates_are_hidden_from_readers(self, client, anatomy):
        text = text_of(get(client, anatomy.url))
        assert "Words for next year" not in text
        assert "update-2026-11-13" not in html_of(client, anatomy.url)

    def test_staff_see_unpublished_updates_labelled(self, client, anatomy):
        scheduled = make_update(
            anatomy.article,
            status=Status.SCHEDULED,
            publish_at=dt.datetime(2027, 11, 13, 8, 0, tzinfo=dt.UTC),
            dated_at=dt.datetime(2027, 11, 13, 8, 0, tzinfo=dt.UTC),
            body="Scheduled words.",
        )
        client.force_login(make_user(is_staff=True))
        response = get(client, anatomy.url)
        text = text_of(response)
        assert "Words for next year, not ready." in text
        assert "Draft: not published" in text
        assert "Scheduled for November 13 2027, 09:00 CET: not published" in text
        assert "2 unpublished updates shown below" in text
        assert f'id="{scheduled.anchor}" class="update update--update update--unpublished"' in (
            response.content.decode()
        )
        assert "no-store" in response["Cache-Control"]

    def test_readers_get_no_noindex_and_no_banner(self, client, anatomy):
        response = get(client, anatomy.url)
        assert "preview-banner" not in response.content.decode()
        assert "no-store" not in response.get("Cache-Control", "")
        # Staff get a different page at the same URL: caches must key on the session cookie.
        assert "Cookie" in response["Vary"]

    def test_related_links_to_unpublished_articles_are_hidden_from_readers(self, client):
        article = make_article()
        make_related(article, target=make_article(title="Secret draft", status=Status.DRAFT))
        assert "Secret draft" not in text_of(get(client, article.get_absolute_url()))


class TestListPages:
    def test_home_lists_only_published_articles_with_kicker_title_summary_and_date(self, client):
        shown = make_article(title="Shown", kicker="Five Years Ago", summary="In short.")
        make_article(title="Hidden draft", status=Status.DRAFT)
        make_article(title="Hidden scheduled", status=Status.SCHEDULED, publish_at=NOW)
        response = get(client, reverse("timeline:home"))
        text, html = text_of(response), response.content.decode()
        assert "Shown" in text and "In short." in text and "Five Years Ago" in text
        assert "Hidden" not in text
        assert f'<a href="{shown.get_absolute_url()}">Shown</a>' in html
        assert "November 13 2025" in text

    def test_home_shows_the_most_recently_featured_first_twenty_a_page(self, client):
        for n in range(21):
            make_article(title=f"Numbered {n:02d}", featured_at=NOW - dt.timedelta(days=n))
        first = text_of(get(client, reverse("timeline:home")))
        assert "Numbered 00" in first and "Numbered 19" in first
        assert "Numbered 20" not in first
        assert first.index("Numbered 00") < first.index("Numbered 01")
        second = text_of(get(client, reverse("timeline:home") + "?page=2"))
        assert "Numbered 20" in second and "Page 2 of 2" in second
        assert client.get(reverse("timeline:home") + "?page=9").status_code == 404

    def test_story_page_shows_summary_tags_published_articles_and_whole_timeline(self, client):
        story = make_story(
            title="A followed story", summary="What it was about.", event_time=dt.time(21, 16)
        )
        story.tags.add(make_tag(name="Courts", slug="courts"))
        make_article(story=story, title="Published about it")
        make_article(story=story, title="Draft about it", status=Status.DRAFT)
        make_entry(story, "1985 May 4", text="Early.")
        make_entry(story, "2015 November 13", text="Later.", is_key_moment=True)
        response = get(client, story.get_absolute_url())
        text = text_of(response)
        assert Tags(response.content.decode()).h1s == ["A followed story"]
        assert "What it was about." in text
        assert "Published about it" in text and "Draft about it" not in text
        assert text.index("Early.") < text.index("Later.")
        assert 'href="/tags/courts/"' in response.content.decode()
        assert "Key moment" in text
        assert (
            '<time datetime="2015-11-13T21:16:00+01:00">November 13 2015, 21:16 CET</time>'
        ) in response.content.decode()

    def test_tag_archive_lists_only_published_articles_with_that_tag(self, client):
        tag = make_tag(name="Trials", slug="trials")
        for title, status in [("Tagged live", Status.PUBLISHED), ("Tagged draft", Status.DRAFT)]:
            make_article(title=title, status=status).tags.add(tag)
        make_article(title="Untagged")
        text = text_of(get(client, tag.get_absolute_url()))
        assert "Tagged live" in text
        assert "Tagged draft" not in text and "Untagged" not in text

    def test_category_archive_lists_only_published_articles_in_it(self, client):
        category = make_category(name="Justice", slug="justice", description="Courts and trials.")
        make_article(title="Filed live", category=category)
        make_article(title="Filed draft", category=category, status=Status.DRAFT)
        make_article(title="Elsewhere")
        text = text_of(get(client, category.get_absolute_url()))
        assert "Justice" in text and "Courts and trials." in text
        assert "Filed live" in text
        assert "Filed draft" not in text and "Elsewhere" not in text

    @pytest.mark.parametrize("name", ["timeline:story", "timeline:tag", "timeline:category"])
    def test_unknown_slugs_are_404(self, client, name):
        assert client.get(reverse(name, kwargs={"slug": "missing"})).status_code == 404


class TestQueryCounts:
    """Pin the number of queries per page: guards against N+1 queries as content grows."""

    # selectors.article_page's 4 queries, 1 for its story's timeline when its cached fragment is
    # missing, 1 for the approved reader comments (comments/_comments.html), and 1 for the
    # byline's credited authors (timeline.site.people.byline).
    ARTICLE_PAGE_QUERIES = 7

    def _grow(self, article, n):
        for i in range(n):
            make_update(
                article,
                dated_at=NOW - dt.timedelta(days=i),
                published_at=NOW - dt.timedelta(days=i),
                body=f"Update {i}.",
            )
        paragraphs = "\n\n".join(f"Paragraph {i}." for i in range(n))
        article.body = paragraphs
        article.save()
        for i in range(n):
            quote = make_quote(text=f"Quote {i}")
            place_quote(
                article, quote, placement=Placement.BODY, anchor=f"paragraph:Paragraph {i}."
            )

    def _count(self, client, url, django_assert_max_num_queries):
        connection.features.supports_json_field  # noqa: B018 (SQLite checks it once, by query)
        cache.clear()  # cold: the timeline fragment rendered afresh
        SiteSettings.load()  # cached apart, its one cold read pinned in test_site_settings
        with django_assert_max_num_queries(self.ARTICLE_PAGE_QUERIES) as captured:
            get(client, url)
        return len(captured)

    def test_article_page_queries_do_not_grow_with_its_content(
        self, client, django_assert_max_num_queries
    ):
        small = make_article()
        make_update(small)
        place_quote(small, placement=Placement.BODY, anchor="paragraph:Gone.")
        make_entry(small.story)
        make_related(small)
        make_reference(small)
        make_embed(small)
        base = self._count(client, small.get_absolute_url(), django_assert_max_num_queries)

        big = make_article()
        self._grow(big, 50)
        for i in range(200):
            make_entry(big.story, f"{1900 + i % 120}-0{1 + i % 9}", text=f"Entry {i}.")
        for i in range(20):
            make_related(big, url=f"https://example.org/{i}", label=f"Link {i}")
            make_reference(big, title=f"Reference {i}")
            make_embed(big, title=f"Embed {i}")
        assert self._count(client, big.get_absolute_url(), django_assert_max_num_queries) == base

    def test_home_queries_are_pinned(self, client, django_assert_max_num_queries):
        for _ in range(25):
            make_article(category=make_category())
        with django_assert_max_num_queries(2):
            get(client, reverse("timeline:home"))

    def test_story_page_queries_are_pinned(self, client, django_assert_max_num_queries):
        story = make_story()
        story.tags.add(make_tag(), make_tag())
        for _ in range(10):
            make_article(story=story, category=make_category())
        for i in range(30):
            make_entry(story, f"{1950 + i}")
        cache.clear()
        SiteSettings.load()  # cached apart, its one cold read pinned in test_site_settings
        with django_assert_max_num_queries(4):
            get(client, story.get_absolute_url())

    def test_tag_and_category_archives_queries_are_pinned(
        self, client, django_assert_max_num_queries
    ):
        tag, category = make_tag(), make_category()
        for _ in range(25):
            make_article(category=category).tags.add(tag)
        for url in (tag.get_absolute_url(), category.get_absolute_url()):
            with django_assert_max_num_queries(3):
                get(client, url)

    def test_timeline_filter_page_pictures_cost_no_query_each(
        self, client, media, django_assert_max_num_queries
    ):
        """
        Guards against N+1 queries: each entry's picture rides along with it (a join), so a
        filtered page of 20 pictured entries costs the queries of a page of 2.
        """
        story = make_story()
        make_article(story=story)
        pictures = [make_image(), make_image(title="Second")]
        url = reverse("timeline:story_timeline", kwargs={"slug": story.slug})

        def count(first, last):
            for i in range(first, last):
                make_entry(story, f"{1950 + i}-05-01", text=f"Entry {i}", image=pictures[i % 2])
            query = {"date_from": "1950", "date_to": "1999"}
            client.get(url, query)  # the site's settings read once, then cached
            with django_assert_max_num_queries(4) as captured:  # story, count, entries, tags
                response = client.get(url, query)
            assert response.status_code == 200
            assert response.content.decode().count('class="timeline__image"') == last
            return len(captured)

        assert count(0, 2) == count(2, 20)


class TestTimelineFilterTagField:
    """
    The filter page writes its tag <select> itself (one loop over the story's tags, not a
    widget template per option): it must say what the form's own widget says.
    """

    @pytest.mark.parametrize(
        "query", [{}, {"tag": "fire"}, {"tag": "no-such-tag"}], ids=["none", "chosen", "invalid"]
    )
    def test_the_tag_field_is_the_forms_own(self, client, query):
        story = make_story()
        make_article(story=story)
        for name in ("Fire", "Ash", "Rain & snow <b>"):
            entry = make_entry(story, "1986-04-26", text=name)
            entry.tags.add(make_tag(name=name, slug=name.split()[0].lower()))
        response = client.get(
            reverse("timeline:story_timeline", kwargs={"slug": story.slug}), query
        )
        assert response.status_code == (400 if query.get("tag") == "no-such-tag" else 200)

        data = QueryDict(mutable=True)
        data.update(query)
        filterset = TimelineFilter(data, queryset=selectors.timeline_entries(story), story=story)
        filterset.is_valid()
        expected = _elements(filterset.form["tag"].as_field_group())
        page = _elements(response.content.decode())
        start = page.index(expected[0])
        assert page[start : start + len(expected)] == expected
        assert len(expected) == 6 + 2 * bool(filterset.errors)  # label, select, 4 options; error


def _elements(html):
    """Every element as (name, attributes, its text with whitespace collapsed)."""
    return [(name, attrs, " ".join(text.split())) for name, attrs, text in Elements(html).elements]


class TestTimelineFragment:
    """
    A story's timeline is rendered once per version of its entries (their count and latest
    change, read with the page's own query) and reused by every page that shows it.
    """

    def test_an_unchanged_timeline_is_not_rendered_again(
        self, client, django_assert_max_num_queries
    ):
        article = make_article()
        for i in range(30):
            make_entry(article.story, f"{1950 + i}", text=f"Entry {i}.")
        connection.features.supports_json_field  # noqa: B018 (SQLite checks it once, by query)
        cache.clear()
        SiteSettings.load()  # cached apart, its one cold read pinned in test_site_settings
        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES) as cold:
            first = html_of(client, article.get_absolute_url())
        page = selectors.article_page(slug=article.slug)
        key = make_template_fragment_key(
            "story_timeline", [article.story_id, article.timeline_until, page.timeline_version]
        )
        assert cache.get(key) is not None
        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES) as warm:
            second = html_of(client, article.get_absolute_url())
        assert len(warm) == len(cold) - 1
        reads_entries = [q["sql"].startswith('SELECT "timeline_timelineentry"') for q in cold]
        assert reads_entries.count(True) == 1
        assert not any(q["sql"].startswith('SELECT "timeline_timelineentry"') for q in warm)
        assert first == second
        assert second.count('class="timeline__entry') == 30

    def test_the_story_page_reuses_the_article_pages_timeline(
        self, client, django_assert_max_num_queries
    ):
        article = make_article()
        make_entry(article.story, "1986-04-26", text="The reactor exploded.")
        cache.clear()
        SiteSettings.load()  # cached apart, its one cold read pinned in test_site_settings
        html_of(client, article.get_absolute_url())
        with django_assert_max_num_queries(3):  # the story, its tags, its articles
            html = html_of(client, article.story.get_absolute_url())
        assert "The reactor exploded." in html

    def test_an_edited_entry_shows_at_once_on_the_article_and_story_pages(self, client):
        article = make_article()
        entry = make_entry(article.story, "1986-04-26", text="The reactor exploded.")
        make_entry(article.story, "1986-04-27", text="Pripyat was evacuated.")
        for url in (article.get_absolute_url(), article.story.get_absolute_url()):
            assert "The reactor exploded." in html_of(client, url)
        entry.text = "Reactor 4 exploded."
        entry.save()
        for url in (article.get_absolute_url(), article.story.get_absolute_url()):
            html = html_of(client, url)
            assert "Reactor 4 exploded." in html and "The reactor exploded." not in html

    def test_added_and_removed_entries_show_at_once(self, client):
        article = make_article()
        first = make_entry(article.story, "1986-04-26", text="The reactor exploded.")
        url = article.get_absolute_url()
        assert "The reactor exploded." in html_of(client, url)
        make_entry(article.story, "1986-04-27", text="Pripyat was evacuated.")
        assert "Pripyat was evacuated." in html_of(client, url)
        first.delete()
        html = html_of(client, url)
        assert "The reactor exploded." not in html and "Pripyat was evacuated." in html


class TestErrorPages:
    def test_404_page_is_the_site_page_without_details(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "Traceback" not in html and "No such" not in html

    def test_500_page_renders_without_a_request(self):
        html = loader.get_template("500.html").render()
        assert "Something went wrong" in html
        assert 'href="/"' in html

    @pytest.mark.parametrize("code", ["400", "403"])
    def test_other_error_pages_render(self, code):
        assert f"Error {code}" in loader.get_template(f"{code}.html").render()
