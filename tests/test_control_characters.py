"""
Bidi overrides and control characters never reach a title or a feed (issue 16, group 9): they
are dropped on input, by the admin's text fields and by every service save alike.
"""

import pytest
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_article, make_role_user, make_story
from timeline import services
from timeline.models import Article, Status
from timeline.typed_text import typed_text

RLO = "\u202e"
HOSTILE = f"Breaking{RLO} news\u2066 today\u2069\x00\x1b\x85\x7f"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"{RLO}gnp.exe", "gnp.exe"),
        ("a\u202ab\u202bc\u202cd\u202de", "abcde"),
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),
        ("bell\x07 escape\x1b null\x00 del\x7f c1\x80\x9f", "bell escape null del c1"),
        ("line\r\nbreak\rand\ttab\n", "line\nbreak\nand\ttab\n"),
        # The marks are how mixed right-to-left text is written: kept.
        *[("\u05e9\u05dc\u05d5\u05dd\u200f 2024\u200e \u061c",) * 2],
    ],
)  # fmt: skip
def test_typed_text_drops_controls_and_bidi_overrides(typed, stored):
    assert typed_text(typed) == stored


@pytest.mark.django_db
def test_a_title_saved_through_the_admin_comes_out_without_them(client):
    client.force_login(make_role_user("Editor"))
    article = make_article(story=make_story(), status=Status.PUBLISHED)
    url = reverse("admin:timeline_article_change", args=[article.pk])
    data = form_data(read_form(client.get(url).text), title=HOSTILE, summary=f"So{RLO}me text")
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.summary) == ("Breaking news today", "Some text")
    for page in [
        article.get_absolute_url(),
        reverse("timeline:feed"),
        reverse("timeline:feed_atom"),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Breaking news today" in response.text, page
        assert RLO not in response.text and "\u2066" not in response.text, page


@pytest.mark.django_db
def test_a_title_typed_with_only_controls_is_a_required_field_left_empty(client):
    client.force_login(make_role_user("Editor"))
    url = reverse("admin:timeline_article_add")
    data = form_data(read_form(client.get(url).text), title=f"{RLO}\x00", slug="empty")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not Article.objects.filter(slug="empty").exists()


@pytest.mark.django_db
def test_a_service_write_drops_them_too():
    article = services.create_article(slug="import", title=HOSTILE, body=f"Body{RLO}\r\n")
    article.refresh_from_db()
    assert (article.title, article.body) == ("Breaking news today", "Body\n")
