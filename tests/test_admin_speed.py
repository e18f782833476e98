"""
The article's admin page costs what the editor works on (issue 18): a save that changes one
field writes no unchanged inline row and gives none a history row, with a number of queries
that does not grow with the children; only the newest updates are open, the rest are listed.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.admin_forms import form_data, read_form
from timeline.models import QuotePlacement, Reference, RelatedLink, Update

pytestmark = pytest.mark.django_db

CHILDREN = [Update, QuotePlacement, RelatedLink, Reference]


def article_with(children):
    article = f.make_article()
    for n in range(children):
        f.make_update(article, headline=f"Update {n}", dated_at=f.NOW.replace(year=1990 + n))
        f.place_quote(article, f.make_quote(text=f"Quote {n}"), order=n)
        f.make_related(article, order=n)
        f.make_reference(article, order=n, url=f"https://example.org/r{n}")
    return article


def history_rows():
    return {model.__name__: model.history.count() for model in CHILDREN}


def save_summary(client, article, summary, query=""):
    url = reverse("admin:timeline_article_change", args=[article.pk]) + query
    data = form_data(read_form(client.get(url).content.decode()), summary=summary)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return len(captured.captured_queries)


@pytest.fixture
def editor_client(client):
    client.force_login(f.make_user(is_superuser=True))
    return client


@pytest.mark.parametrize("query", ["", "?edit=links"], ids=["links listed", "links open"])
def test_a_one_field_save_writes_no_unchanged_row_and_costs_the_same_however_many(
    editor_client, query
):
    small, large = article_with(2), article_with(9)
    before = history_rows()
    small_queries = save_summary(editor_client, small, "Changed on the small one", query)
    large_queries = save_summary(editor_client, large, "Changed on the large one", query)

    assert history_rows() == before  # no child written, so no child history row
    small.refresh_from_db()
    large.refresh_from_db()
    assert small.summary == "Changed on the small one"
    assert large.summary == "Changed on the large one"
    assert large.history.count() == 2 and small.history.count() == 2
    assert large_queries == small_queries


def test_a_changed_row_is_still_saved_with_its_history(editor_client):
    article = article_with(3)
    reference = article.references.order_by("order").first()
    # The links and media rows are edited on the page opened for them.
    url = reverse("admin:timeline_article_change", args=[article.pk]) + "?edit=links"
    fields = read_form(editor_client.get(url).content.decode())
    name = next(f.name for f in fields if f.value == str(reference.pk) and "references" in f.name)
    title_field = name.replace("-id", "-title")
    response = editor_client.post(url, form_data(fields, **{title_field: "Retitled"}))
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.title == "Retitled"
    assert reference.history.count() == 2
    assert Update.history.filter(article=article).count() == 3  # the updates left alone


def test_only_the_newest_updates_are_open_and_the_rest_are_linked(editor_client):
    article = article_with(0)
    updates = [
        f.make_update(article, headline=f"Year {year}", dated_at=f.NOW.replace(year=year))
        for year in range(2000, 2010)
    ]
    html = editor_client.get(reverse("admin:timeline_article_change", args=[article.pk])).text
    for update in updates[-3:]:
        assert f'value="{update.headline}"' in html  # an open form
    for update in updates[:-3]:
        assert f'value="{update.headline}"' not in html
        assert reverse("admin:timeline_update_change", args=[update.pk]) in html
    assert "Older updates (7)" in html


def test_the_page_renders_the_rows_there_are_and_one_new_update(editor_client):
    """No blank rows to render (Add another makes one), no hidden second new-update form."""
    article = article_with(4)
    url = reverse("admin:timeline_article_change", args=[article.pk]) + "?edit=links"
    html = editor_client.get(url).text
    for prefix in ("quote_placements", "related_links", "references"):
        assert f'name="{prefix}-TOTAL_FORMS" value="4"' in html
        assert f'name="{prefix}-4-id"' not in html
    assert 'name="updates-TOTAL_FORMS" value="1"' in html
    assert 'id="updates-empty"' not in html  # the new update's formset holds one form
    assert 'id="related_links-empty"' in html  # the short lists can still add a row


def test_opening_the_page_reads_the_articles_updates_once_for_every_quote_row(editor_client):
    """Guards against N+1 queries: quote rows offer the updates from one read."""
    small, large = article_with(2), article_with(8)
    counts = []
    for article in (small, large):
        url = reverse("admin:timeline_article_change", args=[article.pk])
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        update_reads = [
            q for q in captured.captured_queries if 'FROM "timeline_update"' in q["sql"]
        ]
        counts.append(len(update_reads))
    assert counts[0] == counts[1]


def test_the_change_page_costs_the_same_queries_however_many_rows(
    editor_client, django_assert_num_queries
):
    """
    Guards against N+1 queries: a related post's and a quote's row show their chosen article
    and quote from the row as read (the admin's autocomplete box reads each again), with the
    links and media section open or listed.
    """
    small, large = article_with(1), article_with(8)
    for query in ("", "?edit=links"):
        urls = [
            reverse("admin:timeline_article_change", args=[article.pk]) + query
            for article in (small, large)
        ]
        editor_client.get(urls[0])  # the site's settings, cached from the first page on
        with CaptureQueriesContext(connection) as small_page:
            assert editor_client.get(urls[0]).status_code == 200
        with django_assert_num_queries(len(small_page.captured_queries)):
            html = editor_client.get(urls[1]).text
        assert "Quote 7" in html  # the rows are there, each naming its quote


PASTED = """2010 October 9 — The inquiry opened.
2010 Summer — Hearings in the town hall.
not a dated line
2015 November 13, 21:16 CET — The first alarm.
"""


def test_a_pasted_timeline_is_shown_row_by_row_then_added_as_typed(editor_client):
    story = f.make_story()
    url = reverse("admin:timeline_story_paste", args=[story.pk, "timeline"])
    checked = editor_client.post(url, {"lines": PASTED, "check": "1"})
    assert checked.status_code == 200
    assert "1 not understood" in checked.text and "not a dated line" in checked.text
    refused = editor_client.post(url, {"lines": PASTED, "confirm": "1"})
    assert refused.status_code == 200 and not story.timeline_entries.exists()

    fixed = PASTED.replace("not a dated line\n", "")
    done = editor_client.post(url, {"lines": fixed, "confirm": "1"})
    assert done.status_code == 302
    labels = sorted(story.timeline_entries.values_list("date_label", "text"))
    assert labels == [
        ("2010 October 9", "The inquiry opened."),
        ("2010 Summer", "Hearings in the town hall."),
        ("2015 November 13, 21:16 CET", "The first alarm."),
    ]
    assert all(
        e.history.first().history_change_reason == "Pasted timeline"
        for e in story.timeline_entries.all()
    )


def test_pasted_references_are_added_in_order(editor_client):
    article = f.make_article()
    url = reverse("admin:timeline_article_paste", args=[article.pk, "references"])
    text = "Inquiry report — Example Gazette, 12 May 2016 https://example.org/a\nSecond look\n"
    assert editor_client.post(url, {"lines": text, "confirm": "1"}).status_code == 302
    refs = list(article.references.order_by("order").values_list("title", "outlet", "url"))
    assert refs == [
        ("Inquiry report", "Example Gazette", "https://example.org/a"),
        ("Second look", "", ""),
    ]
    change = editor_client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    assert url in change.text
