"""
An honest demo (issue 12): the printed login is an editor as a newsroom has them, not a
superuser; the Chernobyl story's editions, lede and updates agree with one another; and a second
story's anniversary is always a few days ahead, whatever the day the demo is loaded, so the
upcoming-anniversaries page, approval and on-this-day always have something to show.
"""

import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from editorial import roles
from timeline import demo, selectors
from timeline.demo import founding
from timeline.editions import anniversaries, schedule
from timeline.models import Article, EditionKind, EditionStatus, Status, Story, Update

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Loading days to try: a 24 February of a leap year (the second story falls on 29 February),
# the last days of a year (its anniversary falls in the next one), and a day in the Chernobyl
# story's future, with no update in the data for its anniversary.
LOAD_DAYS = [
    dt.datetime(2028, 2, 24, 8, 0, tzinfo=dt.UTC),
    dt.datetime(2029, 12, 29, 22, 30, tzinfo=dt.UTC),
    dt.datetime(2031, 6, 1, 12, 0, tzinfo=dt.UTC),
]


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    models = [*apps.get_app_config("timeline").get_models(include_auto_created=True)]
    models.append(get_user_model())
    return {model._meta.label: model._default_manager.count() for model in models}


def main_article():
    return Article.objects.select_related("story").get(slug=demo.MAIN_SLUG)


class TestLogins:
    def test_the_printed_login_is_an_editor_without_superuser_rights(self, client):
        output = load()
        line = next(line for line in output.splitlines() if line.startswith("Demo editor"))
        assert line.startswith("Demo editor (Editor role): ")
        username, password = re.search(r"user: (\S+)  password: (\S+)", line).groups()
        editor = get_user_model().objects.get(username=username)
        assert editor.is_staff and editor.is_active and not editor.is_superuser
        assert list(editor.groups.values_list("name", flat=True)) == [roles.EDITOR]
        assert editor.has_perm("timeline.change_article")
        assert not editor.has_perm("auth.change_user")

        assert client.login(username=username, password=password)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/auth/user/").status_code == 403

    def test_a_separate_administrator_login_is_printed_too(self, client):
        output = load()
        line = next(line for line in output.splitlines() if line.startswith("Demo admin"))
        assert line.startswith("Demo administrator (superuser): ")
        username, password = re.search(r"user: (\S+)  password: (\S+)", line).groups()
        assert username != demo.EDITOR_USERNAME
        assert get_user_model().objects.get(username=username).is_superuser
        assert client.login(username=username, password=password)
        assert client.get("/admin/auth/user/").status_code == 200

    def test_an_old_superuser_editor_is_brought_down_to_the_editor_role(self):
        load()
        get_user_model().objects.filter(username=demo.EDITOR_USERNAME).update(is_superuser=True)
        get_user_model().objects.get(username=demo.EDITOR_USERNAME).groups.clear()
        assert "updated 1 user" in load()
        editor = get_user_model().objects.get(username=demo.EDITOR_USERNAME)
        assert not editor.is_superuser
        assert editor.groups.filter(name=roles.EDITOR).exists()
        assert "already up to date" in load()


class TestTheStoryIsConsistent:
    def test_milestone_titles_differ_from_plain_years(self):
        demo.load_demo(now=dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC))
        article = main_article()
        titles = dict(
            article.editions.filter(kind=EditionKind.ANNIVERSARY).values_list("year", "title")
        )
        assert len(titles) == 10  # 2017 to 2026
        assert len(set(titles.values())) == len(titles)
        story = article.story.title
        assert titles[2026] == f"Forty Years Ago — {story}"  # a milestone: its own wording
        assert titles[2025] == f"Thirty-Nine Years On — {story}"  # a plain year: the pattern
        assert titles[2021] == f"Thirty-Five Years On — {story}"

    @pytest.mark.parametrize("now", LOAD_DAYS, ids=lambda now: f"{now:%Y-%m-%d}")
    def test_this_years_update_exists_when_this_years_edition_is_live(self, now):
        demo.load_demo(now=now)
        article = main_article()
        live = article.editions.get(status=EditionStatus.LIVE)
        assert live.kind == EditionKind.ANNIVERSARY
        years = live.year - article.story.event_date.year
        words = anniversaries.years_words(years).lower()
        update = article.updates.get(dated_at=article.story.anniversary_go_live(live.year))
        assert update.status == Status.PUBLISHED
        assert update.headline.lower() == f"{words} years on"
        assert update.dated_at <= now
        # Nothing is published ahead of the load: the next anniversary's update is a draft.
        assert not article.updates.published().filter(dated_at__gt=now).exists()
        draft = article.updates.get(status=Status.DRAFT)
        assert draft.dated_at == article.story.anniversary_go_live(live.year + 1)
        words = anniversaries.years_words(years + 1).lower()
        assert draft.headline.lower() == f"{words} years on"

    def test_the_lede_speaks_of_the_live_editions_anniversary(self):
        demo.load_demo(now=dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC))
        article = main_article()
        assert article.title.startswith("Forty Years Ago")
        assert article.lede.startswith("**April 26 2026** — Forty years ago today, ")
        # Each replayed edition's page carried the lede of its own anniversary.
        rows = article.history.filter(history_change_reason__in=["Edition 2021 went live"])
        assert rows.get().lede.startswith("**April 26 2021** — Thirty-five years ago today, ")

    def test_a_second_run_sets_the_lede_the_live_edition_left(self):
        """A demo loaded before the fortieth anniversary keeps the thirty-fifth's lede."""
        now = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)
        demo.load_demo(now=now)
        assert demo.load_demo(now=now).up_to_date
        assert main_article().lede.startswith("**April 26 2021** — Thirty-five years ago")


class TestTheSecondStory:
    @pytest.mark.parametrize("now", LOAD_DAYS, ids=lambda now: f"{now:%Y-%m-%d}")
    def test_its_anniversary_is_a_few_days_after_the_load(self, now):
        demo.load_demo(now=now)
        story = Story.objects.get(slug=founding.STORY_SLUG)
        article = Article.objects.get(slug=founding.ARTICLE_SLUG, story=story)
        assert article.is_published and article.recurring
        assert article.published_at < now

        waiting = article.editions.get(status=EditionStatus.PREPARED)
        assert waiting.kind == EditionKind.ANNIVERSARY and waiting.approved_at is None
        assert story.requires_approval
        assert waiting.go_live_at == story.anniversary_go_live(waiting.year)
        assert now + dt.timedelta(days=3) <= waiting.go_live_at <= now + dt.timedelta(days=10)
        assert article.editions.get(status=EditionStatus.LIVE).kind == EditionKind.ORIGINAL

        (row,) = [r for r in schedule.upcoming(now=now, days=60) if r.article == article]
        assert row.edition == waiting and not row.overdue

        today = timezone.localtime(now).date()
        page = selectors.on_this_day(month=today.month, day=today.day, today=today)
        entries = [entry for group in page.years for entry in group.entries]
        assert any(entry.story == story for entry in entries)
        anniversary = timezone.localtime(waiting.go_live_at).date()
        page = selectors.on_this_day(
            month=anniversary.month, day=anniversary.day, today=anniversary
        )
        assert article in [item.article for item in page.articles]

    def test_loading_again_on_another_day_moves_nothing(self):
        first = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC)
        demo.load_demo(now=first)
        before = row_counts()
        event_date = Story.objects.get(slug=founding.STORY_SLUG).event_date

        assert demo.load_demo(now=first).up_to_date
        assert demo.load_demo(now=first + dt.timedelta(days=20)).up_to_date
        assert row_counts() == before
        assert Story.objects.get(slug=founding.STORY_SLUG).event_date == event_date

    def test_the_editor_sees_it_on_the_upcoming_page_and_approves_it(self, client):
        load()
        assert client.login(username=demo.EDITOR_USERNAME, password=demo.DEFAULT_PASSWORD)
        page = client.get("/admin/timeline/edition/upcoming/")
        assert page.status_code == 200
        article = Article.objects.get(slug=founding.ARTICLE_SLUG)
        waiting = article.editions.get(status=EditionStatus.PREPARED)
        assert waiting.title in page.content.decode()

        response = client.post(f"/admin/timeline/edition/{waiting.pk}/approve/")
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.approved_at is not None
        assert waiting.approved_by.username == demo.EDITOR_USERNAME


def test_the_updates_of_the_data_are_never_dated_after_the_load():
    now = dt.datetime(2019, 4, 25, 12, 0, tzinfo=dt.UTC)
    demo.load_demo(now=now)
    assert not Update.objects.filter(status=Status.PUBLISHED, dated_at__gt=now).exists()
