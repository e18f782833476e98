"""A reader finds their way around the demo: filters a timeline, opens on this day, searches."""

import datetime as dt
import re

import pytest

from timeline import demo
from timeline.site import views

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 4, 26, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def chernobyl(monkeypatch):
    """The demo story (47 timeline entries, 3 articles), on its fortieth anniversary."""
    demo.load_demo(now=NOW)
    monkeypatch.setattr(views, "local_today", lambda: NOW.date())


def test_reader_filters_the_timeline_and_pages_through_it(page, screenshot, chernobyl):
    page.goto("/stories/chernobyl/")
    page.get_by_role("link", name="Filter this timeline").click()
    page.wait_for_url("**/stories/chernobyl/timeline/")

    page.get_by_label("From", exact=True).fill("1986")
    page.get_by_label("To", exact=True).fill("1987")
    page.get_by_label("Tag").select_option(label="Nuclear")
    page.get_by_role("button", name="Filter").click()

    page.wait_for_url(re.compile(r"date_from=1986.*date_to=1987.*tag=nuclear"))
    assert page.locator(".filter-summary").inner_text() == "6 entries match these filters."
    dates = page.locator(".timeline__date").all_inner_texts()
    assert dates == [
        "1986 April 25",
        "1986 April 26, 01:23 MSD",
        "1986 April 28",
        "1986 (Summer)",
        "1986 August",
        "1986 November",
    ]
    assert page.get_by_label("From", exact=True).input_value() == "1986"
    assert screenshot("timeline-filter").stat().st_size > 0

    # A range that runs backwards is explained, and what was typed stays.
    page.get_by_label("From", exact=True).fill("2001")
    page.get_by_label("To", exact=True).fill("2000")
    page.get_by_role("button", name="Filter").click()
    assert "“From” is after “To”: swap the two dates." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("To", exact=True).input_value() == "2000"

    # The whole timeline is two pages; the next page keeps the filter.
    page.get_by_label("From", exact=True).fill("circa 1970")
    page.get_by_label("To", exact=True).fill("")
    page.get_by_label("Tag").select_option(label="Any tag")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"date_from=circa\+1970.*page=2"))
    assert "page 2 of 2" in page.locator(".filter-summary").inner_text()


def test_reader_opens_on_this_day_and_moves_to_the_next_day(page, screenshot, chernobyl):
    page.goto("/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="On this day").click()

    assert page.locator("h1").inner_text() == "April 26"
    anniversaries = page.locator("section[aria-labelledby=anniversaries-title]")
    assert "40 years ago" in anniversaries.inner_text()
    year_1986 = page.locator("section[aria-labelledby=year-1986]")
    assert "40 years ago" in year_1986.inner_text()
    assert "sudden surge of power destroys reactor No. 4" in year_1986.inner_text()
    assert screenshot("on-this-day").stat().st_size > 0

    page.get_by_role("link", name="April 27 →").click()
    page.wait_for_url("**/on-this-day/04-27/")
    assert "Pripyat is evacuated" in page.locator("section[aria-labelledby=year-1986]").inner_text()


def test_reader_searches_narrows_and_lands_on_the_entry(page, screenshot, chernobyl):
    page.goto("/")
    page.locator("#site-search-q").fill("evacuated")
    page.locator("#site-search-q").press("Enter")

    page.wait_for_url("**/search/?q=evacuated")
    assert page.locator(".result").count() >= 2
    assert page.locator(".result__snippet mark").first.inner_text().lower().startswith("evacuat")
    assert screenshot("search").stat().st_size > 0

    page.get_by_role("link", name=re.compile(r"^Timeline entries \d+$")).click()
    page.wait_for_url(re.compile(r"type=timeline"))
    kinds = set(page.locator(".result__kind").all_inner_texts())
    assert {kind.lower() for kind in kinds} == {"timeline"}

    first = page.locator(".result__title a").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href}")
    target = page.locator(href[href.index("#") :])
    assert "evacuated" in target.inner_text()
    assert target.evaluate("el => el.getBoundingClientRect().top < window.innerHeight")
