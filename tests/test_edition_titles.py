"""Edition titles longer than the column (issue 16, group 4): never a 500, never a lost year."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_article, make_role_user, make_story
from timeline import services
from timeline.models import Edition, EditionKind, Status

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.UTC)
LONG_TITLE = "A title that goes on and on " * 10  # 280 characters


def published(title=LONG_TITLE, **story_fields):
    story = make_story(event_date=dt.date(2015, 11, 13), **story_fields)
    article = make_article(story=story, title=title.strip(), status=Status.DRAFT)
    return services.publish_article(article=article, now=NOW - dt.timedelta(days=400))


def test_a_manual_edition_too_long_is_a_form_error(client):
    client.force_login(make_role_user("Editor"))
    article = published()
    before = Edition.objects.count()

    page = client.post(
        reverse("admin:timeline_article_cut_edition", args=[article.pk]),
        {"suffix": "the verdict, read out in full before a packed court"},
    )

    assert page.status_code == 200
    assert "the most is 300" in page.text
    assert "the verdict, read out in full" in page.text  # the editor's input is kept
    assert Edition.objects.count() == before


def test_the_anniversary_title_is_shortened_with_an_ellipsis():
    article = published(title_pattern="{story}, remembered: {story}")
    article.story.title = "The long story of a night " * 7  # 182 characters
    article.story.save()

    edition = services.prepare_anniversary_edition(article=article, year=2026, now=NOW)

    assert edition.kind == EditionKind.ANNIVERSARY
    assert len(edition.title) <= 300
    assert edition.title.startswith("The long story of a night")
    assert edition.title.endswith("…")


def test_the_scheduler_prepares_a_long_titled_anniversary():
    story_title = "S" * 200
    article = published(title_pattern="{story} — {story}")
    article.story.title = story_title
    article.story.save()

    edition = services.prepare_anniversary_edition(article=article, year=2026, now=NOW)

    assert edition.title.startswith(story_title)
    assert len(edition.title) == 300
    assert edition.title.endswith("…")
