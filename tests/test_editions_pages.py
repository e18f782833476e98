"""Frozen edition snapshots and the editions list, as readers see them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import make_article, make_entry, make_story, make_update, place_quote
from timeline import services
from timeline.models import Article, EditionStatus, Status

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2016, 4, 26, 7, tzinfo=dt.UTC)
GO_LIVE_2026 = dt.datetime(2026, 4, 26, 7, tzinfo=dt.UTC)


def run(now):
    call_command("run_schedule", "--now", now.isoformat(), stdout=StringIO())


@pytest.fixture
def article():
    story = make_story(title="Chernobyl", event_date=dt.date(1986, 4, 26))
    article = make_article(story=story, title="The night reactor 4 exploded", status=Status.DRAFT)
    services.publish_article(article=article, now=FIRST)
    make_update(
        article, body="The arch is in place.", dated_at=dt.datetime(2017, 4, 26, tzinfo=dt.UTC)
    )
    place_quote(article)
    make_entry(story, "1986 April 26", text="Reactor 4 explodes.")
    return Article.objects.get(pk=article.pk)


def go_live(article):
    run(GO_LIVE_2026 - dt.timedelta(days=1))
    run(GO_LIVE_2026)
    article.refresh_from_db()
    return article.editions.get(kind="original")


def test_snapshot_shows_the_page_as_it_stood_before_the_new_edition(client, article):
    original = go_live(article)
    assert original.status == EditionStatus.SUPERSEDED
    # Changes after the freeze must not reach the snapshot.
    article.body = "Rewritten body."
    article.save()
    make_update(article, body="This year's update.", dated_at=GO_LIVE_2026)
    entry = article.story.timeline_entries.get()
    entry.text = "Corrected entry."
    entry.save()

    page = client.get(original.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert original.get_absolute_url() == f"/articles/{article.slug}/editions/{original.key}/"
    assert "<h1" in html and "The night reactor 4 exploded" in html
    assert "The arch is in place." in html
    assert "This year&#x27;s update." not in html and "This year's update." not in html
    assert "Rewritten body." not in html and "The original article." in html
    assert "Reactor 4 explodes." in html and "Corrected entry." not in html
    assert "We will not forget." in html  # the epigraph quote
    assert "You are reading an earlier edition" in html
    assert f'href="{article.get_absolute_url()}">Read the current edition' in html
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000{article.get_absolute_url()}">' in html
    )


def test_article_page_lists_editions_newest_first(client, article):
    go_live(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Forty Years Ago — Chernobyl" in html  # the article took the edition's title
    editions = html[html.index('id="editions-title"') :]
    assert editions.index("Forty Years Ago") < editions.index("The night reactor 4 exploded")
    assert "(current edition)" in editions
    assert f"/articles/{article.slug}/editions/2016/" in editions


def test_current_or_unknown_edition_is_404(client, article):
    go_live(article)
    assert client.get(f"/articles/{article.slug}/editions/2026/").status_code == 404
    assert client.get(f"/articles/{article.slug}/editions/1999/").status_code == 404


def test_snapshot_of_an_unpublished_article_is_404(client, article):
    original = go_live(article)
    services.unpublish_article(article=article)
    assert client.get(original.get_absolute_url()).status_code == 404
