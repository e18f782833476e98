import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import NOW, make_article, make_story, make_update, make_user
from timeline import dates, services
from timeline.models import Article, Status, TimelineEntry, Update, UpdateKind

pytestmark = pytest.mark.django_db


def last_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


class TestPublishArticle:
    def test_publishing_sets_first_publication_and_records_who_and_why(self):
        editor = make_user()
        article = make_article(status=Status.DRAFT)
        services.publish_article(article=article, user=editor, now=NOW)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.published_at == NOW == article.featured_at
        row = last_history(article)
        assert (row.history_user, row.history_change_reason, row.status) == (
            editor,
            "Published",
            Status.PUBLISHED,
        )

    def test_republishing_keeps_the_first_publication_date(self):
        article = make_article(status=Status.DRAFT)
        services.publish_article(article=article, now=NOW)
        services.unpublish_article(article=article)
        later = NOW + dt.timedelta(days=400)
        services.publish_article(article=article, now=later)
        article.refresh_from_db()
        assert article.published_at == NOW
        assert article.featured_at == later

    def test_unpublish_takes_it_off_the_site_and_is_recorded(self):
        article = make_article()
        services.unpublish_article(article=article, reason="Legal hold")
        assert Article.objects.published().filter(pk=article.pk).exists() is False
        assert last_history(article).history_change_reason == "Legal hold"

    def test_schedule_requires_a_time(self):
        article = make_article(status=Status.DRAFT)
        with pytest.raises(ValidationError):
            services.schedule_article(article=article, publish_at=None)
        article.refresh_from_db()
        assert article.status == Status.DRAFT


class TestUpdates:
    def test_add_update_published_now(self):
        editor = make_user()
        article = make_article()
        update = services.add_update(
            article=article,
            body="The verdict.",
            kind=UpdateKind.CORRECTION,
            user=editor,
            publish=True,
            now=NOW,
        )
        assert update.status == Status.PUBLISHED and update.published_at == NOW
        row = last_history(update)
        assert (row.history_user, row.history_change_reason) == (editor, "Added correction")

    def test_add_update_scheduled_waits_for_its_time(self):
        article = make_article()
        when = NOW + dt.timedelta(days=3)
        update = services.add_update(article=article, body="Next year.", publish_at=when, now=NOW)
        assert update.status == Status.SCHEDULED
        assert update.dated_at == when
        assert not Update.objects.published().filter(pk=update.pk).exists()

    def test_invalid_update_saves_nothing(self):
        article = make_article()
        with pytest.raises(ValidationError):
            services.add_update(article=article, body="", now=NOW)
        assert not article.updates.exists()
        assert not Update.history.exists()

    def test_publish_update_records_history(self):
        update = make_update(make_article(), status=Status.DRAFT)
        services.publish_update(update=update, now=NOW)
        update.refresh_from_db()
        assert update.status == Status.PUBLISHED
        assert [h.status for h in update.history.order_by("history_id")] == ["draft", "published"]


class TestTimeline:
    def test_add_timeline_entry_writes_history(self):
        editor = make_user()
        entry = services.add_timeline_entry(
            story=make_story(), date=dates.parse("2006 May"), text="Inquiry opens.", user=editor
        )
        assert entry.date == "2006-05"
        row = TimelineEntry.history.get(id=entry.pk)
        assert (row.history_user, row.history_change_reason) == (editor, "Added timeline entry")


class TestPublishDueItem:
    def test_publishes_a_due_article_once(self):
        article = make_article(status=Status.SCHEDULED, publish_at=NOW - dt.timedelta(minutes=5))
        done = services.publish_due_item(model=Article, pk=article.pk, now=NOW)
        assert done.status == Status.PUBLISHED
        assert last_history(article).history_change_reason == "Published on schedule"
        assert services.publish_due_item(model=Article, pk=article.pk, now=NOW) is None
        assert article.history.count() == 2

    def test_leaves_an_update_that_is_not_due_yet(self):
        later = make_update(
            make_article(), status=Status.SCHEDULED, publish_at=NOW + dt.timedelta(hours=1)
        )
        assert services.publish_due_item(model=Update, pk=later.pk, now=NOW) is None
        later.refresh_from_db()
        assert later.status == Status.SCHEDULED
