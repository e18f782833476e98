"""
The plumbing of the scale loader: rows of tracked models with their history rows, straight into
the tables (COPY on PostgreSQL, bulk_create elsewhere), with fresh primary keys and a progress
bar. What the rows say is the loader's (bench/scale/loader.py).
"""

import datetime as dt
import json
import queue
import random
import threading
import time
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models

from .text import Text

LOADER_USERNAME = "scale-loader"
REASON = "Loaded scale data"
# Every generated date is reckoned from here, not from the clock: the same seed, the same rows.
EPOCH = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
MONTHS = [None, *(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))]
BATCH = 50_000


class Progress:
    """A one-line progress bar on stderr (a line per 10% when stderr is not a terminal)."""

    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width
        self.total, self.done, self.label = 1, 0, ""
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.last_tenth = -1

    def start(self, total):
        self.total, self.done = max(total, 1), 0
        self.started = time.monotonic()

    def advance(self, rows, label):
        self.done += rows
        self.label = label
        fraction = min(self.done / self.total, 1.0)
        tenth = int(fraction * 10)
        if not self.tty and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = int(fraction * self.width)
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {fraction:4.0%} {self.done:>11,} rows {elapsed:5.0f} s  {label:<24}"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


class Sink:
    """Rows of one model into its table: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, copier):
        self.model, self.copier = model, copier
        fields = model._meta.concrete_fields
        self.getter = itemgetter(*(field.attname for field in fields))
        self.json = [f.attname for f in fields if isinstance(f, models.JSONField)]
        # Columns the loader does not write (a field added since) get what a form would leave.
        self.defaults = {
            f.attname: f.get_default()
            for f in fields
            if f.has_default() or f.null or (f.blank and f.empty_strings_allowed)
        }
        quote = connection.ops.quote_name
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
        )
        self.rows = []

    def add(self, row):
        self.rows.append({**self.defaults, **row})

    def flush(self):
        if not self.rows:
            return 0
        rows, self.rows = self.rows, []
        if self.copier is None:
            self.model.objects.bulk_create([self.model(**row) for row in rows], batch_size=500)
            return len(rows)
        for row in rows:
            for name in self.json:
                row[name] = json.dumps(row[name])
        self.copier.put(self.copy_sql, [self.getter(row) for row in rows])
        return len(rows)


class Copier:
    """
    COPYs batches on a thread of its own, on the same connection and transaction, so that
    PostgreSQL ingests one batch (on one core) while Python generates the next (on the other).
    The loader does not touch the database itself until close().
    """

    def __init__(self, pg_connection):
        self.connection = pg_connection
        self.batches = queue.Queue(maxsize=8)
        self.error = None
        self.thread = threading.Thread(target=self.run, name="load-scale-copy", daemon=True)
        self.thread.start()

    def run(self):
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue  # drain: the loader learns of the error at its next put()
            sql, rows = batch
            try:
                with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            except BaseException as exc:  # handed over to the loader's thread
                self.error = exc

    def put(self, sql, rows):
        self.raise_error()
        self.batches.put((sql, rows))

    def close(self):
        self.batches.put(None)
        self.thread.join()
        self.raise_error()

    def raise_error(self):
        if self.error is not None:
            raise self.error


class Writer:
    """Sinks, primary keys and history rows for the loader; `user_id` and `next_ids` are set
    by the loader before the first put()."""

    def __init__(self, *, seed, progress):
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.progress = progress
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.sinks = {}
        self.history_models = {}
        self.throughs = {}
        self.copier = None
        self.next_ids = {}
        self.rows = 0
        self.written = set()

    def sink(self, model):
        if model not in self.sinks:
            self.sinks[model] = Sink(model, self.copier)
            self.written.add(model)
        return self.sinks[model]

    def through_models(self, model, field_name):
        """The many-to-many table of `field_name` and the table of its history."""
        if (model, field_name) not in self.throughs:
            self.throughs[model, field_name] = (
                model._meta.get_field(field_name).remote_field.through,
                getattr(self.history_model(model), field_name).model,
            )
        return self.throughs[model, field_name]

    def history_model(self, model):
        # Model.history builds a manager class on every access: look it up once.
        if model not in self.history_models:
            self.history_models[model] = model.history.model
        return self.history_models[model]

    def new_id(self, model):
        value = self.next_ids[model]
        self.next_ids[model] += 1
        return value

    def put(self, model, row, *, when):
        """A row of a tracked model and its "+" history row, stamped `when`."""
        row["id"] = row.get("id") or self.new_id(model)
        self.sink(model).add(row)
        history = self.history_model(model)
        history_id = self.new_id(history)
        self.sink(history).add(
            {
                **row,
                "history_id": history_id,
                "history_date": when,
                "history_change_reason": REASON,
                "history_type": "+",
                "history_user_id": self.user_id,
            }
        )
        return row["id"], history_id

    def put_tags(self, model, field_name, owner_id, history_id, tag_ids):
        """The many-to-many rows for a tracked field (tags, categories), and their history."""
        through, history_through = self.through_models(model, field_name)
        source = model._meta.model_name  # the through model's column to the owner
        target = model._meta.get_field(field_name).m2m_reverse_name()  # tag_id, category_id
        for tag_id in tag_ids:
            row = {"id": self.new_id(through), f"{source}_id": owner_id, target: tag_id}
            self.sink(through).add(row)
            self.sink(history_through).add(
                {
                    **row,
                    "m2m_history_id": self.new_id(history_through),
                    "history_id": history_id,
                }
            )

    def flush(self, label):
        written = sum(sink.flush() for sink in self.sinks.values())
        self.rows += written
        self.progress.advance(written, label)

    def maybe_flush(self, label):
        if sum(len(sink.rows) for sink in self.sinks.values()) >= BATCH:
            self.flush(label)
