"""
Short lists that ride along with their parent's row as JSON, made back into model instances
with Model.from_db.

The article page shows eight short lists (tags, categories, references, embeds, editions,
updates, quotes, related posts: a few rows each, 50 updates at most at scale). As prefetches
each was one more query, and the page has at most 8 to spend; a prefetch also costs a cold
render more CPU than a column of the article's query (its own SQL compiled, sent and read:
about 1 ms against 0.3-0.6 ms here, bench/profile_p99.py). Each becomes a column of the
article's own query instead: a correlated subquery aggregating the rows into a JSON array
(JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite). Long lists (a story's timeline) stay
queries of their own.

    articles = Article.objects.annotate(tag_rows=rows(Tag.objects.all(), "articles"))
    tags = instances(Tag.objects.all(), article.tag_rows)

A row's foreign key can ride along too, as select_related would bring it: name its fields
through the relation (`fields=[..., "quote__text"]`) and pass `related=["quote"]`.
"""

import datetime as dt
import functools
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone


class JSONRows(Aggregate):
    """The grouped rows as one JSON array (order is not kept: instances() sorts them)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONRow(JSONObject):
    """
    JSONObject whose keys are written into the SQL: field names (letters, digits and _), so
    nothing to quote, no parameter to bind and, on PostgreSQL, no cast per key to compile
    (JSONObject casts each key to text for server-side binding: a TextField built and
    compiled per key of every row of every list, a fifth of the article query's compilation).
    """

    def __init__(self, **fields):
        for name in fields:
            if not _FIELD_NAME.fullmatch(name):
                raise ValueError(f"Not a field name: {name!r}")
        super().__init__(**fields)
        self.keys = list(fields)

    def as_sql(self, compiler, connection, function=None, template=None, **extra_context):
        sql, params = [], []
        for key, value in zip(self.keys, self.get_source_expressions()[1::2], strict=True):
            value_sql, value_params = compiler.compile(value)
            sql.append(f"'{key}', {value_sql}")
            params.extend(value_params)
        function = function or (
            "JSONB_BUILD_OBJECT" if connection.vendor == "postgresql" else "JSON_OBJECT"
        )
        return f"{function}({', '.join(sql)})", params

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, **extra_context)


_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def rows(queryset, link, fields=None):
    """
    A subquery for an annotation: the rows of `queryset` whose `link` is the outer row's pk, as
    a JSON array of objects with `fields` (default: every concrete field), or NULL.
    """
    names = fields or [field.attname for field in queryset.model._meta.concrete_fields]
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONRows(JSONRow(**{name: name for name in names})))
        .values("rows")
    )


def instances(queryset, json_rows, related=()):
    """
    The JSON rows of rows() as instances of `queryset`'s model, loaded from its database
    (Model.from_db, as the ORM loads a row; columns left out are deferred, as with only())
    and sorted by its order_by(). Each foreign key named in `related` is set to an instance
    made of the row's `<name>__<field>` values (None when the key is empty).
    """
    model = queryset.model
    objects = []
    for row in json_rows or []:
        obj = _instance(model, queryset.db, row)
        for name in related:
            _set_related(obj, name, row, queryset.db)
        objects.append(obj)
    for name in reversed(queryset.query.order_by):
        key = name.lstrip("-")
        key = model._meta.pk.attname if key == "pk" else key
        objects.sort(key=lambda obj, key=key: _sortable(getattr(obj, key)), reverse=name[0] == "-")
    return objects


def _set_related(obj, name, row, db):
    """Set the foreign key `name` of `obj` to the instance its row carries (`name__field`)."""
    field = obj._meta.get_field(name)
    key = getattr(obj, field.attname)
    if key is None:
        setattr(obj, name, None)  # known to be empty: no query to find out
        return
    prefix = f"{name}__"
    values = {col.removeprefix(prefix): v for col, v in row.items() if col.startswith(prefix)}
    values[field.target_field.attname] = key
    setattr(obj, name, _instance(field.related_model, db, values))


def _instance(model, db, row):
    # from_db() takes the values in the model's field order (PostgreSQL's JSONB keeps its keys
    # in an order of its own).
    converters = _converters(model)
    names = [field.attname for field in model._meta.concrete_fields if field.attname in row]
    values = [converters.get(name, _as_is)(row[name]) for name in names]
    return model.from_db(db, names, values)


@functools.cache
def _converters(model):
    """
    {attname: function} for the fields whose JSON value is not already the Python value:
    dates and times arrive as text, booleans as 0 or 1 on SQLite. Text, whole numbers and ids
    are taken as they come.
    """
    as_is = (models.CharField, models.TextField, models.IntegerField)
    return {
        field.attname: functools.partial(_python, field)
        for field in model._meta.concrete_fields
        if not isinstance(field, as_is) and not field.is_relation
    }


def _as_is(value):
    return value


# A moment PostgreSQL stores and Python cannot (1 BC, after 9999) is read as the first or last
# one Python has, as newsroom.database loads it from a row: a bad row never breaks a page.
_FLOOR = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_CEILING = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _python(field, value):
    if value is None:
        return None
    try:
        value = field.to_python(value)
    except ValidationError:
        if not isinstance(field, models.DateField):  # DateTimeField is one too
            raise
        moment = _FLOOR if str(value).rstrip().endswith("BC") else _CEILING
        return moment if isinstance(field, models.DateTimeField) else moment.date()
    if isinstance(field, models.DateTimeField) and timezone.is_naive(value):
        # SQLite keeps datetimes as naive UTC text; PostgreSQL's JSON carries the offset.
        value = timezone.make_aware(value, dt.UTC)
    return value


def _sortable(value):
    # None sorts first, as NULLS FIRST would; the tuple keeps None and values comparable.
    return (value is not None, value)
