"""
A page as it stood at a moment (timeline.revisions.history), read through django-simple-history
where the library answers the question and by hand where it does not.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_article, make_story, make_tag, make_update
from timeline import dates
from timeline.models import TimelineEntry
from timeline.revisions import history

pytestmark = pytest.mark.django_db


def test_an_object_saved_with_its_tags_under_one_date_is_there_once():
    """
    The demo and imports stamp an object and its tags with one history date: two rows tie on
    history_date, which the library's as_of() returns twice; the newer row wins here.
    """
    story, tag = make_story(), make_tag()
    entry = TimelineEntry(story=story, text="The lights went out.")
    entry.set_date(dates.parse("2015-11-14"))
    entry._history_date = timezone.now() - dt.timedelta(days=1)
    entry.save()
    entry.tags.set([tag])

    state = history.story_state_as_of(story, None, with_tags=True)

    assert [e.pk for e in state.timeline].count(entry.pk) == 1
    assert next(e for e in state.timeline if e.pk == entry.pk).tag_ids == {tag.pk}


def test_an_update_moved_to_another_article_leaves_the_first_page():
    first, second = make_article(), make_article()
    update = make_update(first, body="Filed on the wrong article.")
    moved_at = timezone.now()
    update.article = second
    update.save()

    assert [u.pk for u in history.article_state_as_of(first, None).updates] == []
    assert [u.pk for u in history.article_state_as_of(second, None).updates] == [update.pk]
    before = moved_at - dt.timedelta(microseconds=1)
    assert [u.pk for u in history.article_state_as_of(first, before).updates] == [update.pk]


def test_an_article_is_absent_before_it_was_made_and_after_it_was_deleted():
    article = make_article()
    made = article.history.earliest("history_date").history_date

    assert history.article_as_of(article, made - dt.timedelta(microseconds=1)) is None
    assert history.article_as_of(article, None).title == article.title
    article.delete()
    assert history.article_as_of(article, None) is None
