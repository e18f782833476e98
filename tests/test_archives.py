"""Date archives: published articles by the year and month of their first publication."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from tests.factories import make_article
from tests.pages import elements, link, text_of
from timeline.models import Status
from timeline.site import views

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def published(title, *when, **overrides):
    moment = dt.datetime(*when, tzinfo=PARIS)
    return make_article(title=title, published_at=moment, featured_at=moment, **overrides)


def titles(response):
    return [text for _attrs, text in elements(response).find("h2", class_="card__title")]


def year_url(year):
    return reverse("timeline:archive_year", kwargs={"year": year})


def month_url(year, month):
    return reverse("timeline:archive_month", kwargs={"year": year, "month": month})


@pytest.fixture
def articles():
    return [
        published("Spring 2016", 2016, 4, 26, 9),
        published("Autumn 2016", 2016, 11, 30, 9),
        published("March 2021", 2021, 3, 11, 9),
        make_article(title="A draft", status=Status.DRAFT),
    ]


class TestYear:
    def test_lists_articles_first_published_that_year_newest_first(self, client, articles):
        response = client.get(year_url(2016))
        assert response.status_code == 200
        assert titles(response) == ["Autumn 2016", "Spring 2016"]
        assert "Published in 2016" in text_of(response)

    def test_links_its_months_and_the_years_around_skipping_empty_ones(self, client, articles):
        response = client.get(year_url(2016))
        assert link(response, "April") == month_url(2016, 4)
        assert link(response, "November") == month_url(2016, 11)
        assert link(response, "2021 →") == year_url(2021)
        assert link(client.get(year_url(2021)), "← 2016") == year_url(2016)

    def test_year_is_reckoned_in_the_newsrooms_zone(self, client):
        """23:30 UTC on 31 December 2020 is already 2021 in Paris."""
        moment = dt.datetime(2020, 12, 31, 23, 30, tzinfo=dt.UTC)
        make_article(title="New Year's Eve", published_at=moment, featured_at=moment)
        assert titles(client.get(year_url(2021))) == ["New Year's Eve"]
        assert client.get(year_url(2020)).status_code == 404

    @pytest.mark.parametrize("year", [2015, 0, 999, 9999, 99999])
    def test_year_without_articles_or_out_of_range_is_not_found(self, client, articles, year):
        assert client.get(f"/archive/{year}/").status_code == 404

    def test_draft_articles_never_appear(self, client, articles):
        draft_moment = dt.datetime(2016, 5, 1, tzinfo=PARIS)
        make_article(title="Unpublished", status=Status.DRAFT, published_at=draft_moment)
        assert "Unpublished" not in titles(client.get(year_url(2016)))


class TestMonth:
    def test_lists_that_months_articles_with_the_months_around(self, client, articles):
        published("Also November", 2016, 11, 2, 9)
        response = client.get(month_url(2016, 11))
        assert titles(response) == ["Autumn 2016", "Also November"]
        assert "Published in November 2016" in text_of(response)
        assert link(response, "← April 2016") == month_url(2016, 4)
        assert link(response, "March 2021 →") == month_url(2021, 3)

    def test_month_urls_have_two_digits_and_accept_one(self, client, articles):
        assert month_url(2016, 4) == "/archive/2016/04/"
        assert titles(client.get("/archive/2016/4/")) == ["Spring 2016"]

    @pytest.mark.parametrize("path", ["2016/13", "2016/00", "2016/05", "9999/12"])
    def test_impossible_or_empty_month_is_not_found(self, client, articles, path):
        assert client.get(f"/archive/{path}/").status_code == 404


class TestPagination:
    @pytest.fixture
    def many(self, monkeypatch):
        monkeypatch.setattr(views.ArchiveYearView, "paginate_by", 3)
        for day in range(1, 8):
            published(f"Day {day}", 2019, 6, day, 9)

    def test_pages_newest_first(self, client, many):
        first = client.get(year_url(2019))
        assert titles(first) == ["Day 7", "Day 6", "Day 5"]
        assert link(first, "Older →") == "?page=2"
        assert titles(client.get(year_url(2019), {"page": 3})) == ["Day 1"]

    def test_page_past_the_end_is_the_last_and_junk_is_not_found(self, client, many):
        assert titles(client.get(year_url(2019), {"page": 99})) == ["Day 1"]
        assert client.get(year_url(2019), {"page": "abc"}).status_code == 404


def test_index_lists_years_and_their_months(client, articles):
    response = client.get(reverse("timeline:archive"))
    text = text_of(response)
    assert text.index("2021 March") < text.index("2016 November April")
    assert link(response, "2016") == year_url(2016)
    assert link(response, "March") == month_url(2021, 3)


def test_index_of_an_empty_site_says_so(client):
    assert "Nothing has been published yet." in text_of(client.get(reverse("timeline:archive")))


class TestQueries:
    """Guards against N+1 queries on every archive page."""

    @pytest.fixture
    def lots(self):
        for i in range(40):
            published(f"Article {i}", 2018 + i % 3, 1 + i % 12, 1 + i % 28, 9)

    def test_year(self, client, lots, django_assert_max_num_queries):
        # anything at all (allow_empty=False), months, count, page, previous and next year
        with django_assert_max_num_queries(6):
            assert len(titles(client.get(year_url(2019)))) == 13

    def test_month(self, client, lots, django_assert_max_num_queries):
        # anything at all, days, count, page, previous and next month
        with django_assert_max_num_queries(6):
            assert titles(client.get(month_url(2019, 2)))

    def test_index(self, client, lots, django_assert_max_num_queries):
        with django_assert_max_num_queries(1):
            client.get(reverse("timeline:archive"))
