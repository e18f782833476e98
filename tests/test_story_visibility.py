"""A story is readable only once one of its articles is published (issue 16, group 9)."""

import pytest

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
