"""
Autocomplete widgets that look up only keys their field can hold.

The admin's own widgets look the posted value up as given to show the chosen object again, so a
key that is not one (" ", "a", a number past the column's range) posted back with a form error
was a 500 rather than the error. The form field still says the choice is not valid.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


def holds(field, value):
    """Whether `value` is a value the model field `field` can hold (type and range)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class KeysOnly:
    # {key as text: object} of the objects the form's row already holds (set per form, see
    # timeline.admin.rows.ChosenFromRows): shown without reading them again, one query a row.
    chosen = None

    def optgroups(self, name, value, attr=None):
        # The field the widget looks values up by, found as AutocompleteMixin finds it.
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", self.field.model._meta.pk.attname)
        )
        value = [v for v in value if holds(target, v)]
        if self.chosen is not None and all(str(v) in self.chosen for v in value):
            return self._chosen_optgroups(name, value)
        return super().optgroups(name, value, attr)

    def _chosen_optgroups(self, name, value):
        """AutocompleteMixin.optgroups, with the chosen objects from `chosen`, not a query."""
        default = (None, [], 0)
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance
        for key in sorted(selected):
            option = self.create_option(
                name, key, label(self.chosen[key]), selected, len(default[1])
            )
            default[1].append(option)
        return [default]


class KeysOnlySelect(KeysOnly, AutocompleteSelect):
    pass


class KeysOnlySelectMultiple(KeysOnly, AutocompleteSelectMultiple):
    pass


class KeysOnlyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's checks each key's type but not its range before one `__in` query of them all."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        target = self.queryset.model._meta.get_field(key) if key != "pk" else None
        target = target or self.queryset.model._meta.pk
        for pk in value:
            if not holds(target, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class CheckedAutocomplete:
    """
    A ModelAdmin or inline mixin: autocomplete_fields use the widgets above, and every
    many-to-many field refuses a key out of range as a form error.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KeysOnlyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
