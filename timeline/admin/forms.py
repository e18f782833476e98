"""
Editor forms: dates typed the way editors write them, and a reason for every change.

A MixedDateField reads what an editor types ("1985 May 4", "circa 2004", "13 November 2015
21:16") with timeline.dates and cleans it to the canonical EDTF string the models store; it shows
a stored value back in house style. The model forms here are the ones the admin uses.
"""

import datetime
import zoneinfo

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextInputWidget
from django.db import models
from django.utils import timezone

from timeline import dates, revisions
from timeline.models import (
    Article,
    Quote,
    Reference,
    Status,
    Story,
    TimelineEntry,
    Update,
    validate_time_zone,
)
from timeline.typed_text import one_newline, typed_text

DATE_HELP = (
    "Type it the way you write it: 1985 May 4, 2006 May, 2002, 1999/2000, 2015 (Summer), "
    "circa 2004, 2005?, 13 November 2015 21:16."
)


class PlainTextField(forms.CharField):
    """
    Text as stored (typed_text): \\n line endings whatever the browser sent, no control
    characters or bidi overrides. A form posted back unchanged has not changed (so nothing is
    saved and no history row says "Body changed"), and a value stored with \\r\\n before this
    existed is not rewritten by merely saving.
    """

    def to_python(self, value):
        return super().to_python(typed_text(value) if isinstance(value, str) else value)

    def has_changed(self, initial, data):
        if isinstance(initial, str):
            initial = one_newline(initial)
        return super().has_changed(initial, data)


# formfield_overrides for every admin of the project, and for every inline: every text input.
TEXT_INPUTS = {
    models.TextField: {"form_class": PlainTextField},
    models.CharField: {"form_class": PlainTextField},
    # A slug's own form field (which refuses every control character) rather than the above.
    models.SlugField: {"widget": AdminTextInputWidget},
}


class MixedDateField(forms.CharField):
    """
    A date of any precision, cleaned to canonical EDTF ("" when left empty and optional).

    `time_zone` (the story's IANA zone) only adds the zone abbreviation after a time of day
    when a stored value is shown back.
    """

    def __init__(self, *, time_zone=None, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)
        self.time_zone = time_zone
        # Set by KeepsDateLabels: the form shows text as written, never rewritten, and the
        # stored row's label posted back unchanged keeps its stored date (a label read in its
        # context, such as an imported "21:40 CET" on the day of the entry before, is not a
        # date on its own).
        self.as_written = False
        self.kept = {}

    def has_changed(self, initial, data):
        if self.as_written:
            return (data or "").strip() != (initial or "")
        return super().has_changed(initial, data)

    def to_python(self, value):
        # Parsing here (not in clean) makes has_changed compare canonical forms, so an entry
        # shown as "2015 November 13" and posted back unchanged is not saved again.
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        if value.strip() in self.kept:
            return self.kept[value.strip()]
        self.run_validators(value)  # the length limit is on what was typed, kept as the label
        try:
            return dates.parse(value).edtf
        except dates.InvalidDate as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from exc

    def prepare_value(self, value):
        # A bound form passes back what the editor typed: keep it when it is not stored EDTF.
        if self.as_written or not isinstance(value, str) or not value:
            return value
        try:
            mixed = dates.from_edtf(value)
        except dates.InvalidDate:
            return value
        try:
            return dates.format_date(mixed, tz=self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            # The story's zone is being edited on the same form and is not valid yet.
            return dates.format_date(mixed)


class KeepsDateLabels:
    """
    Dates kept as written: for each MixedDateField named in `date_labels` ({field: label
    field}), the model stores the canonical EDTF in the field (for sorting and filtering) and
    the text as the editor typed it in the label field; the form shows the label back (house
    style only for a row stored without one). Mixed into a ModelForm, first.
    """

    date_labels = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.date_labels.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.as_written = True
            if stored := self.initial.get(name):
                written = getattr(self.instance, label, "")
                self.initial[name] = written or field_house_style(stored, field.time_zone)
                if written:
                    field.kept = {written.strip(): stored}

    def clean(self):
        cleaned = super().clean()
        for name, label in self.date_labels.items():
            if name in self.fields and name in cleaned:
                typed = (self[name].data or "").strip()
                setattr(self.instance, label, typed if cleaned[name] else "")
        return cleaned


def field_house_style(value, time_zone=None):
    """A stored EDTF value in house style (the zone only when it is a valid one)."""
    try:
        mixed = dates.from_edtf(value)
    except dates.InvalidDate:
        return value
    try:
        return dates.format_date(mixed, tz=time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dates.format_date(mixed)


class ChangeReasonForm(forms.ModelForm):
    """Asks why; the admin writes the answer into every history row the save produces."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=100,
        help_text="Kept in the history with your name (optional).",
    )


class Versioned(forms.Form):
    """
    No lost edits: the form carries the version of the page it was loaded at (a hidden,
    signed stamp), and saving over a newer version is refused with who saved, when and what
    they changed (`conflict`), the editor's input kept. The refused form then carries the
    newer version, so saving it again keeps this editor's changes on purpose.

    Mixed into a ModelForm, first: `versioned(form_class)` does it for any admin form.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = revisions.version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("version")
        # A client that sends no version (a script) opts out; the admin always sends one.
        if self.instance.pk is None or not token:
            return cleaned
        try:
            self.conflict = revisions.check_version(self.instance, token)
        except revisions.BadVersion:
            self.add_error(
                None,
                "This form's version stamp is damaged, so it cannot tell whether someone "
                "else saved meanwhile. Your changes are below and have not been saved; save "
                "again to keep them.",
            )
            self._carry(revisions.version_of(self.instance))
        else:
            if self.conflict is not None:
                self.add_error(None, self.conflict.message)
                self._carry(self.conflict.version)
        return cleaned

    def _carry(self, version):
        """Send the form back with `version`, so that the next save is a deliberate one."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = version


class VersionedForm(Versioned, ChangeReasonForm):
    """A versioned form that also asks why."""


def versioned(form_class):
    """`form_class` (a ModelForm) refusing stale saves: itself if it already does."""
    if issubclass(form_class, Versioned):
        return form_class
    attrs = {"__module__": form_class.__module__}
    return type(form_class)(form_class.__name__, (Versioned, form_class), attrs)


class ScheduleMixin:
    """A scheduled item needs its go-live time: say so next to the field, keep the input."""

    scheduled_needs_time = "Give the date and time it goes live, or choose another status."

    def clean(self):
        cleaned = super().clean()
        scheduled = cleaned.get("status") == Status.SCHEDULED
        if scheduled and not cleaned.get("publish_at") and "publish_at" not in self.errors:
            # Also spares the database constraint: publish_at now fails form validation, so
            # the model's CheckConstraint is not checked a second time with a vaguer message.
            self.add_error("publish_at", self.scheduled_needs_time)
        return cleaned


class ArticleForm(ScheduleMixin, VersionedForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "kicker",
            "byline",
            "story",
            "status",
            "publish_at",
            "summary",
            "lede",
            "body",
            "lead_image",
            "timeline_until",
            "categories",
            "tags",
            "comments_open",
            "recurring",
        ]


class DateOptionalTimeField(forms.SplitDateTimeField):
    """A date and, when known, a time of day; a date alone is the start of that day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", AdminSplitDateTime)
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] and data_list[1] in self.empty_values:
            data_list = [data_list[0], datetime.time(0)]
        return super().compress(data_list)


class UpdateForm(ScheduleMixin, forms.ModelForm):
    """
    An update's date with its time of day optional (a date-only update prints no time), and
    the printed date optional too: as written (`Sept. 8 2021`), else the house format.
    """

    dated_at = DateOptionalTimeField(
        label="Dated",
        initial=timezone.now,
        # As Django does for a callable default: an untouched extra form compares against
        # the time it was shown at, so it stays unchanged and is not saved.
        show_hidden_initial=True,
        help_text="The time of day is optional: leave it empty if not known.",
    )

    class Meta:
        model = Update
        fields = [
            *("article", "kind", "dated_at", "date_label", "headline", "body", "status"),
            "publish_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.has_time and "dated_at" in self.initial:
            self.initial["dated_at"] = [timezone.localdate(self.instance.dated_at), None]

    def clean(self):
        cleaned = super().clean()
        if "dated_at" in self.fields and cleaned.get("dated_at"):
            typed = self["dated_at"].data
            has_time = isinstance(typed, (list, tuple)) and len(typed) > 1 and bool(typed[1])
            self.instance.has_time = has_time
        self._check_printed_date(cleaned)
        return cleaned

    def _check_printed_date(self, cleaned):
        label, moment = cleaned.get("date_label", "").strip(), cleaned.get("dated_at")
        if not label:
            return
        try:
            printed = dates.parse(label)
        except dates.InvalidDate as exc:
            self.add_error("date_label", str(exc))
            return
        day = timezone.localdate(moment) if moment else None
        if day and printed.precision == dates.Precision.DAY and printed.lower != day:
            self.add_error(
                "date_label",
                f"This says {printed.lower:%d %B %Y} but the update is dated {day:%d %B %Y}.",
            )
        cleaned["date_label"] = label


class DayField(forms.DateField):
    """A day typed the way editors write it (13 November 2015, 2015 Nov 13, 2015-11-13)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            parsed = dates.parse(str(value))
        except dates.InvalidDate as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from exc
        if parsed.precision != dates.Precision.DAY or parsed.approximate or parsed.uncertain:
            raise forms.ValidationError(
                "Give the day itself, such as 13 November 2015.", code="day_required"
            )
        if parsed.time is not None:
            raise forms.ValidationError(
                "Give the day here and the time of day in its own field.", code="time_apart"
            )
        return parsed.lower

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day} {value:%B} {value.year}"
        return value


class StoryForm(VersionedForm):
    event_date = DayField(
        widget=forms.TextInput, help_text="The day it happened: its anniversary (13 November 2015)."
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "slug",
            "event_date",
            "event_time",
            "time_zone",
            "summary",
            "default_image",
            "tags",
            "publish_time",
            "lead_days",
            "requires_approval",
            "title_pattern",
            "milestone_patterns",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked on the form too, so that a bad zone never reaches the instance: the entries
        # listed below the form show their times in it.
        if "time_zone" in self.fields:
            self.fields["time_zone"].validators.append(validate_time_zone)


class PositionField(forms.IntegerField):
    """An order number; left empty it is 0 (date order), so an untouched row is unchanged."""

    def to_python(self, value):
        return super().to_python(value) or 0


class TimelineEntryForm(KeepsDateLabels, forms.ModelForm):
    """The entry's `date` is typed freely and kept as written; save() derives its bounds."""

    date = MixedDateField(max_length=64)
    position = PositionField(
        required=False,
        min_value=0,
        initial=0,
        help_text="Order among entries of the same year; 0 leaves them in date order.",
    )
    date_labels = {"date": "date_label"}

    class Meta:
        model = TimelineEntry
        fields = [
            "story",
            "date",
            "position",
            "text",
            "is_key_moment",
            "tags",
            "reference_url",
            "reference_title",
            "image",
        ]

    def __init__(self, *args, time_zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        if time_zone is None and self.instance.story_id:
            time_zone = self.instance.story.time_zone
        self.fields["date"].time_zone = time_zone
        if self.instance.pk and self.instance.date and not self.instance.date_label:
            self.initial["date"] = field_house_style(self.instance.date, time_zone)


class TimelineEntryFormSet(forms.BaseInlineFormSet):
    """Entries of one story show their times in the story's zone, without a query per form."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "time_zone": self.instance.time_zone}


class QuoteForm(KeepsDateLabels, forms.ModelForm):
    said_on = MixedDateField(label="Said on", required=False, max_length=64)
    date_labels = {"said_on": "said_on_label"}

    class Meta:
        model = Quote
        fields = ["text", "speaker", "speaker_role", "work", "outlet", "said_on", "source_url"]


class ReferenceForm(KeepsDateLabels, forms.ModelForm):
    published_on = MixedDateField(label="Published on", required=False, max_length=64)
    date_labels = {"published_on": "published_on_label"}

    class Meta:
        model = Reference
        fields = ["title", "outlet", "published_on", "url", "accessed_on", "order"]


class ManualEditionForm(forms.Form):
    suffix = forms.CharField(
        max_length=120,
        label="What happened",
        help_text="Appended to the title as [UPDATE: …], e.g. “the trial begins”.",
    )
