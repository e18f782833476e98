"""Quotes stand where the editor put them: at the top, by an update, after a heading or
paragraph named by its words, so edits of the body elsewhere leave them in place."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_quote, make_update, make_user, place_quote
from timeline import body_anchors, services
from timeline.models import Placement

pytestmark = pytest.mark.django_db

BODY = "Opening paragraph of the original.\n\n## The night shift\n\nWhat the operators saw.\n"


def page(client, article, url=None):
    response = client.get(url or article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def in_order(html, *fragments):
    positions = [html.index(fragment) for fragment in fragments]
    return positions == sorted(positions)


class TestAnchors:
    def test_headings_and_paragraphs_are_named_by_their_words(self):
        html = make_article(body=BODY).body_html
        assert body_anchors.choices(html) == [
            ("paragraph:Opening paragraph of the original.", "After the paragraph “Opening "
             "paragraph of the original.”"),
            ("heading:the-night-shift", "After the heading “The night shift”"),
            ("paragraph:What the operators saw.", "After the paragraph “What the operators saw.”"),
        ]  # fmt: skip

    def test_blocks_put_back_together_are_the_body(self):
        html = make_article(body=BODY + "\n> A quotation\n\n- one\n- two\n\n---\n").body_html
        assert "".join(block.html for block in body_anchors.blocks(html)) == html

    def test_a_paragraph_number_names_the_element_it_was_in(self):
        """How 0013 moved 'after paragraph N' onto names."""
        html = make_article(body=BODY).body_html
        assert body_anchors.anchor_of_paragraph(html, 2) == "paragraph:What the operators saw."
        assert body_anchors.anchor_of_paragraph(html, 9) == ""


class TestOnThePage:
    def test_a_quote_between_two_updates_renders_between_them(self, client):
        article = make_article(body=BODY)
        older = make_update(
            article, body="The older update.", dated_at=timezone.now() - dt.timedelta(days=400)
        )
        newer = make_update(article, body="The newer update.", dated_at=timezone.now())
        place_quote(
            article,
            make_quote(text="Said after the older."),
            placement=Placement.AFTER_UPDATE,
            update=older,
        )
        place_quote(article, make_quote(text="Said before the newer."),
                    placement=Placement.BEFORE_UPDATE, update=newer)  # fmt: skip
        html = page(client, article)
        # Updates run newest first: newer, then older.
        assert in_order(
            html,
            "Said before the newer.",
            "The newer update.",
            "The older update.",
            "Said after the older.",
            "Opening paragraph",
        )

    def test_a_quote_after_a_heading_stays_there_when_paragraphs_are_added_above(self, client):
        article = make_article(body=BODY)
        place_quote(article, make_quote(text="Words of the night."),
                    placement=Placement.BODY, anchor="heading:the-night-shift")  # fmt: skip
        assert in_order(
            page(client, article), "The night shift", "Words of the night.", "operators"
        )
        article.body = "A new first paragraph.\n\nAnd a second one.\n\n" + BODY
        article.save()
        html = page(client, article)
        assert in_order(html, "And a second one.", "The night shift", "Words of the night.")
        assert in_order(html, "Words of the night.", "What the operators saw.")

    def test_a_quote_whose_place_is_gone_ends_the_body(self, client):
        article = make_article(body=BODY)
        quote = make_quote(text="Orphaned words.")
        placed = place_quote(
            article, quote, placement=Placement.BODY, anchor="heading:the-night-shift"
        )
        article.body = "Only this now.\n"
        article.save()
        assert in_order(page(client, article), "Only this now.", "Orphaned words.")
        placed.refresh_from_db()
        assert not placed.is_found()

    def test_a_quote_by_a_draft_update_waits_at_the_end_of_the_body(self, client):
        article = make_article(body=BODY)
        draft = make_update(article, body="Not yet.", status="draft")
        place_quote(article, make_quote(text="Beside a draft."),
                    placement=Placement.BEFORE_UPDATE, update=draft)  # fmt: skip
        html = page(client, article)
        assert "Not yet." not in html
        assert in_order(html, "What the operators saw.", "Beside a draft.")


class TestSnapshots:
    def test_frozen_editions_show_quotes_in_place(self, client):
        now = timezone.now()
        article = make_article(body=BODY, status="draft")
        services.publish_article(article=article, now=now - dt.timedelta(days=400))
        update = make_update(article, body="An update then.", dated_at=now - dt.timedelta(days=2),
                             published_at=now - dt.timedelta(days=2))  # fmt: skip
        place_quote(
            article,
            make_quote(text="Heading words."),
            placement=Placement.BODY,
            anchor="heading:the-night-shift",
        )
        place_quote(
            article,
            make_quote(text="Update words."),
            placement=Placement.AFTER_UPDATE,
            update=update,
        )
        place_quote(article, make_quote(text="Top words."), placement=Placement.TOP)  # fmt: skip
        services.cut_manual_edition(
            article=article, suffix="a verdict", now=now + dt.timedelta(minutes=1)
        )
        article.body = "Rewritten later.\n"
        article.save()
        snapshot = article.editions.get(kind="original").get_absolute_url()
        html = page(client, article, snapshot)
        assert in_order(html, "Top words.", "An update then.", "Update words.", "The night shift",
                        "Heading words.", "What the operators saw.")  # fmt: skip


class TestAdmin:
    @pytest.fixture
    def editor(self, client):
        user = make_user(is_superuser=True)
        assert client.login(username=user.username, password=user.raw_password)

    def test_places_are_offered_from_the_body_and_a_lost_one_is_flagged(self, client, editor):
        article = make_article(body=BODY)
        place_quote(article, make_quote(), placement=Placement.BODY, anchor="heading:gone-now")
        url = reverse("admin:timeline_article_change", args=[article.pk])
        html = client.get(url).content.decode()
        assert "After the heading “The night shift”" in html
        assert "(no longer in the body)" in html
        assert "Its place is gone: shown at the end of the body" in html
