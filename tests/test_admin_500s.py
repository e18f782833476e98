"""Admin requests that answered 500 in the probe (issue 16, group 6): now a form error or 404."""

import pytest
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_article, make_entry, make_role_user, make_story
from timeline.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(make_role_user("Editor"))
    return client


def post_back(client, url, **values):
    return client.post(url, form_data(read_form(client.get(url).text), **values))


@pytest.mark.parametrize("zone", ["Paris", "UTC+1", "../../etc/passwd"])
def test_story_change_form_with_a_bad_time_zone_is_a_form_error(editor, zone):
    story = make_story()
    make_entry(story, date="2015-11-13T21:16:00")
    response = post_back(
        editor, reverse("admin:timeline_story_change", args=[story.pk]), time_zone=zone
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.text
    assert Story.objects.get(pk=story.pk).time_zone == "Europe/Paris"


@pytest.mark.parametrize("value", ["", "null"])
def test_blank_milestone_patterns_mean_none_on_add(editor, value):
    response = post_back(
        editor,
        reverse("admin:timeline_story_add"),
        title="The verdict",
        slug="the-verdict",
        event_date="2022-06-29",
        milestone_patterns=value,
    )
    assert response.status_code == 302
    assert Story.objects.get(slug="the-verdict").milestone_patterns == {}


@pytest.mark.parametrize("value", ["", "null", "[]"])
def test_blank_milestone_patterns_mean_none_on_change(editor, value):
    story = make_story()
    url = reverse("admin:timeline_story_change", args=[story.pk])
    assert post_back(editor, url, milestone_patterns=value).status_code == 302
    assert Story.objects.get(pk=story.pk).milestone_patterns == {}


@pytest.mark.parametrize("value", ['[["5", "x"]]', '{"x": "y"}', '"text"', "{"])
def test_milestone_patterns_of_the_wrong_shape_are_a_form_error(editor, value):
    story = make_story()
    url = reverse("admin:timeline_story_change", args=[story.pk])
    assert post_back(editor, url, milestone_patterns=value).status_code == 200


def test_a_history_version_that_is_not_a_number_is_404(editor):
    article = make_article()
    url = reverse("admin:timeline_article_change", args=[article.pk]).replace(
        "change/", "history/abc/"
    )
    assert editor.get(url).status_code == 404
