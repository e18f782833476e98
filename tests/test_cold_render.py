"""
What a cold render shows after the changes that made it cheaper: the timeline partial looks its
optional flags up once per list and prints ids without the locale's number format
(templates/timeline/_timeline.html); references and editions print their dates with
timeline.formatting's day_date and iso_date instead of Django's date filter.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone

from tests.factories import make_article, make_entry, make_story
from timeline.formatting import day_date, iso_date
from timeline.selectors import story_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    story = make_story(title="The flood")
    make_entry(story, "1953-01-31", text="The storm surge")
    make_entry(story, "1953-02-01", text="Dikes break", reference_url="https://example.org/a")
    make_entry(story, "1954", text="The Delta Plan", reference_url="javascript:alert(1)")
    return story


def timeline_html(story, **flags):
    return render_to_string(
        "timeline/_timeline.html", {"entries": list(story_timeline(story)), **flags}
    )


class TestFlags:
    def test_leaving_the_flags_out_shows_the_same_as_passing_their_defaults(self, story):
        assert timeline_html(story) == timeline_html(story, show_story=False, years=True)

    def test_without_flags_years_head_their_entries_and_no_story_line_is_shown(self, story):
        html = timeline_html(story)
        assert html.count('class="timeline__year"') == 2
        assert "From the timeline of" not in html

    def test_years_false_hides_the_year_headings(self, story):
        assert 'class="timeline__year"' not in timeline_html(story, years=False)

    def test_show_story_names_each_entry_s_story(self, story):
        assert timeline_html(story, show_story=True).count("From the timeline of") == 3

    def test_only_a_safe_source_is_linked(self, story):
        html = timeline_html(story)
        assert html.count('class="timeline__source"') == 1
        assert 'href="https://example.org/a"' in html
        assert "javascript:" not in html


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_entry_ids_are_printed_whole_whatever_the_number_format(client):
    """An entry's anchor is its id as digits: a locale's thousands separator would break every
    link to it (`#entry-1,234,567`)."""
    story = make_story()
    entry = make_entry(story, "1953-01-31", id=1_234_567)
    article = make_article(story=story)
    html = timeline_html(story, show_story=True)
    assert 'id="entry-1234567"' in html
    assert f'href="{story.get_absolute_url()}#entry-1234567"' in html
    page = client.get(article.get_absolute_url())
    assert f'id="entry-{entry.pk}"' in page.content.decode()


class TestDayDates:
    """day_date and iso_date print what {{ value|date:"F j Y" }} and "c" / "Y-m-d" printed on the
    article's references and editions, without the date filter's cost per item."""

    MOMENTS = [
        dt.datetime(2024, 11, 27, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 30, 23, 30, tzinfo=dt.UTC),  # the next day in Paris
        dt.datetime(2024, 10, 27, 0, 59, 59, 123456, tzinfo=dt.UTC),  # summer time ends
        dt.datetime(1999, 12, 31, 23, 0, tzinfo=ZoneInfo("America/New_York")),
    ]
    DAYS = [dt.date(2025, 3, 7), dt.date(2000, 2, 29), dt.date(1968, 12, 31)]

    @pytest.mark.parametrize("value", MOMENTS + DAYS)
    def test_a_day_reads_as_the_date_filter_wrote_it(self, value):
        expected = Template('{{ value|date:"F j Y" }}').render(Context({"value": value}))
        assert day_date(value) == expected

    @pytest.mark.parametrize("value", MOMENTS)
    def test_a_moment_s_machine_date_is_the_date_filter_s_c(self, value):
        assert iso_date(value) == Template('{{ value|date:"c" }}').render(Context({"value": value}))

    @pytest.mark.parametrize("value", DAYS)
    def test_a_day_s_machine_date_is_year_month_day(self, value):
        assert iso_date(value) == Template('{{ value|date:"Y-m-d" }}').render(
            Context({"value": value})
        )

    def test_in_another_site_zone_the_day_follows_it(self):
        moment = dt.datetime(2024, 3, 30, 23, 30, tzinfo=dt.UTC)
        with override_settings(TIME_ZONE="America/New_York"), timezone.override("America/New_York"):
            assert day_date(moment) == "March 30 2024"
            assert iso_date(moment) == "2024-03-30T19:30:00-04:00"
        assert day_date(moment) == "March 31 2024"
