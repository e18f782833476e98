"""Selectors: what each page is given, and in how many queries."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string

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
    place_quote,
)
from timeline import selectors
from timeline.models import Placement, Status

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


class TestArticlePage:
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
    def test_unpublished_article_is_not_found_publicly_but_is_in_preview(self, status):
        article = make_article(status=status, publish_at=NOW)
        with pytest.raises(Http404):
            selectors.article_page(slug=article.slug)
        page = selectors.article_page(slug=article.slug, preview=True)
        assert page.article == article and page.preview

    def test_unknown_slug_is_not_found(self):
        with pytest.raises(Http404):
            selectors.article_page(slug="missing", preview=True)

    def test_public_page_has_published_updates_only_newest_first(self):
        article = make_article()
        old = make_update(article, dated_at=NOW - 400 * DAY)
        new = make_update(article, dated_at=NOW - DAY)
        draft = make_update(article, status=Status.DRAFT, dated_at=NOW)
        assert selectors.article_page(slug=article.slug).updates == [new, old]
        preview = selectors.article_page(slug=article.slug, preview=True)
        assert preview.updates == [draft, new, old]
        assert preview.unpublished_updates == [draft]

    def test_epigraphs_keep_their_order_and_body_quotes_are_not_epigraphs(self):
        article = make_article()
        second, first = make_quote(text="Second"), make_quote(text="First")
        place_quote(article, second, placement=Placement.TOP, order=2)
        place_quote(article, first, placement=Placement.TOP, order=1)
        place_quote(
            article, make_quote(text="Inline"), placement=Placement.BODY, anchor="paragraph:One."
        )
        assert selectors.article_page(slug=article.slug).epigraphs == [first, second]

    def test_body_is_split_after_the_paragraph_each_quote_follows(self):
        article = make_article(body="One.\n\nTwo.\n\nThree.")
        quote = make_quote()
        place_quote(article, quote, placement=Placement.BODY, anchor="paragraph:Two.")
        blocks = selectors.article_page(slug=article.slug).body
        assert [block.html.strip() for block in blocks] == [
            "<p>One.</p>\n<p>Two.</p>",
            "<p>Three.</p>",
        ]
        assert [block.quotes for block in blocks] == [[quote], []]

    def test_quote_whose_paragraph_is_gone_still_shows_after_the_body(self):
        article = make_article(body="Only paragraph.")
        quote = make_quote()
        place_quote(article, quote, placement=Placement.BODY, anchor="paragraph:Gone.")
        blocks = selectors.article_page(slug=article.slug).body
        assert "".join(block.html for block in blocks).strip() == "<p>Only paragraph.</p>"
        assert blocks[-1].quotes == [quote]

    def test_date_modified_is_the_newest_published_update(self):
        article = make_article(published_at=NOW - 700 * DAY)
        make_update(article, published_at=NOW - 300 * DAY)
        make_update(article, published_at=NOW - 10 * DAY, dated_at=NOW - 400 * DAY)
        make_update(article, status=Status.SCHEDULED, publish_at=NOW + DAY)
        page = selectors.article_page(slug=article.slug, preview=True)
        assert page.date_modified == NOW - 10 * DAY
        assert page.last_updated == NOW - 10 * DAY

    def test_date_modified_falls_back_to_first_publication(self):
        article = make_article()
        page = selectors.article_page(slug=article.slug)
        assert page.date_modified == article.published_at
        assert page.last_updated is None

    def test_description_is_the_summary_else_the_lede_as_plain_text(self):
        with_summary = make_article(summary="Short & sweet.")
        assert selectors.article_page(slug=with_summary.slug).description == "Short & sweet."
        without = make_article(summary="", lede="**Nov. 13** — *Words* & more " + "word " * 60)
        description = selectors.article_page(slug=without.slug).description
        assert description.startswith("Nov. 13 — Words & more word")
        assert description.endswith("…") and len(description.split()) == 40

    def test_related_links_to_unpublished_articles_appear_only_in_preview(self):
        article = make_article()
        live = make_related(article, target=make_article(), order=1)
        hidden = make_related(article, target=make_article(status=Status.DRAFT), order=2)
        external = make_related(article, url="https://example.org/", label="Out", order=3)
        assert selectors.article_page(slug=article.slug).related_links == [live, external]
        preview = selectors.article_page(slug=article.slug, preview=True)
        assert preview.related_links == [live, hidden, external]

    def test_timeline_stops_at_the_articles_timeline_until(self):
        story = make_story()
        early = make_entry(story, "2015-11-13")
        make_entry(story, "2016-01-01")
        article = make_article(story=story, timeline_until=dt.date(2015, 12, 31))
        assert [e.pk for e in selectors.article_page(slug=article.slug).timeline] == [early.pk]

    def test_everything_on_the_page_is_fetched_in_two_queries(self, django_assert_num_queries):
        """
        Guards against N+1 queries: the article (its short lists riding along as JSON: updates,
        quotes, related posts and the rest), and its story's timeline when it is read.
        """
        article = make_article(category=make_category())
        article.tags.add(make_tag())
        make_update(article)
        place_quote(article)
        make_related(article)
        make_reference(article)
        make_embed(article)
        make_entry(article.story)
        connection.features.supports_json_field  # noqa: B018 (SQLite checks it once, by query)
        make_related(article, target=make_article(title="Target"), order=1)
        with django_assert_num_queries(2):
            page = selectors.article_page(slug=article.slug)
            # Reading what the template reads must not query again.
            shown = [
                *(link.href for link in page.related_links),
                " ".join(link.title for link in page.related_links),
                " ".join(update.get_absolute_url() for update in page.updates),
                " ".join(quote.text for quote in page.epigraphs),
                " ".join(edition.title for edition in page.editions),
                render_to_string("timeline/_timeline.html", {"entries": page.timeline}),
                *(tag.get_absolute_url() for tag in page.tags),
                *(ref.published_on_date for ref in page.references),
                *(embed.player_url for embed in page.embeds),
                *(edition.get_absolute_url() for edition in page.editions),
                page.categories[0].name,
                page.article.story.title,
            ]
        assert len(shown) == 12
        assert "Target" in shown[2]
        # The Markdown sources are not read: deferred, so nothing shows a blank instead.
        assert page.article.get_deferred_fields() == {"body", "lede"}
        assert page.updates[0].get_deferred_fields() == {"body"}


class TestStoryTimeline:
    def test_entries_come_in_date_order_across_precisions(self):
        story = make_story()
        texts = ["2015-11-13T21:16:00", "2015", "1999/2000", "2006-05", "1985-05-04", "2015-22"]
        for text in texts:
            make_entry(story, text, text=text)
        entries = selectors.story_timeline(story)
        assert [e.date for e in entries] == [
            "1985-05-04",
            "1999/2000",
            "2006-05",
            "2015",
            "2015-22",
            "2015-11-13T21:16:00",
        ]

    def test_formatting_entries_needs_no_further_query(self, django_assert_num_queries):
        story = make_story(time_zone="Europe/Paris")
        make_entry(story, "2015-11-13T21:16:00")
        make_entry(story, "2015-11-14")
        with django_assert_num_queries(1):
            html = render_to_string(
                "timeline/_timeline.html", {"entries": selectors.story_timeline(story)}
            )
        assert '<time class="timeline__date" datetime="2015-11-13T21:16+01:00">' in html
        assert ">2015 November 13, 21:16 CET</time>" in html
        assert ">2015 November 14</time>" in html

    def test_no_story_means_no_timeline(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert list(selectors.story_timeline(None)) == []


class TestStoryPage:
    def test_story_page_has_published_articles_latest_first_and_its_timeline(self):
        story = make_story()
        older = make_article(story=story, featured_at=NOW - 10 * DAY)
        newer = make_article(story=story, featured_at=NOW - DAY)
        make_article(story=story, status=Status.DRAFT)
        entry = make_entry(story)
        found, timeline = selectors.story_page(slug=story.slug)
        assert found == story
        assert found.published_articles == [newer, older]
        assert [e.pk for e in timeline] == [entry.pk]

    def test_story_page_queries_do_not_grow_with_articles(self, django_assert_num_queries):
        story = make_story()
        story.tags.add(make_tag())
        for _ in range(5):
            make_article(story=story, category=make_category())
        with django_assert_num_queries(3):
            found, _ = selectors.story_page(slug=story.slug)
            shown = [a.category_rows[0]["name"] for a in found.published_articles]
            shown += [t.name for t in found.tags.all()]
        assert len(shown) == 6

    def test_unknown_story_is_not_found(self):
        with pytest.raises(Http404):
            selectors.story_page(slug="missing")


class TestArchives:
    def test_latest_articles_are_published_only_most_recently_featured_first(self):
        old = make_article(featured_at=NOW - 30 * DAY)
        new = make_article(featured_at=NOW - DAY)
        make_article(status=Status.SCHEDULED, publish_at=NOW)
        assert list(selectors.latest_articles()) == [new, old]

    def test_tag_archive_has_the_tags_published_articles(self):
        tag = make_tag()
        tagged = make_article()
        tagged.tags.add(tag)
        make_article(status=Status.DRAFT).tags.add(tag)
        make_article()
        found, articles = selectors.tag_archive(slug=tag.slug)
        assert found == tag and list(articles) == [tagged]

    def test_category_archive_has_the_categorys_published_articles(self):
        category = make_category()
        filed = make_article(category=category)
        make_article(category=category, status=Status.DRAFT)
        make_article()
        found, articles = selectors.category_archive(slug=category.slug)
        assert found == category and list(articles) == [filed]

    @pytest.mark.parametrize("archive", [selectors.tag_archive, selectors.category_archive])
    def test_unknown_archive_is_not_found(self, archive):
        with pytest.raises(Http404):
            archive(slug="missing")
