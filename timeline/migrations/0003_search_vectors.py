"""
Full-text search documents, kept current by PostgreSQL itself.

On PostgreSQL each searchable table gets a stored generated ``search_vector tsvector`` column
(weighted ``to_tsvector`` with the explicit 'english' configuration, so the expression is
immutable) and a GIN index on it. Every INSERT and UPDATE recomputes the column inside the
database: no signal, trigger or ``save()`` can forget it. On SQLite this migration does nothing;
timeline.search falls back to plain substring matching there.

The column is not a model field (a GeneratedField over to_tsvector would not compile on SQLite),
so Django's model state, makemigrations and django-simple-history's historical tables never see
it; timeline.search reads it through a small expression. See timeline/search/.
"""

from django.db import migrations

# Keep in step with timeline.search.CONFIG and its weights (A title > B lede > C body > D kicker).
DOCUMENTS = {
    "timeline_article": (
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig,"
        " coalesce(summary, '') || ' ' || coalesce(lede_html, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(body_html, '')), 'C')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(kicker, '')), 'D')"
    ),
    "timeline_update": (
        "setweight(to_tsvector('english'::regconfig, coalesce(headline, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(body_html, '')), 'B')"
    ),
    "timeline_quote": (
        "setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(speaker, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(work, '')), 'C')"
        " || setweight(to_tsvector('english'::regconfig,"
        " coalesce(speaker_role, '') || ' ' || coalesce(outlet, '')), 'D')"
    ),
    "timeline_timelineentry": (
        "setweight(to_tsvector('english'::regconfig, coalesce(text_html, '')), 'A')"
    ),
}


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, document in DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_vector)"
        )


def drop_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DOCUMENTS:
        # Dropping the column drops its index with it.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0002_editions")]

    operations = [migrations.RunPython(add_search_vectors, drop_search_vectors)]
