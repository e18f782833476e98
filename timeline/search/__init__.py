"""
Search what readers can see: published articles, their published updates, the quotes placed on
published articles, and the timeline entries of public stories (selectors.public_stories).

PostgreSQL
----------
Migration 0003 gives each searchable table a ``search_vector`` tsvector column that PostgreSQL
itself generates (``GENERATED ALWAYS AS (...) STORED``, with the explicit 'english'
configuration) and a GIN index on it, so the document is current after every write, whichever
code made it. Weights: article title A, summary and lede B, body C, kicker D; update headline A,
body B; quote words A, speaker B, work C, role and outlet D; timeline entry text A. A reader's
words go through ``websearch_to_tsquery`` (phrases in quotes, ``or``, ``-word``; never a syntax
error), candidates are ranked with ``ts_rank`` (SearchRank) and each result shown gets a
``ts_headline`` (SearchHeadline) snippet.

The column is deliberately not a model field: a GeneratedField over to_tsvector cannot compile
on SQLite, and a field would also be copied into django-simple-history's historical tables.
The ORM reads it through SearchDocument, which compiles to ``"<table alias>"."search_vector"``.

SQLite
------
A plain fallback: every word must occur (icontains) in one of the same fields; a result's score
adds up, for each word, the weight of the best field it occurs in (A 8, B 4, C 2, D 1), so a
title hit still ranks above a body hit. Snippets are cut around the first hit in Python.

Both
----
A bounded candidate set. At newsroom scale two common words match tens of thousands of the 3.4
million documents: ranking and counting facets over all of them took 2.5 s. So each kind
contributes at most CANDIDATES matches, its most recently added (``ORDER BY id DESC LIMIT``):
PostgreSQL either walks the primary key backwards and stops after that many matches (common
words: rows added together sit together) or reads the few matches off the GIN index and sorts
them (rare words). Ordering by the kind's own date instead was measured and rejected: the
benchmark's newest updates mostly belong to unpublished articles and none of its dates follow
the rows' order, so "reactor explosion" had to visit 127,000 updates that way (300 ms+) against
23,000 by id. Only the candidates are ranked, paginated and counted for the facets, all in one
UNION ALL query. A kind with more matches is "capped": the page says so, its counts read
"100+", and the reader is asked to narrow. The type, tag and year filters apply before the cap,
so narrowing reaches older matches (migration 0005 indexes the dates a year filter reads).
Each facet is counted with the other filters applied, so a tag or year filter adds a candidate
set without it (two with both); a chosen tag or year counts what the search found.

The candidate query is compiled once per shape (which kinds, which filters) and reused with
each search's values (Slot; compiling it took 15 ms). It binds in the client as Django does: a
search's words appear in every arm, and each run must be planned for its own words (rare words want
the GIN index, common ones the primary key), which a prepared statement's generic plan would not do.

On PostgreSQL the queries run in a transaction with a ``statement_timeout`` and planner
settings (see _session): a search that takes too long tells the reader to try more specific
words instead of failing.

Highlighting is safe by construction: hits are first marked with two private-use characters,
never markup; the snippet is reduced to plain text (tags dropped, entities decoded), escaped,
and only then are the markers turned into ``<mark>`` elements.
A result's year is the year of its own date: first publication of an article, the date of an
update, when a quote was said (undated quotes have none) and the start of a timeline entry.

Modules by job: forms.py (the form, the kinds), terms.py (what the reader typed), sources.py (the
four kinds and how each is matched), candidates.py (the candidate query), facets.py (counting the
options to narrow by), results.py (the page's results and their snippets). This module runs a
search: search() and the session it runs in.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction

from timeline.models import Tag
from timeline.search import candidates
from timeline.search.candidates import MAIN, WITHOUT_TAG, WITHOUT_YEAR, fetch_candidates
from timeline.search.facets import count_facets
from timeline.search.forms import Kind, SearchForm
from timeline.search.results import MARK_END, MARK_START, excerpt, highlight, page_results
from timeline.search.sources import SOURCES, SearchDocument
from timeline.search.terms import CONFIG, Terms

__all__ = [
    "CONFIG", "MARK_END", "MARK_START", "PER_PAGE", "Kind", "SearchDocument", "SearchForm",
    "SearchPage", "Terms", "excerpt", "highlight", "search",
]  # fmt: skip

PER_PAGE = 20
# PostgreSQL only: a search still running after this long is cancelled and the reader told.
STATEMENT_TIMEOUT_MS = 3000


@dataclass
class SearchPage:
    query: str
    kind: str = ""
    tag: str = ""
    year: int | None = None
    results: list = field(default_factory=list)
    page_obj: object = None
    total: int = 0
    capped: bool = False  # some kind had more matches than the CANDIDATES counted
    candidates: int = 0  # the cap, when `capped`
    timed_out: bool = False
    kinds: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    years: list = field(default_factory=list)

    @property
    def filtered(self):
        return bool(self.kind or self.tag or self.year)


def search(*, query, kind="", tag="", year=None, page=None, per_page=None):
    """
    One page of results for `query` with its facets, in at most 8 queries: the candidates of
    every kind in one (which also gives the facets and the total), then one per kind on the
    page. On PostgreSQL one more sets the timeout and finds the tag's id, and the transaction's
    BEGIN and COMMIT count too; on SQLite a tag is looked up on its own.

    `kind`, `tag` (a slug) and `year` narrow the results; `page` is a page number from 1
    (past the end is the last page). An empty query, or one with no words, finds nothing. A
    search PostgreSQL cancels after STATEMENT_TIMEOUT_MS comes back empty with `timed_out`.
    """
    result = SearchPage(
        query=query, kind=kind, tag=tag, year=year, candidates=candidates.CANDIDATES
    )
    terms = Terms(query)
    if not terms:
        return result
    try:
        with _session(tag) as tag_id:
            _search(result, terms, tag_id=tag_id, page=page, per_page=per_page or PER_PAGE)
    except DatabaseError as error:
        if not _was_cancelled(error):
            raise
        return SearchPage(query=query, kind=kind, tag=tag, year=year, timed_out=True)
    return result


def _search(result, terms, *, tag_id, page, per_page):
    kind, tag, year = result.kind, result.tag, result.year
    narrowed = (kind,) if kind else tuple(SOURCES)
    # The type facet needs every kind with the tag and year applied; the year facet the tag
    # alone, the tag facet the year alone (each only when it differs from the first).
    wanted = {MAIN: (tuple(SOURCES), bool(tag), bool(year))}
    if year:
        wanted[WITHOUT_YEAR] = (narrowed, bool(tag), False)
    if tag:
        wanted[WITHOUT_TAG] = (narrowed, False, bool(year))
    found = fetch_candidates(terms, wanted, tag_id=tag_id, year=year)
    main = found[MAIN]
    count_facets(result, main, found.get(WITHOUT_YEAR, main), found.get(WITHOUT_TAG, main))

    shown = sorted(main.of(kind), key=lambda candidate: candidate.best_first)
    paginator = Paginator(shown, per_page)
    result.page_obj = paginator.get_page(page or 1)
    result.results = page_results(list(result.page_obj.object_list), terms)


@contextmanager
def _session(tag):
    """
    On PostgreSQL, a transaction with a statement_timeout and the planner settings below; also
    the id of the `tag` slug (None if none or no such tag), in the same query there.

    The candidate query names the tag by id, not by a join on its slug: with the id in hand
    PostgreSQL knows how common the tag is. Not knowing, it guessed 574 articles for a tag on
    36,000 and started from the tag: "reactor explosion" on it timed out after 3 s, against
    0.15 s by id.
    """
    if connection.vendor != "postgresql":
        yield Tag.objects.filter(slug=tag).values_list("pk", flat=True).first() if tag else None
        return
    with transaction.atomic():
        # Local to this transaction (the persistent connection keeps its own settings). No JIT:
        # compiling the candidate query cost 90 ms of a 450 ms run. No parallel workers: two
        # searches at once on two cores gain nothing from them and pay their start-up. Random
        # reads priced as what they are here, reads from memory: at the default (4, for
        # spinning disks) PostgreSQL hashes all 96,000 published articles (35 ms) to check
        # the visibility of 2,000 updates rather than look each one up (2 ms).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true),"
                " set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('random_page_cost', '1.1', true),"
                f" (SELECT id FROM {connection.ops.quote_name(Tag._meta.db_table)}"
                " WHERE slug = %s)",
                [f"{STATEMENT_TIMEOUT_MS}ms", tag],
            )
            tag_id = cursor.fetchone()[-1]
        yield tag_id


def _was_cancelled(error):
    """PostgreSQL's query_canceled, which statement_timeout raises."""
    cause = error.__cause__
    return (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) == "57014"
