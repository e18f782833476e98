"""
Where a picture is used: every row of every model that points at it.

Found through `Image._meta.related_objects`, so a model that later gains a ForeignKey or a
ManyToManyField to Image (an article's lead image, an update's picture) shows up here and
in the admin's refusal to delete, with no change to this module. Historical models point
back with related_name="+" (hidden), so past revisions do not count as uses.
"""

import dataclasses

from django.db.models import Model


@dataclasses.dataclass(frozen=True)
class Use:
    obj: Model
    field: str

    @property
    def label(self):
        return f"{self.obj._meta.verbose_name}: {self.obj}"


def _relations(model):
    for relation in model._meta.related_objects:
        related = relation.related_model
        # The hidden rows of a ManyToManyField's own table: the field itself is listed too.
        if related._meta.auto_created:
            continue
        yield relation


def _placed_in_text(image):
    """Articles and updates whose text places the picture: `[image 12]`, `[gallery 3 12]`."""
    from timeline.models import Article, Update

    pattern = rf"\[(image|gallery)( [0-9]+)* {image.pk}( [0-9]+)* *\]"
    for model in (Article, Update):
        for obj in model._default_manager.filter(body__regex=pattern):
            yield Use(obj, "body")


def uses_of(image, *, limit=None):
    """Each object that shows this picture, with the field that points at it (or the text
    that places it by number)."""
    found = []
    for use in _placed_in_text(image):
        found.append(use)
        if limit is not None and len(found) >= limit:
            return found
    for relation in _relations(type(image)):
        field_name = relation.field.name
        rows = relation.related_model._default_manager.filter(**{field_name: image}).distinct()
        if limit is not None:
            rows = rows[: max(0, limit - len(found))]
        found.extend(Use(obj, field_name) for obj in rows)
        if limit is not None and len(found) >= limit:
            break
    return found


def is_used(image):
    return bool(uses_of(image, limit=1))
