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

On PostgreSQL these queries also bind their parameters on the server (Django binds them in
the client by default), so the text of each is the same on every run and psycopg prepares it
after a few runs on a connection (`prepare_threshold`, DATABASE_PREPARE_THRESHOLD in
settings): PostgreSQL then skips parsing and planning too, which for the article query took
longer than running it. Connections are persistent (CONN_MAX_AGE), so a worker prepares each
statement once. Django's own cursors bind in the client and are never prepared. With
preparing off, these queries bind in the client too.

    by_slug = Prepared(lambda slug: Article.objects.filter(slug=slug)[:1], slug=SLUG)
    articles = by_slug(slug="chernobyl")  # a list

A placeholder must reach the SQL as a parameter exactly once and unchanged (an exact lookup);
anything else is refused when the query is first compiled, never silently run with the
placeholder's value.
"""

import copy
import datetime as dt
import json
import re
import threading

from django.db import DEFAULT_DB_ALIAS, connections

# Values no real row has: a slug with a NUL character (slugs are letters, digits, - and _)
# and negative ids.
SLUG = "\x00prepared-slug"
ID = -7_000_001


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
        connection = connections[using]
        run.connection = _Preparing(connection) if _prepares(connection) else connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: run
        return list(clone)

    def _compile(self, using):
        connection = connections[using]
        key = (using, connection.vendor, connection.settings_dict["NAME"])
        compiled = self._compiled.get(key)
        if compiled is None:
            if _prepares(connection):
                _keep_long_statements_parsed()
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


def _keep_long_statements_parsed():
    """
    psycopg remembers how it split a query into parts, but only for queries of at most 4 KB:
    longer ones are mostly one-off ORM statements. The article page's query is 5 KB and runs
    on every article view; splitting it again each time cost 0.16 ms. Our statements are few
    and fixed, and the memory is psycopg's own bounded LRU cache.
    """
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 16384)


def _prepares(connection):
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and options.get("prepare_threshold") is not None


class _Preparing:
    """A PostgreSQL connection whose cursors bind parameters on the server (see above)."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        from django.db.backends.postgresql.base import (
            TIMESTAMPTZ_OID,
            Format,
            ServerBindingCursor,
            register_tzloader,
        )

        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cursor = ServerBindingCursor(connection.connection)
            # As Django's create_cursor(): the connection's time zone for timestamptz values.
            loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            if connection.timezone != loader.timezone:
                register_tzloader(connection.timezone, cursor)
            # The same wrapping as Django's own cursors: query logging, execute wrappers.
            return connection._prepare_cursor(cursor)


def explain(cursor, sql):
    """
    EXPLAIN (FORMAT JSON) of a query as logged: Django's own queries carry their values, ours
    carry $1, $2... (bound on the server). Those are explained as PostgreSQL runs them once
    prepared, with the generic plan (plan_cache_mode = force_generic_plan), whatever the values.
    Returns the top plan node as a dict.
    """
    count = max((int(n) for n in re.findall(r"\$(\d+)", sql)), default=0)
    if not count:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        value = cursor.fetchone()[0]
    else:
        cursor.execute(f"PREPARE explained AS {sql}")
        try:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            nulls = ", ".join(["NULL"] * count)
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE explained({nulls})")
            value = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("DEALLOCATE explained")
    return (json.loads(value) if isinstance(value, str) else value)[0]["Plan"]
