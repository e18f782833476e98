"""The search form: what a reader may ask for, and the kinds of result."""

from django import forms
from django.db import models

MAX_QUERY_LENGTH = 200


class Kind(models.TextChoices):
    ARTICLE = "article", "Articles"
    UPDATE = "update", "Updates"
    QUOTE = "quote", "Quotes"
    TIMELINE = "timeline", "Timeline entries"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput(attrs={"class": "search-form__input"}),
        error_messages={
            "max_length": f"Search for at most {MAX_QUERY_LENGTH} characters: try fewer words."
        },
    )
    type = forms.ChoiceField(choices=Kind.choices, required=False)
    tag = forms.SlugField(max_length=100, required=False)
    year = forms.IntegerField(min_value=1, max_value=9999, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
