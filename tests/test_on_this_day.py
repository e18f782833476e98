"""On this day: what happened on a calendar date across every public story."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_entry, make_story
from tests.pages import elements, link, text_of
from tests.test_images_support import make_image, memory_media
from timeline import selectors
from timeline.models import Status
from timeline.site import views

pytestmark = pytest.mark.django_db

media = pytest.fixture(memory_media, name="media")

TODAY = dt.date(2026, 4, 26)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The page's idea of today; tests move it by assigning `today.value`."""

    class Today:
        value = TODAY

    monkeypatch.setattr(views, "local_today", lambda: Today.value)
    return Today


@pytest.fixture
def story():
    story = make_story(title="Chernobyl", slug="chernobyl", event_date=dt.date(1986, 4, 26))
    make_article(story=story, title="Forty Years Ago — Chernobyl")
    return story


def day_url(month, day):
    return reverse("timeline:on_this_day", kwargs={"month": month, "day": day})


def page_for(month, day, today=TODAY):
    return selectors.on_this_day(month=month, day=day, today=today)


def entry_texts(page):
    return [entry.text for group in page.years for entry in group.entries]


class TestPrecision:
    def test_only_day_precision_entries_of_that_calendar_date_match(self, story):
        make_entry(story, "1986-04-26T01:23", text="The explosion")
        make_entry(story, "2016-04-26", text="Thirtieth anniversary")
        make_entry(story, "1986-04-27", text="The next day")
        make_entry(story, "1986 April", text="A month")
        make_entry(story, "1986", text="A year")
        make_entry(story, "1986 (Spring)", text="A season")
        make_entry(story, "1986-04-26/1986-04-28", text="A span of days")
        make_entry(story, "circa 1986", text="Circa a year")

        assert entry_texts(page_for(4, 26)) == ["The explosion", "Thirtieth anniversary"]

    def test_month_precision_entries_are_listed_apart_for_their_month(self, story):
        make_entry(story, "2011 April", text="April 2011")
        make_entry(story, "2020 April", text="April 2020")
        make_entry(story, "2020 May", text="May 2020")
        make_entry(story, "2020", text="A year")

        page = page_for(4, 26)
        assert entry_texts(page) == []
        assert [e.text for e in page.month_entries] == ["April 2011", "April 2020"]
        assert [e.text for e in page_for(4, 1).month_entries] == ["April 2011", "April 2020"]

    def test_entries_are_grouped_by_year_with_how_long_ago(self, story):
        make_entry(story, "1986-04-26", text="Fires burn")
        make_entry(story, "1986-04-26T01:23", text="The explosion")
        make_entry(story, "2025-04-26", text="Last year")
        make_entry(story, "2026-04-26", text="This year")

        page = page_for(4, 26)
        assert [(g.year, g.years_ago_label, len(g.entries)) for g in page.years] == [
            (1986, "40 years ago", 2),
            (2025, "1 year ago", 1),
            (2026, "This year", 1),
        ]

    def test_only_stories_with_a_published_article_are_shown(self, story):
        make_entry(story, "1986-04-26", text="Public")
        unpublished = make_story()
        make_article(story=unpublished, status=Status.DRAFT)
        make_entry(unpublished, "1990-04-26", text="Still a draft")
        make_entry(make_story(), "1991-04-26", text="No article at all")

        assert entry_texts(page_for(4, 26)) == ["Public"]


class TestAnniversaries:
    def test_articles_of_stories_that_happened_on_this_date_are_listed(self, story):
        other = make_story(event_date=dt.date(2011, 3, 11))
        make_article(story=other, title="Fukushima")
        draft_story = make_story(event_date=dt.date(2000, 4, 26))
        make_article(story=draft_story, title="Draft", status=Status.DRAFT)

        page = page_for(4, 26)
        assert [(a.article.title, a.years_ago_label) for a in page.articles] == [
            ("Forty Years Ago — Chernobyl", "40 years ago")
        ]

    def test_page_shows_anniversaries_and_entries_with_story_links(self, client, story):
        entry = make_entry(story, "1986-04-26T01:23", text="The explosion")
        response = client.get(day_url(4, 26))
        text = text_of(response)
        assert "Anniversaries 40 years ago · April 26 1986" in text
        assert "1986 40 years ago" in text and "The explosion" in text
        assert link(response, "Chernobyl") == f"{story.get_absolute_url()}#entry-{entry.pk}"


class TestLeapDays:
    @pytest.fixture
    def leap(self, story):
        leap_story = make_story(title="Leap", event_date=dt.date(2004, 2, 29))
        make_article(story=leap_story, title="The leap-day story")
        make_entry(leap_story, "2004-02-29", text="On the leap day")
        make_entry(leap_story, "2004-02-28", text="The day before")
        return leap_story

    def test_29_february_is_remembered_on_28_february_in_a_common_year(self, leap):
        page = page_for(2, 28, today=dt.date(2026, 2, 28))
        assert page.includes_leap_day
        assert entry_texts(page) == ["The day before", "On the leap day"]
        assert [a.article.title for a in page.articles] == ["The leap-day story"]

    def test_in_a_leap_year_28_february_is_only_itself(self, leap):
        page = page_for(2, 28, today=dt.date(2028, 2, 28))
        assert not page.includes_leap_day
        assert entry_texts(page) == ["The day before"]
        assert page.articles == []

    def test_29_february_is_a_valid_page_in_any_year(self, client, leap, today):
        today.value = dt.date(2026, 3, 1)
        response = client.get(day_url(2, 29))
        assert response.status_code == 200
        assert "On the leap day" in text_of(response)
        assert "The day before" not in text_of(response)
        page = page_for(2, 29, today=dt.date(2026, 3, 1))
        assert (page.previous.month, page.previous.day) == (2, 28)
        assert (page.next.month, page.next.day) == (3, 1)

    def test_28_february_page_explains_the_leap_day(self, client, leap, today):
        today.value = dt.date(2026, 2, 28)
        text = text_of(client.get(reverse("timeline:on_this_day_today")))
        assert "There is no February 29 in 2026" in text
        assert "On the leap day" in text


class TestDates:
    @pytest.mark.parametrize("path", ["02-30", "04-31", "13-01", "00-10", "12-00", "12-32"])
    def test_impossible_dates_are_not_found(self, client, path):
        assert client.get(f"/on-this-day/{path}/").status_code == 404

    def test_one_digit_month_and_day_work_and_are_canonical_with_two(self, client, story):
        response = client.get("/on-this-day/4-6/")
        assert response.status_code == 200
        [(canonical, _)] = elements(response).find("link", rel="canonical")
        assert canonical["href"].endswith("/on-this-day/04-06/")

    def test_today_is_taken_in_the_newsrooms_zone(self, monkeypatch):
        """At 23:30 UTC on 25 April it is already 26 April in Paris (settings.TIME_ZONE)."""
        monkeypatch.undo()  # the real local_today, not the fixture's
        late = dt.datetime(2026, 4, 25, 23, 30, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: late)
        assert views.local_today() == dt.date(2026, 4, 26)

    def test_today_page_shows_today_and_links_the_days_around(self, client, story, today):
        today.value = dt.date(2026, 12, 31)
        response = client.get(reverse("timeline:on_this_day_today"))
        text = text_of(response)
        assert "December 31" in text and "Today, Thursday December 31 2026" in text
        assert link(response, "← December 30") == day_url(12, 30)
        assert link(response, "January 1 →") == day_url(1, 1)
        assert link(client.get(day_url(1, 1)), "← December 31") == day_url(12, 31)

    def test_empty_day_says_so(self, client, story):
        assert "Nothing in our timelines is dated June 1 to the day." in text_of(
            client.get(day_url(6, 1))
        )


def test_queries_are_pinned(client, django_assert_max_num_queries):
    """Guards against N+1 queries: entries, anniversary articles, month entries."""
    for i in range(30):
        story = make_story(event_date=dt.date(1950 + i, 4, 26))
        make_article(story=story)
        make_entry(story, f"{1950 + i}-04-26", text=f"Day {i}")
        make_entry(story, f"{1950 + i} April", text=f"Month {i}")
    client.get(day_url(4, 26))  # the site's settings read once, then cached
    with django_assert_max_num_queries(3):
        response = client.get(day_url(4, 26))
    assert response.status_code == 200
    shown = 30 + min(30, selectors.ON_THIS_DAY_LIMITS["month_entries"])
    assert len(elements(response).find("li", class_="timeline__entry")) == shown


def test_pictured_entries_cost_no_query_each(client, media, django_assert_max_num_queries):
    """
    Guards against N+1 queries: each entry's picture rides along with it (a join), so a day of
    20 pictured entries, by the day or by the month, costs the queries of a day of 2.
    """
    pictures = [make_image(), make_image(title="Second")]

    def pictured_day(first, last):
        for i in range(first, last):
            story = make_story(event_date=dt.date(1900 + i, 4, 26))
            make_article(story=story)
            make_entry(story, f"{1900 + i}-04-26", text=f"Day {i}", image=pictures[i % 2])
            make_entry(story, f"{1900 + i} April", text=f"Month {i}", image=pictures[i % 2])
        client.get(day_url(4, 26))  # the site's settings read once, then cached
        with django_assert_max_num_queries(3) as captured:
            response = client.get(day_url(4, 26))
        assert response.status_code == 200
        shown = elements(response).find("img", class_="timeline__image")
        assert len(shown) == 2 * last  # every entry's picture, by the day and by the month
        return len(captured)

    assert pictured_day(0, 2) == pictured_day(2, 20)


class TestBusyDay:
    """A busy day shows its most notable entries (key moments, then the oldest) and says so."""

    def test_the_key_moments_then_the_oldest_are_shown_in_date_order(
        self, client, story, monkeypatch
    ):
        monkeypatch.setitem(selectors.ON_THIS_DAY_LIMITS, "entries", 3)
        monkeypatch.setitem(selectors.ON_THIS_DAY_LIMITS, "month_entries", 2)
        for year in range(1980, 1990):
            make_entry(story, f"{year}-04-26", text=f"Day {year}", is_key_moment=year == 1988)
            make_entry(story, f"{year} April", text=f"Month {year}", is_key_moment=year == 1989)

        page = page_for(4, 26)
        assert entry_texts(page) == ["Day 1980", "Day 1981", "Day 1988"]
        assert [e.text for e in page.month_entries] == ["Month 1980", "Month 1989"]
        assert page.more_entries and page.more_month_entries
        text = text_of(client.get(day_url(4, 26)))
        assert "3 of the events of this day: the key moments first, then the earliest." in text
        assert "2 of them: the key moments first, then the earliest." in text

    def test_a_day_within_the_limits_shows_everything_and_no_note(self, client, story):
        for year in range(1980, 1980 + selectors.ON_THIS_DAY_LIMITS["entries"]):
            make_entry(story, f"{year}-04-26", text=f"Day {year}")
        page = page_for(4, 26)
        assert page.entries_shown == selectors.ON_THIS_DAY_LIMITS["entries"]
        assert not page.more_entries
        assert "of the events of this day" not in text_of(client.get(day_url(4, 26)))
