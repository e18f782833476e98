"""
django-filter FilterSets for the public pages.

TimelineFilter narrows one story's timeline. Readers type dates the way editors do ("2000",
"1999/2000", "May 1986", "circa 2004", "1986-04-26"); timeline.dates reads them and the range
runs from the first day of "from" to the last day of "to". An entry matches when its fuzzy date
range overlaps that range (TimelineEntry.objects.overlapping), so the span 1999/2000 is found
from 2000 to 2001, "circa 2004" (2003-2005 when fuzzy) by a range around 2004, and a month by
any day inside it. Either end may be left open.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from timeline import dates
from timeline.models import Tag, TimelineEntry

PRECISION_CHOICES = [
    (dates.Precision.DAY.value, "Day"),
    (dates.Precision.MONTH.value, "Month"),
    (dates.Precision.SEASON.value, "Season"),
    (dates.Precision.YEAR.value, "Year"),
    (dates.Precision.SPAN.value, "Span of years or months"),
]
MAX_WORDS = 10
DATE_HELP = "A year, month or day: 1986, April 1986, 1986-04-26, 1999/2000."


class MixedDateQueryField(forms.CharField):
    """A date of any precision as a reader types it, cleaned to a dates.MixedDate (or None)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return dates.parse(text)
        except dates.InvalidDate as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc


class MixedDateFilter(django_filters.Filter):
    field_class = MixedDateQueryField


class TimelineFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start.lower > end.upper:
            raise ValidationError(
                "“From” is after “To”: swap the two dates.", code="range_reversed"
            )
        return cleaned


class TimelineFilter(django_filters.FilterSet):
    date_from = MixedDateFilter(label="From", method="filter_from", help_text=DATE_HELP)
    date_to = MixedDateFilter(label="To", method="filter_to", help_text=DATE_HELP)
    precision = django_filters.ChoiceFilter(
        field_name="date_precision",
        label="Dated to the",
        choices=PRECISION_CHOICES,
        empty_label="Any precision",
    )
    key = django_filters.BooleanFilter(
        label="Key moments only", widget=forms.CheckboxInput, method="filter_key"
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        label="Tag",
        to_field_name="slug",
        queryset=Tag.objects.none(),
        empty_label="Any tag",
    )
    words = django_filters.CharFilter(label="Words", max_length=200, method="filter_words")

    class Meta:
        model = TimelineEntry
        fields = ["date_from", "date_to", "precision", "key", "tag", "words"]
        form = TimelineFilterForm

    def __init__(self, *args, story, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the tags this story's timeline uses.
        self.filters["tag"].queryset = Tag.objects.filter(timeline_entries__story=story).distinct()

    def filter_from(self, queryset, name, value):
        return queryset.overlapping(start=value.lower)

    def filter_to(self, queryset, name, value):
        return queryset.overlapping(end=value.upper)

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key_moment=True) if value else queryset

    def filter_words(self, queryset, name, value):
        """Every word must appear in the entry's text, in any case."""
        for word in value.split()[:MAX_WORDS]:
            queryset = queryset.filter(text__icontains=word)
        return queryset

    @property
    def active(self):
        """Whether any filter narrows the timeline (an empty form does not)."""
        cleaned = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        return any(value not in (None, "", False) for value in cleaned.values())

    @property
    def query(self):
        """The filters that are set, as a QueryDict: what page links and bookmarks carry."""
        query = QueryDict(mutable=True)
        if self.is_bound:
            for name in self.filters:
                if value := self.data.get(name, "").strip():
                    query[name] = value
        return query
