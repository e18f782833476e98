"""
A deterministic synthetic newsroom at scale, for the benchmarks (bench/load_scale.py runs it).

By default 100,000 articles (20 updates and 3 quote placements each on average, tags, related
posts, references, editions), 2,000 stories with 1,000,000 timeline entries across every date
precision, and 50,000 comments (when the comments app is installed), each with its revision
history row (type "+", reason "Loaded scale data", by the `scale-loader` user). The text is
generated from a fixed seed: the same options always load the same rows.

Also two articles the benchmark names by slug: PEER_SLUG, the size of the article a leading
CMS was measured with (3 quotes, 6 related posts, 5 updates, a 2,500-word body, 60 timeline
entries, 8 references), and HEAVIEST_SLUG (50 updates, 200 timeline entries).

On PostgreSQL rows go in with COPY, in one transaction, then VACUUM ANALYZE; elsewhere with
bulk_create (small counts, for tests). Writes go straight to the tables: no save(), no signals,
so the derived columns (rendered HTML, date bounds) are filled here the way save() fills them,
and the page cache is told about the change at the end. A database that already holds the
benchmark articles is left as it is.
"""

import io
import time

from django.apps import apps
from django.db import connection, transaction

from httpcache import purge
from timeline.models import Article, TimelineEntry

from .loader import ENTRY_DATE_FIELDS, HEAVIEST_SLUG, PEER_SLUG, Loader
from .text import Text
from .writer import LOADER_USERNAME, REASON, Progress

__all__ = [
    "ENTRY_DATE_FIELDS",
    "HEAVIEST_SLUG",
    "LOADER_USERNAME",
    "PEER_SLUG",
    "REASON",
    "Text",
    "load",
]


def load(
    *,
    articles=100_000,
    stories=2_000,
    entries=1_000_000,
    comments=50_000,
    seed=1,
    vacuum=True,
    progress=None,
):
    """Load the dataset unless it is there; say what was done. `progress`: a stream, or None."""
    if Article.objects.filter(slug=HEAVIEST_SLUG).exists():
        return (
            f"Scale data already loaded ({Article.objects.count():,} articles, "
            f"{TimelineEntry.objects.count():,} timeline entries): nothing to do."
        )
    started = time.monotonic()
    loader = Loader(
        articles=max(articles, 0),
        stories=max(stories, 1),
        entries=max(entries, 0),
        comments=max(comments, 0) if apps.is_installed("comments") else 0,
        seed=seed,
        progress=Progress(progress or io.StringIO()),
    )
    with transaction.atomic():
        loader.load()
    if connection.vendor == "postgresql":
        tables = sorted({model._meta.db_table for model in loader.written})
        with connection.cursor() as cursor:
            # VACUUM also folds the pending full-text index entries in: give it memory.
            cursor.execute("SET maintenance_work_mem = '512MB'")
            verb = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
            for table in tables:
                cursor.execute(f"{verb} {connection.ops.quote_name(table)}")
    # Straight table writes send no signals: empty the shared cache, once.
    purge.purge_everything()
    return (
        f"Loaded {loader.rows:,} rows (history included) in "
        f"{time.monotonic() - started:.0f} s: {articles:,} articles, "
        f"{stories:,} stories, {entries:,} timeline entries, "
        f"{loader.comment_count:,} comments; benchmark articles "
        f"/articles/{PEER_SLUG}/ and /articles/{HEAVIEST_SLUG}/."
    )
