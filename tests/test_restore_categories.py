"""
A restore brings an article's categories back as they were filed then (an article may have
several, as WordPress posts do), and a recovered article comes back under its categories.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_article, make_category
from timeline import services
from timeline.revisions.kinds import ARTICLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("rita", password="x", is_staff=True)


def created_long_ago(**fields):
    """An article whose creation is on record well before the edits the tests stamp."""
    article = make_article(**fields)
    article.history.update(history_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    return article


def edit_categories(article, categories, when):
    """An editor's save that changes only the categories, stamped at `when`."""
    article._history_date = when
    article.categories.set(categories)
    article._history_date = when
    article.save()


def test_restore_puts_the_categories_back_as_they_were_then(editor):
    news, history, world = (make_category(name=n) for n in ("News", "History", "World"))
    article = created_long_ago(title="Filed twice")
    then = dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)
    edit_categories(article, [news, history], then)
    edit_categories(article, [world], then + dt.timedelta(days=1))
    assert set(article.categories.all()) == {world}

    services.restore(obj=article, moment=then + dt.timedelta(hours=1), user=editor)

    article.refresh_from_db()
    assert set(article.categories.all()) == {news, history}
    # The restore is a revision of its own, recorded with the categories it put back.
    newest = article.history.order_by("-history_date", "-history_id").first()
    assert newest.history_change_reason.startswith("Restored to")
    assert set(newest.categories.values_list("category_id", flat=True)) == {news.pk, history.pk}


def test_a_category_deleted_since_is_left_out_and_the_rest_restored(editor):
    kept, gone = make_category(name="Kept"), make_category(name="Gone")
    article = created_long_ago(title="Lost a category")
    then = dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)
    edit_categories(article, [kept, gone], then)
    edit_categories(article, [], then + dt.timedelta(days=1))
    gone.delete()

    services.restore(obj=article, moment=then + dt.timedelta(hours=1), user=editor)

    assert list(article.categories.all()) == [kept]


def test_a_recovered_article_comes_back_under_its_categories(editor):
    news, history = make_category(name="News"), make_category(name="History")
    article = created_long_ago(title="Deleted by mistake")
    edit_categories(article, [news, history], dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    pk = article.pk
    article.delete()

    recovered, _ = services.recover(kind=ARTICLE, pk=pk, user=editor)

    assert set(recovered.categories.all()) == {news, history}
