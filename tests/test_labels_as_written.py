"""
Dates as editors write them: the page and the form show exactly what was typed, the canonical
value beside it sorts and filters; house style only when the newsroom switches it on.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    make_article,
    make_entry,
    make_quote,
    make_reference,
    make_story,
    make_update,
    place_quote,
)
from timeline.admin.forms import QuoteForm, ReferenceForm, TimelineEntryForm, UpdateForm
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def entry_form(story, date, instance=None, **data):
    fields = {"story": story.pk, "date": date, "text": "Something.", "position": "", **data}
    return TimelineEntryForm(data=fields, instance=instance, time_zone=story.time_zone)


class TestTimelineEntries:
    def test_typed_label_is_stored_beside_the_canonical_date(self):
        story = make_story()
        form = entry_form(story, " 2010 Summer ")
        assert form.is_valid(), form.errors
        entry = form.save()
        assert (entry.date, entry.date_label, entry.date_year) == ("2010-22", "2010 Summer", 2010)

    def test_the_form_shows_the_label_back_as_typed(self):
        story = make_story()
        entry = make_entry(story, "2010 Summer", date_label="2010 Summer")
        form = TimelineEntryForm(instance=entry, time_zone=story.time_zone)
        assert 'value="2010 Summer"' in str(form["date"])

    def test_posting_the_label_back_unchanged_changes_nothing(self):
        story = make_story()
        entry = make_entry(story, "1985-05-04", date_label="1985-05-04")
        form = entry_form(story, "1985-05-04", instance=entry, text=entry.text, position="0")
        assert form.is_valid(), form.errors
        assert "date" not in form.changed_data

    def test_retyping_only_the_label_is_a_change(self):
        story = make_story()
        entry = make_entry(story, "2006-05", date_label="2006 May")
        form = entry_form(story, "May 2006", instance=entry, text=entry.text, position="0")
        assert form.is_valid(), form.errors
        assert "date" in form.changed_data
        assert form.save().date_label == "May 2006"

    def test_the_page_shows_exactly_what_was_typed(self, client):
        article = make_article()
        make_entry(article.story, "2010 Summer", date_label="2010 Summer")
        html = client.get(article.get_absolute_url()).text
        assert ">2010 Summer</time>" in html
        assert "2010 (Summer)" not in html

    def test_house_style_is_an_option(self, client, settings):
        settings.HOUSE_STYLE_DATES = True
        article = make_article()
        make_entry(article.story, "2010 Summer", date_label="2010 Summer")
        html = client.get(article.get_absolute_url()).text
        assert ">2010 (Summer)</time>" in html


class TestManualOrder:
    def test_the_editors_order_wins_within_a_year(self):
        story = make_story()
        year = make_entry(story, "2006", text="The year.", position=2)
        month = make_entry(story, "2006 May", text="The month.", position=1)
        assert list(story.timeline_entries.chronological()) == [month, year]

    def test_without_positions_the_dates_decide(self):
        story = make_story()
        month = make_entry(story, "2006 May")
        year = make_entry(story, "2006")
        assert list(story.timeline_entries.chronological()) == [year, month]

    def test_entries_of_different_years_never_trade_places(self):
        story = make_story()
        later = make_entry(story, "2007", position=0)
        earlier = make_entry(story, "2006 May", position=9)
        assert list(story.timeline_entries.chronological()) == [earlier, later]

    def test_filtering_by_range_uses_the_canonical_bounds(self):
        story = make_story()
        make_entry(story, "2006", position=5)
        inside = make_entry(story, "2010 Summer", date_label="Summer of 2010")
        found = TimelineEntry.objects.filter(story=story).overlapping(
            dt.date(2010, 7, 1), dt.date(2010, 7, 31)
        )
        assert list(found) == [inside]


class TestQuotesAndReferences:
    @pytest.mark.parametrize(
        ("typed", "edtf"), [("Oct. 2021", "2021-10"), ("April 11 2016", "2016-04-11")]
    )
    def test_quote_dates_are_kept_as_typed(self, client, typed, edtf):
        data = {"text": "Words.", "speaker": "A Speaker", "said_on": typed}
        form = QuoteForm(data=data)
        assert form.is_valid(), form.errors
        quote = form.save()
        assert (quote.said_on, quote.said_on_label) == (edtf, typed)
        article = make_article()
        place_quote(article, quote)
        assert f"A Speaker ({typed})" in client.get(article.get_absolute_url()).text

    def test_reference_dates_are_kept_as_typed(self, client):
        article = make_article()
        form = ReferenceForm(data={"title": "Report", "published_on": "Sept. 2019", "order": 0})
        assert form.is_valid(), form.errors
        form.instance.article = article
        form.save()
        assert ">Sept. 2019</time>" in client.get(article.get_absolute_url()).text

    def test_a_quote_stored_before_labels_shows_house_style_in_the_form(self):
        quote = make_quote(said_on="2016-04-11")
        assert 'value="2016 April 11"' in str(QuoteForm(instance=quote)["said_on"])

    def test_clearing_the_date_clears_the_label(self):
        quote = make_quote(said_on="2021-10", said_on_label="Oct. 2021")
        data = {"text": quote.text, "speaker": quote.speaker, "said_on": ""}
        form = QuoteForm(data=data, instance=quote)
        assert form.is_valid(), form.errors
        assert (form.save().said_on, quote.said_on_label) == ("", "")


class TestUpdates:
    def test_the_printed_date_is_the_label_as_written(self, client):
        article = make_article()
        make_update(article, dated_at=timezone.make_aware(dt.datetime(2021, 9, 8, 10)),
                    date_label="Sept. 8 2021")  # fmt: skip
        assert ">Sept. 8 2021</time>" in client.get(article.get_absolute_url()).text

    def test_without_a_label_the_house_format(self, client):
        article = make_article()
        make_update(article, dated_at=timezone.make_aware(dt.datetime(2021, 9, 8, 10)))
        assert ">September 8 2021</time>" in client.get(article.get_absolute_url()).text

    def test_a_date_only_update_gives_machines_only_the_day(self, client):
        article = make_article()
        make_update(article, dated_at=timezone.make_aware(dt.datetime(2021, 9, 8)), has_time=False)
        assert '<time datetime="2021-09-08">' in client.get(article.get_absolute_url()).text

    def test_the_form_takes_a_date_without_a_time(self):
        article = make_article()
        data = {
            "article": article.pk, "kind": "update", "dated_at_0": "2021-09-08", "dated_at_1": "",
            "date_label": "Sept. 8 2021", "body": "Text.", "status": "draft",
        }  # fmt: skip
        form = UpdateForm(data=data)
        assert form.is_valid(), form.errors
        update = form.save()
        assert (update.has_time, update.local_date, update.date_label) == (
            False,
            dt.date(2021, 9, 8),
            "Sept. 8 2021",
        )

    def test_a_printed_date_of_another_day_is_refused(self):
        article = make_article()
        data = {
            "article": article.pk, "kind": "update", "dated_at_0": "2021-09-08",
            "dated_at_1": "10:00", "date_label": "Sept. 9 2021", "body": "Text.",
            "status": "draft",
        }  # fmt: skip
        form = UpdateForm(data=data)
        assert not form.is_valid()
        assert "date_label" in form.errors


def test_references_without_label_show_house_style(client):
    article = make_article()
    make_reference(article, published_on="2019-09")
    assert ">2019 September</time>" in client.get(article.get_absolute_url()).text
