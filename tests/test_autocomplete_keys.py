"""
A key that is not one (" ", "a", a number too big for the column) posted for an autocomplete
field is a form error, not a 500 when the form is shown again (issue 16): the widget only looks
up keys its field can hold.
"""

import pytest
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_article, make_entry, make_role_user, make_story
from timeline.models import Article

pytestmark = pytest.mark.django_db

NOT_KEYS = [" ", "a", "1.5", "99999999999999999999999", "-1"]


@pytest.fixture
def editor(client):
    client.force_login(make_role_user("Editor"))
    return client


def post_back(client, url, **values):
    return client.post(url, form_data(read_form(client.get(url).text), **values))


@pytest.mark.parametrize("value", NOT_KEYS)
def test_a_foreign_key_that_is_not_a_key_is_a_form_error(editor, value):
    article = make_article(story=make_story())
    title = article.title
    url = reverse("admin:timeline_article_change", args=[article.pk])
    response = post_back(editor, url, story=value, title="Changed")
    assert response.status_code == 200
    # A key field says "Select a valid choice"; a many-to-many field names the bad value.
    assert "Select a valid choice" in response.text or "is not a valid value" in response.text
    assert Article.objects.get(pk=article.pk).title == title


@pytest.mark.parametrize("value", NOT_KEYS)
def test_a_tag_that_is_not_a_key_is_a_form_error(editor, value):
    story = make_story()
    url = reverse("admin:timeline_story_change", args=[story.pk])
    response = post_back(editor, url, tags=[value])
    assert response.status_code == 200
    assert "is not a valid value" in response.text or "Select a valid choice" in response.text


@pytest.mark.parametrize("value", NOT_KEYS)
def test_an_entry_with_a_story_that_is_not_a_key_is_a_form_error(editor, value):
    entry = make_entry(make_story())
    url = reverse("admin:timeline_timelineentry_change", args=[entry.pk])
    response = post_back(editor, url, story=value)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_a_good_key_is_shown_again_with_its_name(editor):
    """The widget still shows the chosen story when another field is the error."""
    story = make_story(title="The verdict")
    article = make_article(story=make_story())
    url = reverse("admin:timeline_article_change", args=[article.pk])
    response = post_back(editor, url, story=str(story.pk), title="")
    assert response.status_code == 200
    assert f'<option value="{story.pk}" selected>The verdict</option>' in response.text
