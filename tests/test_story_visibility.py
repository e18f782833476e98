"""A story is readable only once one of its articles is published (issue 16, group 9)."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_story
from timeline.models import Status

pytestmark = pytest.mark.django_db


def test_a_story_with_only_drafts_has_no_page(client):
    story = make_story()
    make_article(story=story, status=Status.DRAFT)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_story_with_a_published_article_has_its_page(client):
    story = make_story()
    make_article(story=story, status=Status.PUBLISHED)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_a_story_with_only_drafts_has_no_feed(client):
    story = make_story()
    make_article(story=story, status=Status.DRAFT)
    assert client.get(reverse("timeline:story_feed", args=[story.slug])).status_code == 404


def test_a_story_with_a_published_article_has_its_feed(client):
    story = make_story()
    make_article(story=story, status=Status.PUBLISHED)
    response = client.get(reverse("timeline:story_feed", args=[story.slug]))
    assert response.status_code == 200
    assert story.title in response.text
