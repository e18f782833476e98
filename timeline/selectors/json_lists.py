"""
Small related lists fetched with their parent row, in the same query, as JSON.

A page that shows one article and several short lists of its children (its tags, references,
embeds, editions) would spend one query on each with prefetch_related. Here each list becomes
a column of the article's own query: a correlated subquery aggregating the children into a
JSON array (JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite), turned back into model
instances in Python. Fit for lists of a few dozen rows; long lists stay prefetches.

    articles = Article.objects.annotate(
        tag_rows=json_list(Tag.objects.filter(articles=OuterRef("pk")), "articles"),
    )
    tags = instances(Tag, article.tag_rows, order_by=("name", "pk"))
"""

import datetime as dt
import functools

from django.db import models
from django.db.models import DEFERRED, Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone


class JSONRows(Aggregate):
    """The grouped rows as one JSON array (order is not kept: sort with instances())."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_list(queryset, link, fields=None):
    """
    A subquery for an annotation: the rows of `queryset` whose `link` is the outer row's pk,
    as a JSON array of objects with `fields` (default: every concrete field), or NULL.
    """
    model = queryset.model
    names = fields or [field.attname for field in model._meta.concrete_fields]
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONRows(JSONObject(**{name: name for name in names})))
        .values("rows")
    )


def instances(model, rows, *, order_by=("pk",)):
    """The JSON rows of json_list() as unsaved-looking-but-saved instances of `model`, sorted."""
    converters = _converters(model)
    attnames = [field.attname for field in model._meta.concrete_fields]
    objects = []
    for row in rows or []:
        for name, convert in converters:
            value = row.get(name)
            if value is not None:
                row[name] = convert(value)
        # Positional, in field order, as Model.from_db() builds instances (the fast path of
        # Model.__init__); a column left out of the JSON is deferred, as with only().
        obj = model(*[row.get(name, DEFERRED) for name in attnames])
        obj._state.adding = False
        obj._state.db = "default"
        objects.append(obj)
    keys = [name.lstrip("-") for name in order_by]
    for name, key in reversed(list(zip(order_by, keys, strict=True))):
        objects.sort(key=lambda obj, key=key: _sortable(getattr(obj, key)), reverse=name[0] == "-")
    return objects


@functools.cache
def _converters(model):
    """
    (attname, function) for the fields whose JSON value is not already the Python value:
    dates, times and the like arrive as text, booleans as 0 or 1 on SQLite. Text, whole numbers
    and ids are taken as they come (to_python() on every value was a tenth of the article
    page's data time).
    """
    as_is = (models.CharField, models.TextField, models.IntegerField)
    return tuple(
        (field.attname, functools.partial(_python, field))
        for field in model._meta.concrete_fields
        if not isinstance(field, as_is) and not field.is_relation
    )


def _python(field, value):
    value = field.to_python(value)
    if isinstance(field, models.DateTimeField) and timezone.is_naive(value):
        # SQLite keeps datetimes as naive UTC text; PostgreSQL's JSON carries the offset.
        value = timezone.make_aware(value, dt.UTC)
    return value


def _sortable(value):
    # None sorts first, as NULLS FIRST would; the tuple keeps None and values comparable.
    return (value is not None, value)
