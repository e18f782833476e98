"""
Inline rows that cost what the editor changed, not what the page holds.

- QuietRowsAdmin: on every inline of a page, a row the editor left unchanged is not validated
  (no lookups of its keys, no uniqueness queries), so it is neither written nor given a history
  row, and a save costs the same whether the article has 3 updates or 50.
- NewestRows: a formset that shows only the newest rows open (the others are listed with a link
  to their own page), and on a save reads back exactly the rows the form carried.
- NamedCells: in a table of rows each input is named for screen readers (the column heading is
  not its label).
- ChosenFromRows: a row's autocomplete box shows the object the row already read (the inline's
  queryset selects it), not one query per row.
"""

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.forms.utils import ErrorDict, pretty_name

from timeline.admin.autocomplete import KeysOnly


class UnchangedRowSkipsChecks:
    """An existing row posted back as it was shown: nothing to check, nothing to save."""

    def full_clean(self):
        if self.is_bound and self.instance.pk is not None and not self.has_changed():
            # What Django does for an untouched extra form: valid, and nothing cleaned.
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


def quiet(formset):
    """`formset` whose unchanged existing rows are skipped by validation (and so by saving)."""
    if issubclass(formset.form, UnchangedRowSkipsChecks):
        return formset
    form = type(formset.form.__name__, (UnchangedRowSkipsChecks, formset.form), {})
    return type(formset.__name__, (formset,), {"form": form})


class QuietRowsAdmin:
    """Mixed into a ModelAdmin: every inline formset is quiet()."""

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield quiet(formset), inline


class NewestRows:
    """
    Only the `open_rows` first rows of the inline's ordering are forms; `older_rows` are the
    rest, for a list of links. A posted form reads back the rows it was shown (by their keys),
    so an update added meanwhile does not shift the rows under the editor's fingers.
    """

    open_rows = 3

    def get_queryset(self):
        if not hasattr(self, "_open_rows"):
            rows = super().get_queryset()
            self._all_rows = rows
            if self.is_bound:
                self._open_rows = rows.filter(pk__in=self._posted_keys())
            else:
                # One query reads every row; the page opens the first ones and lists the rest.
                self._listed = list(rows)
                self._open_rows = self._listed[: self.open_rows]
        return self._open_rows

    def older_rows(self):
        """The rows not open on the page, in the inline's order."""
        open_keys = {row.pk for row in self.get_queryset()}
        listed = getattr(self, "_listed", None)
        if listed is None:
            listed = list(self._all_rows.exclude(pk__in=open_keys))
        return [row for row in listed if row.pk not in open_keys]

    def _posted_keys(self):
        name = self.model._meta.pk.name
        try:
            count = int(self.data.get(f"{self.prefix}-INITIAL_FORMS", 0))
        except ValueError:
            return []
        keys = (self.data.get(f"{self.prefix}-{n}-{name}", "") for n in range(min(count, 100)))
        return [int(key) for key in keys if key.isdigit()]


class NamedCells:
    """
    A formset shown as a table: each visible input carries an aria-label (its column and row,
    "Title, reference 2"), as a table's heading cell labels nothing for assistive technology.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new" if index is None else index + 1
        noun = self.model._meta.verbose_name
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = field.label or pretty_name(name)
            # A related-object wrapper renders the widget it wraps, with that widget's attrs.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs["aria-label"] = f"{label}, {noun} {row}"


class ChosenFromRows:
    """
    A formset whose rows' autocomplete boxes show the chosen object from the row itself when
    the inline's queryset read it with the row (select_related): the admin's widget reads
    each chosen object again, a query per row.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        instance = form.instance
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, KeysOnly):
                continue
            model_field = instance._meta.get_field(name)
            if not model_field.is_cached(instance):
                continue
            chosen = getattr(instance, name)
            if chosen is not None:
                key = getattr(chosen, model_field.target_field.attname)
                widget.chosen = {str(key): chosen}


class NamedCellsInline:
    """
    Mixed into a TabularInline: its formset is NamedCells and ChosenFromRows, in the compact
    row template; the keys named in `plain_keys` are picked without the add/change/delete/view
    links beside them (four links and their URLs on every row, for a choice made from a short
    list); an address is one input (not the admin's "Currently: <link> Change: <input>" pair).
    """

    template = "admin/timeline/article/tabular.html"
    plain_keys = []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("widget", forms.URLInput(attrs={"class": "vURLField"}))
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.plain_keys and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (ChosenFromRows, NamedCells, formset), {})


class SortableRows(SortableAdminBase):
    """
    django-admin-sortable2 on a page's short ordered lists (drag a row, or its arrows), with
    the package's script and style; the page's list keeps Django's own actions script (the
    package swaps it for a copy made per Django version, and has none for this one).
    """

    @property
    def media(self):
        media = super(SortableAdminBase, self).media
        script = "adminsortable2/js/adminsortable2.min.js"
        return media + forms.Media(css={"all": ["adminsortable2/css/sortable.css"]}, js=[script])
