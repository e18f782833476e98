"""An article's quotes, each placed in its flow: at the top, by an update, or in the body."""

import functools

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from editorial.admin_mixins import RoleRulesInline
from timeline import body_anchors
from timeline.admin.common import TextInputs
from timeline.admin.rows import NamedCellsInline
from timeline.models import QuotePlacement, Update


class QuotePlacementForm(forms.ModelForm):
    """The places in the body are offered from the body as saved (a list, not a number)."""

    article = None  # set per request by the inline (get_formset), with the two lists below
    places = ()  # the body's headings and paragraphs, read once for every row
    update_choices = staticmethod(list)  # the article's updates: read once, when first shown

    class Meta:
        model = QuotePlacement
        fields = ["quote", "placement", "update", "anchor", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = list(self.places)
        current = self.instance.anchor
        if current and current not in dict(places):
            places.append((current, f"{body_anchors.label_of(current)} (no longer in the body)"))
        self.fields["anchor"] = forms.ChoiceField(
            label="After (in the body)",
            choices=[("", "—"), *places],
            required=False,
            help_text="The heading or paragraph it follows; it stays there when the body changes.",
        )
        article = self.article
        update = self.fields["update"]
        update.queryset = (
            Update.objects.filter(article=article) if article else Update.objects.none()
        )
        # Shown from the list read once (lazily: a save that shows no form reads nothing); a
        # posted key is still checked against the queryset.
        listed = self.update_choices
        update.choices = lambda: [("", update.empty_label), *listed()]


def update_choices(article):
    updates = Update.objects.filter(article=article).only(
        "pk", "dated_at", "headline", "kind", "article_id"
    )
    return [
        (u.pk, f"{u.local_date:%d %b %Y} — {u.headline or u.get_kind_display()}") for u in updates
    ]


class QuotePlacementInline(NamedCellsInline, TextInputs, RoleRulesInline, admin.TabularInline):
    model = QuotePlacement
    form = QuotePlacementForm
    extra = 0
    autocomplete_fields = ["quote"]
    ordering = ["placement", "order", "pk"]
    fields = ["quote", "placement", "update", "anchor", "order", "where_shown"]
    readonly_fields = ["where_shown"]
    plain_keys = ["update"]  # one of this article's updates, from a short list
    verbose_name = "quote"
    section = "Quotes"  # its heading in the page's section nav
    verbose_name_plural = "quotes (at the top, by an update, in the body)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        attrs = {"article": obj}
        if obj is not None and obj.pk is not None:
            attrs["places"] = body_anchors.choices(obj.body_html)
            attrs["update_choices"] = staticmethod(
                functools.cache(functools.partial(update_choices, obj))
            )
        formset.form = type("PlacementForm", (formset.form,), attrs)
        return formset

    @admin.display(description="shown")
    def where_shown(self, placement):
        if not placement.pk:
            return ""
        if placement.is_found():
            return "In place"
        return format_html(
            '<strong class="errornote">{}</strong>',
            "Its place is gone: shown at the end of the body",
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "update", "quote")
