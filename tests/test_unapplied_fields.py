"""
A Contributor's forged publication fields are ignored, and the page says so (issue 16): the
save of everything else goes through, with a warning naming what was not applied.
"""

import pytest
from django.contrib.messages import WARNING
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_role_user
from timeline.models import Article, Status

pytestmark = pytest.mark.django_db


def post_back(client, url, **values):
    return client.post(url, form_data(read_form(client.get(url).text), **values), follow=True)


def warnings(response):
    return [str(m) for m in response.context["messages"] if m.level == WARNING]


@pytest.fixture
def contributor(client):
    client.force_login(make_role_user("Contributor"))
    return client


def add_article(client, **values):
    url = reverse("admin:timeline_article_add")
    return post_back(client, url, title="Sneaky", slug="sneaky", **values)


def test_a_forged_status_on_the_add_form_is_named_as_not_applied(contributor):
    response = add_article(contributor, status=Status.PUBLISHED)
    assert Article.objects.get(slug="sneaky").status == Status.DRAFT
    [warning] = warnings(response)
    assert warning.startswith("Not applied: status.")


def test_a_forged_go_live_time_is_named_too(contributor):
    response = add_article(
        contributor, status=Status.SCHEDULED, publish_at_0="2030-01-01", publish_at_1="09:00"
    )
    article = Article.objects.get(slug="sneaky")
    assert (article.status, article.publish_at) == (Status.DRAFT, None)
    [warning] = warnings(response)
    publish_at = Article._meta.get_field("publish_at").verbose_name
    assert f"Not applied: {publish_at}, status." in warning


def test_a_forged_status_on_an_update_row_is_named(contributor):
    add_article(contributor)
    article = Article.objects.get(slug="sneaky")
    url = reverse("admin:timeline_article_change", args=[article.pk])
    response = post_back(
        contributor,
        url,
        **{"updates-0-body": "My new update.", "updates-0-status": Status.PUBLISHED},
    )
    assert article.updates.get().status == Status.DRAFT
    assert [w.split(".")[0] for w in warnings(response)] == ["Not applied: status"]


def test_an_honest_save_says_nothing_was_refused(contributor):
    response = add_article(contributor)
    assert warnings(response) == []
    assert Article.objects.filter(slug="sneaky").exists()


def test_an_editor_is_not_warned(client):
    client.force_login(make_role_user("Editor"))
    response = add_article(client, status=Status.PUBLISHED)
    assert Article.objects.get(slug="sneaky").status == Status.PUBLISHED
    assert warnings(response) == []
