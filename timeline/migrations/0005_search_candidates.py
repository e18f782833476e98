"""
Indexes for search's year filter, on PostgreSQL (timeline.search).

Search takes at most CANDIDATES matches of each kind, and a year filter applies before that cap.
PostgreSQL then intersects the full-text index with an index on the kind's date (a BitmapAnd)
and reads only the matches of that year: on the benchmark data "reactor explosion" in 2016 read
700 updates instead of 18,000 (90 -> 27 ms). Articles already have article_published_idx; these
cover updates (published ones, the only kind searched), timeline entries and quotes (EDTF text,
so a prefix pattern index: `said_on LIKE '2016%'`).

PostgreSQL only, like 0003: the SQLite fallback scans anyway. Not in the models' Meta, so
Django's model state never sees them (as with 0003's search documents).
"""

from django.db import migrations

INDEXES = {
    "update_published_dated_idx": "timeline_update (dated_at) WHERE status = 'published'",
    "timelineentry_date_lower_idx": "timeline_timelineentry (date_lower)",
    "quote_said_on_pattern_idx": "timeline_quote (said_on text_pattern_ops)",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0004_indexes_for_scale")]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
