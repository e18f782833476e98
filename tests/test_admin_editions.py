"""Editions in the admin: upcoming anniversaries, one-click approve, manual editions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_story, make_user
from tests.test_admin import story_data
from timeline import services
from timeline.models import Article, Edition, EditionKind, EditionStatus, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    assert client.login(username=user.username, password=user.raw_password)
    return user


def recurring(days_ahead, **story_fields):
    """A published recurring article whose anniversary falls `days_ahead` days from today."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    story = make_story(
        title=f"Event of {day:%d %B}", event_date=day.replace(year=2000), **story_fields
    )
    article = make_article(story=story, status=Status.DRAFT)
    services.publish_article(article=article, now=timezone.now() - dt.timedelta(days=400))
    return Article.objects.get(pk=article.pk)


def test_upcoming_lists_the_next_sixty_days_and_what_is_overdue(client, editor):
    soon = recurring(30)
    later = recurring(90)
    late = recurring(-2, requires_approval=True)
    services.prepare_anniversary_edition(
        article=late, year=(timezone.localdate() - dt.timedelta(days=2)).year, now=timezone.now()
    )
    services.flag_overdue(edition=late.editions.get(kind=EditionKind.ANNIVERSARY))

    page = client.get(reverse("admin:timeline_edition_upcoming"))
    html = page.content.decode()
    assert page.status_code == 200
    assert soon.story.title in html and "Not prepared yet" in html
    assert later.story.title not in html
    assert late.story.title in html and "Overdue: awaiting approval" in html
    # Overdue first, then by date.
    assert html.index(late.story.title) < html.index(soon.story.title)
    assert reverse("admin:timeline_article_change", args=[soon.pk]) in html


def test_one_click_approve_makes_an_overdue_edition_live(client, editor):
    article = recurring(-1, requires_approval=True)
    year = (timezone.localdate() - dt.timedelta(days=1)).year
    edition = services.prepare_anniversary_edition(article=article, year=year, now=timezone.now())
    services.flag_overdue(edition=edition)

    response = client.post(reverse("admin:timeline_edition_approve", args=[edition.pk]))
    assert response.status_code == 302
    edition.refresh_from_db()
    article.refresh_from_db()
    assert edition.status == EditionStatus.LIVE
    assert edition.approved_by == editor
    assert article.title == edition.title
    reasons = list(edition.history.values_list("history_change_reason", flat=True))
    assert "Approved edition" in reasons
    assert {row.history_user for row in edition.history.all() if row.history_change_reason} >= {
        editor
    }


def test_approve_refuses_get(client, editor):
    article = recurring(3)
    edition = services.prepare_anniversary_edition(
        article=article, year=(timezone.localdate() + dt.timedelta(days=3)).year, now=timezone.now()
    )
    assert (
        client.get(reverse("admin:timeline_edition_approve", args=[edition.pk])).status_code == 403
    )
    edition.refresh_from_db()
    assert edition.approved_at is None


def test_cut_a_manual_edition_from_the_article(client, editor):
    article = recurring(100)
    base = article.title
    page = client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    cut_url = reverse("admin:timeline_article_cut_edition", args=[article.pk])
    assert cut_url in page.content.decode()

    empty = client.post(cut_url, {"suffix": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()

    assert client.post(cut_url, {"suffix": "the trial begins"}).status_code == 302
    article.refresh_from_db()
    assert article.title == f"{base} [UPDATE: the trial begins]"
    manual = article.editions.get(kind=EditionKind.MANUAL)
    assert manual.status == EditionStatus.LIVE
    assert article.editions.get(kind=EditionKind.ORIGINAL).status == EditionStatus.SUPERSEDED


def test_a_draft_cannot_get_a_new_edition(client, editor):
    article = make_article(status=Status.DRAFT)
    page = client.post(
        reverse("admin:timeline_article_cut_edition", args=[article.pk]), {"suffix": "x"}
    )
    assert "Publish the article before" in page.content.decode()
    assert not Edition.objects.exists()


def test_story_series_settings_name_an_unknown_placeholder_and_keep_the_input(client, editor):
    data = story_data([], title_pattern="On This Day — {storyy}")
    page = client.post(reverse("admin:timeline_story_add"), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Unknown placeholder {storyy}" in html
    assert 'value="On This Day — {storyy}"' in html


def test_edition_changelist_and_history_render(client, editor):
    article = recurring(3)
    edition = services.prepare_anniversary_edition(
        article=article, year=(timezone.localdate() + dt.timedelta(days=3)).year, now=timezone.now()
    )
    assert client.get(reverse("admin:timeline_edition_changelist")).status_code == 200
    history = client.get(reverse("admin:timeline_edition_history", args=[edition.pk]))
    assert "Prepared anniversary edition" in history.content.decode()
