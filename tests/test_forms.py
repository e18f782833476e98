"""Editor forms: dates typed freely, stored as EDTF, shown back in house style."""

import datetime as dt

import pytest
from django import forms

from tests.factories import make_article, make_entry, make_story
from timeline import dates
from timeline.admin.forms import (
    ArticleForm,
    MixedDateField,
    QuoteForm,
    ReferenceForm,
    StoryForm,
    TimelineEntryForm,
    UpdateForm,
)
from timeline.models import Status, TimelineEntry

TYPED = [
    ("1985 May 4", "1985-05-04"),
    ("2006 May", "2006-05"),
    ("2002", "2002"),
    ("1999/2000", "1999/2000"),
    ("2015 (Summer)", "2015-22"),
    ("circa 2004", "2004~"),
    ("2005?", "2005?"),
    ("13 November 2015 21:16", "2015-11-13T21:16:00"),
    ("2015 November 13, 21:16 CET", "2015-11-13T21:16:00"),
]


class TestMixedDateField:
    @pytest.mark.parametrize(("typed", "edtf"), TYPED)
    def test_cleans_what_an_editor_types_to_canonical_edtf(self, typed, edtf):
        assert MixedDateField().clean(typed) == edtf

    def test_an_unreadable_date_is_a_validation_error_with_the_helpers_sentence(self):
        with pytest.raises(dates.InvalidDate) as expected:
            dates.parse("2015 Febtember 31")
        with pytest.raises(forms.ValidationError) as error:
            MixedDateField().clean("2015 Febtember 31")
        assert error.value.messages == [str(expected.value)]
        assert error.value.error_list[0].code == "invalid_date"

    def test_an_impossible_day_is_refused(self):
        with pytest.raises(forms.ValidationError, match="There is no 31 February 2015"):
            MixedDateField().clean("2015 February 31")

    def test_required_field_refuses_empty(self):
        with pytest.raises(forms.ValidationError, match="This field is required"):
            MixedDateField().clean("  ")

    def test_optional_field_cleans_empty_to_empty_string(self):
        assert MixedDateField(required=False).clean("") == ""

    @pytest.mark.parametrize(
        ("edtf", "shown"),
        [
            ("1985-05-04", "1985 May 4"),
            ("2006-05", "2006 May"),
            ("1999/2000", "1999/2000"),
            ("2015-22", "2015 (Summer)"),
            ("2004~", "circa 2004"),
            ("2005?", "2005?"),
        ],
    )
    def test_shows_stored_edtf_in_house_style(self, edtf, shown):
        assert MixedDateField().prepare_value(edtf) == shown

    def test_shows_a_time_with_the_zone_abbreviation_of_the_story(self):
        field = MixedDateField(time_zone="Europe/Paris")
        assert field.prepare_value("2015-11-13T21:16:00") == "2015 November 13, 21:16 CET"
        assert field.prepare_value("2015-07-14T10:00:00") == "2015 July 14, 10:00 CEST"

    def test_an_invalid_zone_still_shows_the_date(self):
        field = MixedDateField(time_zone="Europe/Atlantis")
        assert field.prepare_value("2015-11-13T21:16:00") == "2015 November 13, 21:16"

    def test_keeps_what_the_editor_typed_when_it_is_not_stored_edtf(self):
        assert MixedDateField().prepare_value("2015 Febtember 31") == "2015 Febtember 31"

    def test_a_stored_date_posted_back_in_house_style_is_unchanged(self):
        """Otherwise every entry of a story would be saved (and versioned) on each save."""
        field = MixedDateField(time_zone="Europe/Paris")
        assert not field.has_changed("2015-11-13T21:16:00", "2015 November 13, 21:16 CET")
        assert not field.has_changed("2015-22", "2015 (Summer)")
        assert field.has_changed("2015-22", "2015 (Autumn)")
        assert field.has_changed("2015-22", "2015 Febtember")


@pytest.mark.django_db
class TestTimelineEntryForm:
    def test_saves_canonical_edtf_and_the_models_save_derives_the_bounds(self):
        story = make_story()
        data = {"story": story.pk, "date": "circa 2004", "text": "Plans are drawn up."}
        form = TimelineEntryForm(data)
        assert form.is_valid(), form.errors
        entry = form.save()
        entry.refresh_from_db()
        assert entry.date == "2004~"
        assert (entry.date_lower, entry.date_upper) == (dt.date(2004, 1, 1), dt.date(2004, 12, 31))
        assert entry.date_fuzzy_lower == dt.date(2003, 1, 1)
        assert entry.date_fuzzy_upper == dt.date(2005, 12, 31)
        assert entry.date_precision == dates.Precision.YEAR

    def test_keeps_the_time_typed_with_a_full_date(self):
        story = make_story()
        form = TimelineEntryForm(
            {"story": story.pk, "date": "13 November 2015 21:16", "text": "The first attack."}
        )
        entry = form.save()
        assert entry.date == "2015-11-13T21:16:00"
        assert entry.date_time == dt.time(21, 16)
        assert (entry.date_month, entry.date_day) == (11, 13)

    def test_shows_a_stored_entry_in_house_style_with_the_storys_zone(self):
        story = make_story(time_zone="Europe/Paris")
        entry = make_entry(story, "2015-11-13T21:16:00")
        html = str(TimelineEntryForm(instance=entry)["date"])
        assert 'value="2015 November 13, 21:16 CET"' in html

    def test_a_label_read_in_its_context_posted_back_unchanged_keeps_its_date(self):
        # An imported "21:40 CET" (a time on the day of the entry before it) is no date alone.
        story = make_story(time_zone="Europe/Paris")
        entry = make_entry(story, "2015-11-13T21:40:00")
        TimelineEntry.objects.filter(pk=entry.pk).update(date_label="21:40 CET")
        entry.refresh_from_db()
        data = {"story": story.pk, "date": "21:40 CET", "text": "Corrected text."}
        form = TimelineEntryForm(data, instance=entry)
        assert 'value="21:40 CET"' in str(TimelineEntryForm(instance=entry)["date"])
        assert form.is_valid(), form.errors
        saved = form.save()
        assert (saved.date, saved.date_label, saved.text) == (
            "2015-11-13T21:40:00",
            "21:40 CET",
            "Corrected text.",
        )
        # Typed anew, it is read on its own, and a time alone is no date.
        changed = TimelineEntryForm({**data, "date": "21:45 CET"}, instance=entry)
        assert not changed.is_valid()
        assert "date" in changed.errors

    def test_a_bad_date_keeps_the_typed_text_and_says_why(self):
        story = make_story()
        form = TimelineEntryForm({"story": story.pk, "date": "2015 Febtember 31", "text": "x"})
        assert not form.is_valid()
        assert "is not a date we understand" in form.errors["date"][0]
        assert 'value="2015 Febtember 31"' in str(form["date"])


@pytest.mark.django_db
class TestQuoteAndReferenceForms:
    def test_quote_date_is_optional_and_stored_as_edtf(self):
        data = {"text": "We will not forget.", "speaker": "Jane Speaker", "said_on": "Oct. 2021"}
        assert QuoteForm(data).save().said_on == "2021-10"
        assert QuoteForm({**data, "said_on": ""}).save().said_on == ""

    def test_quote_form_refuses_an_unreadable_date(self):
        form = QuoteForm({"text": "Words.", "speaker": "Jane Speaker", "said_on": "someday"})
        assert not form.is_valid()
        assert "is not a date we understand" in form.errors["said_on"][0]

    def test_reference_date_is_stored_as_edtf(self):
        article = make_article()
        form = ReferenceForm(
            {"title": "Inquiry report", "published_on": "April 11 2016", "order": 0}
        )
        assert form.is_valid(), form.errors
        reference = form.save(commit=False)
        reference.article = article
        reference.save()
        assert reference.published_on == "2016-04-11"


@pytest.mark.django_db
class TestPublicationForms:
    def article_data(self, **overrides):
        data = {"title": "On This Day", "slug": "on-this-day", "status": Status.DRAFT}
        return {**data, "comments_open": "on", **overrides}

    def test_scheduled_article_without_a_time_is_an_error_on_that_field(self):
        form = ArticleForm(self.article_data(status=Status.SCHEDULED))
        assert not form.is_valid()
        assert form.errors["publish_at"] == [
            "Give the date and time it goes live, or choose another status."
        ]
        assert "__all__" not in form.errors

    def test_scheduled_article_with_a_time_is_valid(self):
        form = ArticleForm(
            self.article_data(status=Status.SCHEDULED, publish_at="2026-11-13 07:00")
        )
        assert form.is_valid(), form.errors

    def test_duplicate_article_slug_is_a_form_error(self):
        make_article(slug="on-this-day")
        form = ArticleForm(self.article_data())
        assert not form.is_valid()
        assert form.errors["slug"] == ["Article with this Slug already exists."]

    def test_scheduled_update_without_a_time_is_an_error(self):
        article = make_article()
        form = UpdateForm(
            {
                "article": article.pk,
                "kind": "update",
                "dated_at": "2026-11-13 09:00",
                "body": "This year.",
                "status": Status.SCHEDULED,
            }
        )
        assert not form.is_valid()
        assert "publish_at" in form.errors

    def test_story_refuses_an_unknown_time_zone(self):
        data = {"title": "T", "slug": "t", "event_date": "2015-11-13", "time_zone": "Mars/Base"}
        form = StoryForm(data)
        assert not form.is_valid()
        assert "is not a time zone name" in form.errors["time_zone"][0]

    def test_reason_for_the_change_is_optional(self):
        form = StoryForm(
            {
                "title": "T",
                "slug": "t",
                "event_date": "2015-11-13",
                "time_zone": "Europe/Paris",
                "publish_time": "09:00",
                "lead_days": "7",
                "title_pattern": "On This Day — {story}",
            }
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["change_reason"] == ""
