"""
Querysets compiled to SQL once per process, then run with each request's values.

Django turns a queryset into SQL every time it is evaluated. For the article page that was a
fifth of a cold render (profiled: README, "Performance"): its main query carries four JSON
subqueries and two joins, and compiling it cost more than PostgreSQL took to plan and run it.
The pages' queries have a fixed shape (only a slug or an id changes), so each is built once
with placeholder values, compiled once per database connection alias, and every run swaps the
real values into the parameter list. Rows still become model instances through Django's own
iterables (select_related, annotations, values_list and prefetches all work as usual); only
the compilation is skipped.

    by_slug = Prepared(lambda slug: Article.objects.filter(slug=slug)[:1], slug=SLUG)
    articles = by_slug(slug="chernobyl")  # a list

A placeholder must reach the SQL as a parameter exactly once and unchanged (an exact lookup);
anything else is refused when the query is first compiled, never silently run with the
placeholder's value.
"""

import copy
import datetime as dt
import threading

from django.db import DEFAULT_DB_ALIAS, connections

# Values no real row has: a slug with a NUL character (slugs are letters, digits, - and _)
# and negative ids.
SLUG = "\x00prepared-slug"
ID = -7_000_001
OTHER_ID = -7_000_002


class Prepared:
    def __init__(self, build, **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled = {}
        self._lock = threading.Lock()

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        queryset, compiler, sql, params, slots = self._compile(using)
        params = list(params)
        for index, (name, adapt) in slots.items():
            params[index] = adapt(values[name])
        run = copy.copy(compiler)
        run.connection = connections[using]
        run.as_sql = lambda *args, **kwargs: (sql, params)
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: run
        return list(clone)

    def _compile(self, using):
        connection = connections[using]
        key = (using, connection.vendor, connection.settings_dict["NAME"])
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                queryset = self.build(**self.placeholders).using(using)
                compiler = queryset.query.get_compiler(using=using)
                sql, params = compiler.as_sql()
                adapters = {name: _adapter(connection, p) for name, p in self.placeholders.items()}
                slots = {
                    index: (name, adapters[name])
                    for index, param in enumerate(params)
                    for name, placeholder in self.placeholders.items()
                    if _same(param, adapters[name](placeholder))
                }
                if sorted(name for name, _ in slots.values()) != sorted(self.placeholders):
                    raise ValueError(
                        f"Each placeholder must be one parameter of the SQL: {sql} {params}"
                    )
                compiled = self._compiled[key] = (queryset, compiler, sql, tuple(params), slots)
        return compiled


def _adapter(connection, placeholder):
    """How the backend passes such a value to the database (SQLite sends dates as text)."""
    if isinstance(placeholder, dt.date) and not isinstance(placeholder, dt.datetime):
        return connection.ops.adapt_datefield_value
    return _unchanged


def _unchanged(value):
    return value


def _same(param, placeholder):
    return type(param) is type(placeholder) and param == placeholder
