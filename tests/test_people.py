"""
Authors, review before publishing, notices to editors (each once), and what readers are told
is new: issue 17.
"""

import datetime as dt
import importlib
import threading
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from editorial import roles
from notifications import services as notices
from notifications.models import Kind, Notice, NoticePreference
from tests.factories import authored_by, make_article, make_role_user, make_story, make_update
from timeline import services
from timeline.models import (
    Article,
    ArticleCredit,
    Author,
    Edition,
    EditionKind,
    EditionStatus,
    ReviewState,
    Status,
    Update,
)
from timeline.services import review

pytestmark = pytest.mark.django_db

UTC = dt.UTC
migration = importlib.import_module("timeline.migrations.0009_people_and_reviews")


def credit(article, *names):
    for position, name in enumerate(names):
        author, _ = Author.objects.get_or_create(name=name, slug=name.lower().replace(" ", "-"))
        ArticleCredit.objects.create(article=article, author=author, position=position)


class TestAuthors:
    def test_bylines_split_into_authors_without_loss(self):
        assert migration.split_byline("Ada Reporter, Bo Writer and Cy Editor") == [
            "Ada Reporter",
            "Bo Writer",
            "Cy Editor",
        ]
        assert migration.split_byline("By Ada & Bo") == ["Ada", "Bo"]
        assert migration.split_byline("") == []

    def test_data_migration_credits_each_byline_in_order(self):
        from django.apps import apps

        article = make_article(byline="Ada Reporter, Bo Writer and Cy Editor")
        other = make_article(byline="Bo Writer")
        migration.credit_bylines(apps, None)
        names = [c.author.name for c in article.credits.select_related("author")]
        assert names == ["Ada Reporter", "Bo Writer", "Cy Editor"]
        assert other.credits.get().author.name == "Bo Writer"
        assert Author.objects.filter(name="Bo Writer").count() == 1

    def test_article_page_shows_credited_authors_linked_and_in_json_ld(self, client):
        article = make_article(byline="Ada Reporter, Bo Writer")
        credit(article, "Ada Reporter", "Bo Writer")
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'By <a href="/authors/ada-reporter/" rel="author">Ada Reporter</a> and ' in html
        assert '"@type": "Person", "name": "Ada Reporter", "url": "' in html

    def test_uncredited_byline_still_shows_the_same_names(self, client):
        article = make_article(byline="Ada Reporter, Bo Writer")
        assert "By Ada Reporter and Bo Writer" in client.get(article.get_absolute_url()).text

    def test_author_page_lists_published_articles_and_its_feeds_parse(self, client):
        shown = make_article(title="Shown piece")
        hidden = make_article(title="Hidden draft", status=Status.DRAFT)
        credit(shown, "Ada Reporter")
        ArticleCredit.objects.create(article=hidden, author=Author.objects.get())
        response = client.get(reverse("timeline:author", args=["ada-reporter"]))
        assert "Shown piece" in response.text and "Hidden draft" not in response.text
        for name in ("timeline:author_feed", "timeline:author_feed_atom"):
            root = ET.fromstring(client.get(reverse(name, args=["ada-reporter"])).content)
            titles = [e.text for e in root.iter() if e.tag.endswith("title")]
            assert "Shown piece" in titles and "Hidden draft" not in titles


class TestReaders:
    def test_article_feed_lists_its_updates_and_editions_and_is_linked(self, client):
        article = make_article(status=Status.DRAFT)
        services.publish_article(article=article)
        make_update(article, headline="Ten years on")
        for name in ("timeline:article_feed", "timeline:article_feed_atom"):
            root = ET.fromstring(client.get(reverse(name, args=[article.slug])).content)
            text = ET.tostring(root, encoding="unicode")
            assert "Ten years on" in text and article.title in text
        html = client.get(article.get_absolute_url()).text
        assert f'href="/articles/{article.slug}/feed/atom/"' in html
        assert 'src="/static/timeline/new-updates.js"' in html

    def test_updates_json_names_the_newest_published_update(self, client):
        article = make_article()
        make_update(article, dated_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
        make_update(article, status=Status.DRAFT, published_at=None)
        data = client.get(reverse("timeline:article_updates", args=[article.slug])).json()
        assert data["count"] == 1
        assert data["updates"][0]["anchor"] == "update-2026-01-01"


@pytest.fixture
def people():
    contributor = make_role_user(roles.CONTRIBUTOR, username="cora")
    editor = make_role_user(roles.EDITOR, username="edith", email="edith@example.org")
    article = make_article(title="The reactor")
    update = authored_by(
        services.add_update(article=article, body="New findings.", user=contributor), contributor
    )
    return contributor, editor, article, update


class TestReview:
    def test_submit_notifies_editors_once_and_approve_publishes(
        self, people, django_capture_on_commit_callbacks
    ):
        contributor, editor, _article, update = people
        with django_capture_on_commit_callbacks(execute=True):
            request = review.submit_for_review(item=update, user=contributor, note="Please check")
        notice = Notice.objects.get(kind=Kind.REVIEW_WAITING, recipient=editor)
        assert "cora asks for a review" in notice.title
        assert [m.to for m in mail.outbox] == [["edith@example.org"]]
        with pytest.raises(ValidationError):
            review.submit_for_review(item=update, user=contributor)
        assert review.live_comparison(request).has_changes
        with django_capture_on_commit_callbacks(execute=True):
            review.approve_review(request=request, user=editor, note="Good")
        update.refresh_from_db()
        request.refresh_from_db()
        assert update.status == Status.PUBLISHED and request.state == ReviewState.APPROVED
        reasons = list(request.history.values_list("history_change_reason", flat=True))
        assert reasons == ["Approved: Good", "Submitted for review"]
        assert update.history.first().history_change_reason == "Approved after review: Good"
        assert Notice.objects.get(kind=Kind.REVIEW_DECIDED).recipient == contributor

    def test_send_back_keeps_the_draft_and_needs_a_note(self, people):
        contributor, editor, _article, update = people
        request = review.submit_for_review(item=update, user=contributor)
        with pytest.raises(ValidationError):
            review.return_review(request=request, user=editor, note=" ")
        review.return_review(request=request, user=editor, note="Source it")
        update.refresh_from_db()
        assert update.status == Status.DRAFT
        assert request.history.first().history_change_reason == "Sent back: Source it"

    def test_editors_need_no_review_and_contributors_cannot_approve(self, people):
        contributor, editor, _article, update = people
        with pytest.raises(ValidationError):
            review.submit_for_review(item=update, user=editor)
        request = review.submit_for_review(item=update, user=contributor)
        with pytest.raises(PermissionDenied):
            review.approve_review(request=request, user=contributor)

    def test_queue_shows_the_diff_and_approves(
        self, people, client, django_capture_on_commit_callbacks
    ):
        contributor, editor, _article, update = people
        with django_capture_on_commit_callbacks(execute=True):
            request = review.submit_for_review(item=update, user=contributor, note="Ready")
        client.force_login(editor)
        queue = client.get(reverse("admin:timeline_reviewrequest_changelist"))
        assert str(update) in queue.text
        page = client.get(request.get_absolute_url())
        assert "<ins>" in page.text or "New findings." in page.text
        client.post(request.get_absolute_url(), {"approve": "1", "decision_note": ""})
        assert Update.objects.get(pk=update.pk).status == Status.PUBLISHED
        home = client.get(reverse("admin:index"))
        assert "What needs you" in home.text and "asks for a review" in home.text


def run(now):
    """run_schedule as cron runs it: its notices go out when its writes commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("run_schedule", "--now", now.isoformat(), stdout=StringIO())


GO_LIVE = dt.datetime(2026, 4, 26, 7, 0, tzinfo=UTC)


def recurring_article():
    story = make_story(title="Chernobyl", event_date=dt.date(1986, 4, 26), requires_approval=True)
    article = make_article(story=story, status=Status.DRAFT)
    services.publish_article(article=article, now=dt.datetime(2016, 4, 26, 7, tzinfo=UTC))
    return Article.objects.get(pk=article.pk)


class TestNotices:
    def test_schedule_notices_are_sent_once_however_often_it_runs(self):
        editor = make_role_user(roles.EDITOR, email="ed@example.org")
        article = recurring_article()
        run(GO_LIVE - dt.timedelta(days=1))
        run(GO_LIVE - dt.timedelta(days=1))
        kinds = sorted(Notice.objects.filter(recipient=editor).values_list("kind", flat=True))
        assert kinds == [Kind.EDITION_PREPARED, Kind.EDITION_STALE]
        prepared = Notice.objects.get(kind=Kind.EDITION_PREPARED)
        assert "Add this year" in prepared.body
        run(GO_LIVE + dt.timedelta(hours=1))
        run(GO_LIVE + dt.timedelta(hours=2))
        edition = Edition.objects.get(article=article, kind=EditionKind.ANNIVERSARY)
        assert edition.status == EditionStatus.OVERDUE
        assert Notice.objects.filter(kind=Kind.EDITION_OVERDUE).count() == 1
        assert len(mail.outbox) == 3

    def test_missed_schedule_is_told(self):
        make_role_user(roles.EDITOR)
        make_article(status=Status.SCHEDULED, publish_at=GO_LIVE, published_at=None)
        Article.objects.update(publish_at=GO_LIVE)
        from notifications import triggers
        from timeline.editions.schedule import Report

        triggers.after_schedule_run(Report(now=GO_LIVE + dt.timedelta(hours=1)))
        triggers.after_schedule_run(Report(now=GO_LIVE + dt.timedelta(hours=2)))
        assert Notice.objects.filter(kind=Kind.SCHEDULE_MISSED).count() == 1

    def test_digest_and_unsubscribe(self, client):
        editor = make_role_user(roles.EDITOR, email="ed@example.org")
        NoticePreference.objects.create(user=editor, digest=True)
        notices.notify(kind=Kind.COMMENT_PENDING, subject="comment-1", title="One")
        notices.notify(kind=Kind.REVIEW_WAITING, subject="review-1", title="Two")
        assert mail.outbox == []
        assert notices.send_digests() == 1 and notices.send_digests() == 0
        assert "One" in mail.outbox[0].body and "Two" in mail.outbox[0].body
        token_url = notices.unsubscribe_url(editor, Kind.COMMENT_PENDING)
        path = token_url.split("://", 1)[1].split("/", 1)[1]
        client.post("/" + path)
        pref = NoticePreference.objects.get(user=editor)
        assert pref.unsubscribed == [Kind.COMMENT_PENDING]
        pref.digest = False
        pref.save()
        notices.notify(kind=Kind.COMMENT_PENDING, subject="comment-2", title="Three")
        assert len(mail.outbox) == 1

    def test_new_comment_is_told(self, client, django_capture_on_commit_callbacks):
        editor = make_role_user(roles.EDITOR)
        article = make_article()
        from comments import services as comments

        with django_capture_on_commit_callbacks(execute=True):
            comments.submit_comment(
                article=article, name="Reader", email="r@example.org", body="Hi", ip_hash="x"
            )
        assert Notice.objects.get(kind=Kind.COMMENT_PENDING).recipient == editor


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_notice_once():
    """Two run_schedule commands in two threads (concurrently on PostgreSQL)."""
    make_role_user(roles.EDITOR, email="ed@example.org")
    recurring_article()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            run(GO_LIVE - dt.timedelta(days=1))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if connection.vendor == "sqlite":
        errors = [e for e in errors if "locked" in str(e)]
    assert Notice.objects.filter(kind=Kind.EDITION_PREPARED).count() == 1
    assert len([m for m in mail.outbox if "prepared" in m.subject]) == 1
