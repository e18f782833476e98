"""The scheduler: anniversary editions prepared, published and frozen exactly once."""

import contextlib
import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from tests.factories import make_article, make_story, make_update
from timeline import services
from timeline.editions import schedule
from timeline.models import Article, Edition, EditionKind, EditionStatus, Status, Story

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Chernobyl, 26 April 1986. Paris is on CEST in April: 09:00 local is 07:00 UTC.
EVENT = dt.date(1986, 4, 26)
GO_LIVE_2026 = dt.datetime(2026, 4, 26, 7, 0, tzinfo=UTC)


def recurring_article(**story_fields):
    story = make_story(title="Chernobyl", event_date=EVENT, **story_fields)
    article = make_article(
        story=story, title="Chernobyl: the night reactor No. 4 exploded", status=Status.DRAFT
    )
    services.publish_article(article=article, now=dt.datetime(2016, 4, 26, 7, tzinfo=UTC))
    return Article.objects.get(pk=article.pk)


def run(now, *args):
    out = StringIO()
    call_command("run_schedule", "--now", now.isoformat(), *args, stdout=out)
    return out.getvalue()


def anniversary(article, year):
    return Edition.objects.get(article=article, kind=EditionKind.ANNIVERSARY, year=year)


class TestPrepare:
    def test_prepares_the_next_edition_within_the_lead_days(self):
        article = recurring_article(lead_days=7)
        assert "0 prepared" in run(GO_LIVE_2026 - dt.timedelta(days=8))
        out = run(GO_LIVE_2026 - dt.timedelta(days=6))
        edition = anniversary(article, 2026)
        assert edition.status == EditionStatus.PREPARED
        assert edition.title == "Forty Years Ago — Chernobyl"
        assert edition.go_live_at == GO_LIVE_2026
        assert edition.history.get().history_change_reason == "Prepared anniversary edition"
        assert "prepare  " in out and "1 prepared" in out

    def test_second_run_prepares_nothing(self):
        article = recurring_article()
        run(GO_LIVE_2026 - dt.timedelta(days=1))
        out = run(GO_LIVE_2026 - dt.timedelta(days=1))
        assert "0 published, 0 prepared, 0 live, 0 overdue" in out
        assert article.editions.filter(kind=EditionKind.ANNIVERSARY).count() == 1

    def test_dry_run_changes_nothing(self):
        article = recurring_article()
        out = run(GO_LIVE_2026 - dt.timedelta(days=1), "--dry-run")
        assert "1 prepared" in out and "dry run" in out
        assert not article.editions.filter(kind=EditionKind.ANNIVERSARY).exists()

    def test_plain_and_milestone_titles(self):
        story = make_story(title="The flood", event_date=dt.date(2015, 11, 13))
        assert story.edition_title(2020) == "Five Years Ago — The flood"
        assert story.edition_title(2026) == "On This Day — The flood (November 13 2015)"
        story.title_pattern = "{story}: {ordinal} anniversary ({years_words} years, {years})"
        assert story.edition_title(2026) == "The flood: 11th anniversary (Eleven years, 11)"

    def test_unknown_placeholder_is_named(self):
        story = make_story(title_pattern="On This Day — {storry}")
        with pytest.raises(Exception, match=r"Unknown placeholder \{storry\}"):
            story.full_clean()

    def test_article_first_published_after_this_years_anniversary_waits_for_next_year(self):
        story = make_story(event_date=EVENT)
        article = make_article(story=story, status=Status.DRAFT)
        services.publish_article(article=article, now=GO_LIVE_2026 + dt.timedelta(days=3))
        run(GO_LIVE_2026 + dt.timedelta(days=4))
        assert not article.editions.filter(kind=EditionKind.ANNIVERSARY).exists()


class TestGoLive:
    def test_edition_goes_live_at_the_anniversary_and_supersedes_the_previous(self):
        article = recurring_article()
        run(GO_LIVE_2026 - dt.timedelta(days=2))
        assert "0 live" in run(GO_LIVE_2026 - dt.timedelta(minutes=1))
        out = run(GO_LIVE_2026)
        article.refresh_from_db()
        edition = anniversary(article, 2026)
        original = article.editions.get(kind=EditionKind.ORIGINAL)
        assert "1 live" in out
        assert (edition.status, edition.went_live_at, edition.is_late) == (
            EditionStatus.LIVE,
            GO_LIVE_2026,
            False,
        )
        assert (original.status, original.superseded_at) == (
            EditionStatus.SUPERSEDED,
            GO_LIVE_2026,
        )
        assert article.title == "Forty Years Ago — Chernobyl"
        assert article.featured_at == GO_LIVE_2026
        assert article.published_at == dt.datetime(2016, 4, 26, 7, tzinfo=UTC)
        reasons = set(article.history.values_list("history_change_reason", flat=True))
        assert "Edition 2026 went live" in reasons
        assert "0 live" in run(GO_LIVE_2026 + dt.timedelta(minutes=5))

    def test_edition_awaiting_approval_is_flagged_overdue_not_skipped(self):
        article = recurring_article(requires_approval=True)
        run(GO_LIVE_2026 - dt.timedelta(days=1))
        out = run(GO_LIVE_2026 + dt.timedelta(minutes=5))
        edition = anniversary(article, 2026)
        assert edition.status == EditionStatus.OVERDUE
        assert "OVERDUE" in out and "awaiting approval" in out and "1 overdue" in out
        # Still listed on the next run, without writing another history row.
        assert "1 overdue" in run(GO_LIVE_2026 + dt.timedelta(minutes=10))
        assert edition.history.count() == 2

        approved_at = GO_LIVE_2026 + dt.timedelta(hours=1)
        services.approve_edition(edition=edition, now=approved_at)
        edition.refresh_from_db()
        assert (edition.status, edition.went_live_at, edition.is_late) == (
            EditionStatus.LIVE,
            approved_at,
            True,
        )

    def test_approved_in_advance_goes_live_on_time(self):
        article = recurring_article(requires_approval=True)
        run(GO_LIVE_2026 - dt.timedelta(days=1))
        services.approve_edition(
            edition=anniversary(article, 2026), now=GO_LIVE_2026 - dt.timedelta(hours=5)
        )
        assert anniversary(article, 2026).status == EditionStatus.PREPARED
        run(GO_LIVE_2026)
        assert anniversary(article, 2026).status == EditionStatus.LIVE

    def test_catches_up_after_ten_days_of_downtime(self):
        article = recurring_article()
        later = GO_LIVE_2026 + dt.timedelta(days=10)
        out = run(later)
        edition = anniversary(article, 2026)
        assert (edition.status, edition.went_live_at, edition.is_late) == (
            EditionStatus.LIVE,
            later,
            True,
        )
        assert "(late)" in out
        assert Edition.objects.filter(kind=EditionKind.ANNIVERSARY).count() == 1
        assert "0 prepared, 0 live" in run(later + dt.timedelta(minutes=5))

    def test_manual_edition_between_anniversaries(self):
        article = recurring_article()
        run(GO_LIVE_2026)
        cut = GO_LIVE_2026 + dt.timedelta(days=40)
        edition = services.cut_manual_edition(article=article, suffix="the trial begins", now=cut)
        article.refresh_from_db()
        assert article.title == "Forty Years Ago — Chernobyl [UPDATE: the trial begins]"
        assert edition.key == "2026-2"
        assert anniversary(article, 2026).status == EditionStatus.SUPERSEDED


class TestCalendar:
    def test_go_live_follows_the_clock_change(self):
        # Paris moves to summer time on 29 March 2026: 09:00 is 08:00 UTC the day before
        # the change and 07:00 UTC on the day itself.
        story = make_story(event_date=dt.date(1990, 3, 29))
        assert story.anniversary_go_live(2026) == dt.datetime(2026, 3, 29, 7, tzinfo=UTC)
        assert story.anniversary_go_live(2025) == dt.datetime(2025, 3, 29, 8, tzinfo=UTC)

    def test_leap_day_events_fall_on_28_february_in_common_years(self):
        story = make_story(event_date=dt.date(2004, 2, 29))
        assert story.anniversary_go_live(2026) == dt.datetime(2026, 2, 28, 8, tzinfo=UTC)
        assert story.anniversary_go_live(2028) == dt.datetime(2028, 2, 29, 8, tzinfo=UTC)
        article = make_article(story=story, published_at=dt.datetime(2020, 1, 1, tzinfo=UTC))
        run(dt.datetime(2026, 2, 28, 8, tzinfo=UTC))
        assert anniversary(article, 2026).status == EditionStatus.LIVE


class TestCommand:
    def test_publishes_scheduled_articles_and_updates(self):
        now = dt.datetime(2026, 11, 28, 12, tzinfo=UTC)
        article = make_article(status=Status.SCHEDULED, publish_at=now - dt.timedelta(minutes=1))
        update = make_update(
            make_article(), status=Status.SCHEDULED, publish_at=now - dt.timedelta(minutes=1)
        )
        out = run(now)
        assert "2 published" in out
        article.refresh_from_db(), update.refresh_from_db()
        assert article.status == update.status == Status.PUBLISHED
        assert article.editions.get().kind == EditionKind.ORIGINAL
        assert "0 published" in run(now)

    def test_bad_now_is_one_clear_error(self):
        with pytest.raises(CommandError, match="is not an ISO 8601 date-time"):
            call_command("run_schedule", "--now", "next tuesday")

    def test_crash_midway_leaves_nothing_half_done_and_the_next_run_finishes(self, monkeypatch):
        article = recurring_article()

        def crash(**kwargs):
            raise RuntimeError("power cut")

        monkeypatch.setattr(services, "make_edition_live", crash)
        with pytest.raises(CommandError, match=r"1 action\(s\) failed: go live .*power cut"):
            run(GO_LIVE_2026 + dt.timedelta(minutes=1))
        edition = anniversary(article, 2026)
        assert edition.status == EditionStatus.PREPARED
        article.refresh_from_db()
        assert article.title == "Chernobyl: the night reactor No. 4 exploded"
        monkeypatch.undo()

        assert "1 live" in run(GO_LIVE_2026 + dt.timedelta(minutes=6))
        assert Edition.objects.filter(kind=EditionKind.ANNIVERSARY).count() == 1

    def test_queries_stay_bounded_with_a_thousand_stories(self, django_assert_max_num_queries):
        """Nothing due: the whole run is a handful of queries, not one per story."""
        stories = Story.objects.bulk_create(
            Story(title=f"S{i}", slug=f"s{i}", event_date=dt.date(2000, 6 + i % 3, 1 + i % 28))
            for i in range(1000)
        )
        published = dt.datetime(2025, 12, 31, tzinfo=UTC)
        Article.objects.bulk_create(
            Article(
                story=s,
                slug=f"a{s.pk}",
                title=s.title,
                status=Status.PUBLISHED,
                published_at=published,
                featured_at=published,
            )
            for s in stories
        )
        # 1 January: every anniversary is in summer; none is near or was missed.
        # 12: two of them look (by pk only) for rows scheduled before year 1900, reported; two
        # find the newest edition per article and the overdue ones (no pile-up, skips reported).
        # A fixed number: none of them is per story.
        with django_assert_max_num_queries(12):
            report = schedule.run(now=dt.datetime(2026, 1, 1, 12, tzinfo=UTC))
        assert report.counts == {"published": 0, "prepared": 0, "live": 0, "overdue": 0}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
class TestConcurrentRunners:
    @pytest.mark.parametrize("advisory_lock", [True, False])
    def test_two_runners_at_once_make_one_edition_and_one_publication(
        self, monkeypatch, advisory_lock
    ):
        """Each thread has its own connection; without the advisory lock the rows still hold."""
        article = recurring_article()
        scheduled = make_article(status=Status.SCHEDULED, publish_at=GO_LIVE_2026)
        if not advisory_lock:
            monkeypatch.setattr(schedule, "single_runner", lambda: contextlib.nullcontext(True))
        barrier = threading.Barrier(2)
        reports = []

        def runner():
            try:
                barrier.wait()
                reports.append(schedule.run(now=GO_LIVE_2026 + dt.timedelta(days=2)))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=runner) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert not any(r.failures for r in reports)
        assert Edition.objects.filter(article=article, kind=EditionKind.ANNIVERSARY).count() == 1
        assert anniversary(article, 2026).status == EditionStatus.LIVE
        assert Edition.objects.filter(article=article, status=EditionStatus.LIVE).count() == 1
        assert scheduled.history.filter(history_change_reason="Published on schedule").count() == 1
        assert sum(r.counts["published"] for r in reports) == 1
        assert sum(r.counts["live"] for r in reports) == 1


def test_update_scheduled_for_the_anniversary_belongs_to_the_new_edition(client):
    """The previous edition is frozen before the run publishes the anniversary's update."""
    article = recurring_article()
    run(GO_LIVE_2026 - dt.timedelta(days=1))
    make_update(
        article,
        body="This year's update.",
        status=Status.SCHEDULED,
        publish_at=GO_LIVE_2026,
        dated_at=GO_LIVE_2026,
    )
    run(GO_LIVE_2026)
    original = article.editions.get(kind=EditionKind.ORIGINAL)
    assert original.status == EditionStatus.SUPERSEDED
    snapshot = client.get(original.get_absolute_url()).content.decode()
    assert "This year" not in snapshot
    assert "This year" in client.get(article.get_absolute_url()).content.decode()
