"""
Anniversary editions that would go out stale or vanish: a warning before approval and on the
upcoming page, dateModified moving when an edition goes live, every skipped anniversary
reported by run_schedule, and no pile-up of unapproved editions.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_story, make_update, make_user
from timeline import services
from timeline.editions import schedule
from timeline.models import Article, EditionKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    client.force_login(user)
    return user


def recurring(days_ahead, **story_fields):
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    story = make_story(event_date=day.replace(year=2000), **story_fields)
    article = make_article(story=story, status=Status.DRAFT)
    services.publish_article(article=article, now=timezone.now() - dt.timedelta(days=400))
    return Article.objects.get(pk=article.pk), day


def prepared(days_ahead=-1):
    article, day = recurring(days_ahead, requires_approval=True)
    edition = services.prepare_anniversary_edition(
        article=article, year=day.year, now=timezone.now()
    )
    return article, edition


def test_approving_an_edition_with_no_update_since_the_last_warns(client, editor):
    _, edition = prepared()
    response = client.post(
        reverse("admin:timeline_edition_approve", args=[edition.pk]), follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("no update since the last edition" in m for m in messages)


def test_no_warning_when_an_update_was_published_since(client, editor):
    article, edition = prepared()
    make_update(article, published_at=timezone.now() - dt.timedelta(hours=1))
    response = client.post(
        reverse("admin:timeline_edition_approve", args=[edition.pk]), follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert not any("no update since" in m for m in messages)


def test_the_upcoming_page_warns_of_a_stale_edition(client, editor):
    prepared(days_ahead=5)
    html = client.get(reverse("admin:timeline_edition_upcoming")).content.decode()
    assert "no update since the last edition" in html


def test_date_modified_moves_when_an_edition_goes_live(client):
    article, edition = prepared()
    services.approve_edition(edition=edition, user=make_user())
    edition.refresh_from_db()
    assert edition.went_live_at is not None
    html = client.get(article.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    news, _ = json.loads(html[start : html.index("</script>", start)])
    modified = dt.datetime.fromisoformat(news["dateModified"])
    assert abs(modified - edition.went_live_at) < dt.timedelta(seconds=1)


def run(now):
    out = io.StringIO()
    call_command("run_schedule", "--now", now.isoformat(), stdout=out)
    return out.getvalue()


def test_an_anniversary_missed_by_more_than_thirty_days_is_reported():
    article, day = recurring(-40)
    # At noon of the day the test counts from: just after midnight the edition, due later
    # that morning, is a day short of 40 days late.
    output = run(timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0))
    assert f"SKIPPED  {article.slug} {day.year}: missed by 40 days" in output
    assert not article.editions.filter(kind=EditionKind.ANNIVERSARY).exists()


def test_no_new_edition_while_an_overdue_one_awaits_approval():
    article, edition = prepared(days_ahead=-2)
    services.flag_overdue(edition=edition)
    # A year later, the next anniversary comes round: it is not prepared, and it is said why.
    later = edition.go_live_at + dt.timedelta(days=365)
    output = run(later)
    assert f"SKIPPED  {article.slug}" in output
    assert "awaits approval" in output
    assert article.editions.filter(kind=EditionKind.ANNIVERSARY).count() == 1
    assert schedule.anniversaries_to_prepare(later) == []
