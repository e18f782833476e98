"""An article's quotes, each placed in its flow: at the top, by an update, or in the body."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from editorial.admin_mixins import RoleRulesInline
from timeline import body_anchors
from timeline.admin.common import TextInputs
from timeline.models import QuotePlacement, Update


class QuotePlacementForm(forms.ModelForm):
    """The places in the body are offered from the body as saved (a list, not a number)."""

    article = None  # set per request by the inline (get_formset)

    class Meta:
        model = QuotePlacement
        fields = ["quote", "placement", "update", "anchor", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.article
        html = article.body_html if article is not None else ""
        places = body_anchors.choices(html)
        current = self.instance.anchor
        if current and current not in dict(places):
            places.append((current, f"{body_anchors.label_of(current)} (no longer in the body)"))
        self.fields["anchor"] = forms.ChoiceField(
            label="After (in the body)",
            choices=[("", "—"), *places],
            required=False,
            help_text="The heading or paragraph it follows; it stays there when the body changes.",
        )
        updates = Update.objects.filter(article=article) if article is not None else None
        self.fields["update"].queryset = updates if updates is not None else Update.objects.none()
        self.fields["update"].label_from_instance = lambda u: (
            f"{u.local_date:%d %b %Y} — {u.headline or u.get_kind_display()}"
        )


class QuotePlacementInline(TextInputs, RoleRulesInline, admin.TabularInline):
    model = QuotePlacement
    form = QuotePlacementForm
    extra = 1
    autocomplete_fields = ["quote"]
    ordering = ["placement", "order", "pk"]
    fields = ["quote", "placement", "update", "anchor", "order", "where_shown"]
    readonly_fields = ["where_shown"]
    verbose_name = "quote"
    verbose_name_plural = "quotes (at the top, by an update, in the body)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("PlacementForm", (formset.form,), {"article": obj})
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
