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


def save_summary(client, article, summary):
    url = reverse("admin:timeline_article_change", args=[article.pk])
    data = form_data(read_form(client.get(url).content.decode()), summary=summary)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return len(captured.captured_queries)


@pytest.fixture
def editor_client(client):
    client.force_login(f.make_user(is_superuser=True))
    return client


def test_a_one_field_save_writes_no_unchanged_row_and_costs_the_same_however_many(
    editor_client,
):
    small, large = article_with(2), article_with(9)
    before = history_rows()
    small_queries = save_summary(editor_client, small, "Changed on the small one")
    large_queries = save_summary(editor_client, large, "Changed on the large one")

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
    url = reverse("admin:timeline_article_change", args=[article.pk])
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
