"""
Paste a list of related posts: the lines as a WordPress post has them, each matched to an
article of this site (by its address, the address it was imported from, its slug or its title;
published or not), else kept as an external link with its text; unread lines marked, nothing
written until every line reads.
"""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_user
from timeline.admin import related_lines
from timeline.imports import lines
from timeline.models import ImportedPost, Status

pytestmark = pytest.mark.django_db


class TestParser:
    @pytest.mark.parametrize(
        ("line", "text", "url"),
        [
            (
                "RELATED POST: The trial opens — https://example.org/2016/trial/",
                "The trial opens",
                "https://example.org/2016/trial/",
            ),
            (
                "Related posts: One year on \u2013 https://a.example/b",
                "One year on",
                "https://a.example/b",
            ),
            ("The trial opens (https://example.org/t)", "The trial opens", "https://example.org/t"),
            ("https://elsewhere.example/report", "", "https://elsewhere.example/report"),
            ("RELATED POST: The trial opens", "The trial opens", ""),
            ("- Paris — one year on", "Paris — one year on", ""),
            ("2. A title https://a.example/c.", "A title", "https://a.example/c"),
        ],
    )
    def test_reads_the_text_and_address_as_written(self, line, text, url):
        assert lines.parse_related(line) == lines.RelatedLine(text=text, url=url)

    def test_a_marker_alone_is_unread_and_says_why(self):
        found = lines.parse_related("RELATED POST:")
        assert isinstance(found, lines.UnreadLine)
        assert found.text == "RELATED POST:" and "title or its address" in found.reason

    def test_blank_lines_are_skipped_and_order_kept(self):
        found = lines.parse_related_list("First https://a.example/1\n\n  \nSecond\n")
        assert [line.text for line in found] == ["First", "Second"]


class TestMatching:
    def test_an_address_of_this_site_a_title_and_a_slug_name_articles_of_any_status(self, settings):
        settings.SITE_URL = "https://news.example"
        article = make_article()
        draft = make_article(title="The verdict", slug="the-verdict", status=Status.DRAFT)
        other = make_article(title="One year on", slug="one-year-on")
        text = (
            "RELATED POST: Verdict day — https://news.example/articles/the-verdict/\n"
            "one year on\n"
            "the-verdict\n"
        )
        rows = related_lines.rows(text, article)
        assert all(row["ok"] for row in rows)
        found = [(row["row"].target, row["row"].label) for row in rows]
        # The text is kept when it differs from the title, not when it repeats it.
        assert found == [(draft, "Verdict day"), (other, ""), (draft, "the-verdict")]

    def test_the_address_a_post_was_imported_from_names_its_article(self):
        article, imported = make_article(), make_article(title="Imported")
        ImportedPost.objects.create(
            site="https://old.example",
            wp_id=7,
            link="old.example/2016/05/imported",
            article=imported,
        )
        rows = related_lines.rows("Imported — https://www.old.example/2016/05/imported/", article)
        assert rows[0]["row"].target == imported

    def test_an_address_elsewhere_is_an_external_link_with_its_text(self):
        rows = related_lines.rows(
            "The report (https://elsewhere.example/r)\nhttps://bare.example/x", make_article()
        )
        assert [(r["row"].target, r["row"].href, r["row"].label) for r in rows] == [
            (None, "https://elsewhere.example/r", "The report"),
            (None, "https://bare.example/x", "https://bare.example/x"),
        ]

    def test_a_long_bare_address_is_its_own_label_cut_to_fit(self):
        url = "https://elsewhere.example/" + "a" * 400
        row = related_lines.rows(url, make_article())[0]["row"]
        assert row.href == url and row.label == url[:300]

    def test_an_address_that_is_not_a_web_address_is_marked(self):
        rows = related_lines.rows("Odd https://-bad-.example/x", make_article())
        assert rows[0]["ok"] is False and "not a valid web address" in rows[0]["row"].reason

    def test_unknown_or_ambiguous_titles_and_the_article_itself_are_marked(self):
        article = make_article(title="Itself")
        make_article(title="Twice")
        make_article(title="Twice")
        rows = related_lines.rows("Nothing by this name\nTwice\nItself\n", article)
        assert [r["ok"] for r in rows] == [False, False, False]
        reasons = [r["row"].reason for r in rows]
        assert "No article of this site" in reasons[0]
        assert "Several articles" in reasons[1]
        assert "article itself" in reasons[2]

    def test_matching_reads_a_fixed_number_of_queries(self, django_assert_num_queries):
        """Three queries (slugs, imported addresses, titles) however many lines: no N+1."""
        article = make_article()

        def pasted(count):
            return "\n".join(
                f"Title {n} https://elsewhere.example/{n}\nslug-{n}" for n in range(count)
            )

        with django_assert_num_queries(3):
            few = related_lines.rows(pasted(2), article)
        with django_assert_num_queries(3):
            many = related_lines.rows(pasted(30), article)
        assert (len(few), len(many)) == (4, 60)


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(is_superuser=True))
    return client


PASTED = """RELATED POST: The verdict — https://elsewhere.example/verdict
The trial opens
RELATED POST:
"""


def test_the_admin_shows_rows_marks_the_unread_then_adds_them_in_order(editor_client):
    article = make_article()
    draft = make_article(title="The trial opens", status=Status.DRAFT)
    url = reverse("admin:timeline_article_paste", args=[article.pk, "related"])
    change = editor_client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    assert url in change.text and "Paste a list of related posts" in change.text

    checked = editor_client.post(url, {"lines": PASTED, "check": "1"})
    assert checked.status_code == 200
    assert "1 not understood" in checked.text and "Another site" in checked.text
    assert "This site (draft)" in checked.text
    refused = editor_client.post(url, {"lines": PASTED, "confirm": "1"})
    assert refused.status_code == 200 and not article.related_links.exists()

    fixed = PASTED.replace("RELATED POST:\n", "")
    assert editor_client.post(url, {"lines": fixed, "confirm": "1"}).status_code == 302
    links = list(article.related_links.values_list("target", "url", "label", "order"))
    assert links == [
        (None, "https://elsewhere.example/verdict", "The verdict", 0),
        (draft.pk, "", "", 1),
    ]
    assert all(
        link.history.first().history_change_reason == "Pasted related posts"
        for link in article.related_links.all()
    )


def test_a_link_to_a_draft_appears_once_it_is_published(client, editor_client):
    article, draft = make_article(), make_article(title="Coming soon", status=Status.DRAFT)
    url = reverse("admin:timeline_article_paste", args=[article.pk, "related"])
    editor_client.post(url, {"lines": "Coming soon", "confirm": "1"})
    editor_client.logout()
    assert "Coming soon" not in client.get(article.get_absolute_url()).text
    draft.status, draft.published_at, draft.featured_at = (
        Status.PUBLISHED,
        article.published_at,
        article.published_at,
    )
    draft.save()
    assert "Coming soon" in client.get(article.get_absolute_url()).text
