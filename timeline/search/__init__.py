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
each search's values (Slot; compiling it took 15 ms). Not timeline.selectors.prepared: a search's
words appear in every arm, and each run must be planned for its own words (rare words want the GIN
index, common ones the primary key), which a prepared statement's generic plan would not do.

On PostgreSQL the queries run in a transaction with a ``statement_timeout`` and planner
settings (see _session): a search that takes too long tells the reader to try more specific
words instead of failing.

Highlighting is safe by construction: hits are first marked with two private-use characters,
never markup; the snippet is reduced to plain text (tags dropped, entities decoded), escaped,
and only then are the markers turned into ``<mark>`` elements.
A result's year is the year of its own date: first publication of an article, the date of an
update, when a quote was said (undated quotes have none) and the start of a timeline entry.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django import forms
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, models, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, ExtractYear, Replace, Substr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from timeline import dates, selectors
from timeline.formatting import machine_date
from timeline.models import Article, Quote, QuotePlacement, Status, Tag, TimelineEntry, Update
from timeline.selectors.prepared import ID, Prepared
from timeline.text import html_to_text as plain_text

CONFIG = "english"  # must match migration 0003
COLUMN = "search_vector"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PER_PAGE = 20
# Per kind: how many of the most recently added matches are ranked, counted and paginated
# (five pages of one kind). Each costs its rank and tags: at 200 the candidate query took 75 ms
# for two common words on the benchmark data, at 100 about 45.
CANDIDATES = 100
# PostgreSQL only: a search still running after this long is cancelled and the reader told.
STATEMENT_TIMEOUT_MS = 3000
# The most frequent tags offered to narrow by: 400 links would help nobody (and rendering them
# took longer than the search).
TAGS_SHOWN = 20
SNIPPET_CHARS = 240
FALLBACK_WEIGHTS = {"A": 8, "B": 4, "C": 2, "D": 1}
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")
WORDS = "\x00search words"  # a placeholder no search has: the form refuses NUL characters
# A candidate's tags travel as one string: "slug<unit>name" pairs joined by <record>.
_UNIT, _RECORD = "\x1f", "\x1e"


class Kind(models.TextChoices):
    ARTICLE = "article", "Articles"
    UPDATE = "update", "Updates"
    QUOTE = "quote", "Quotes"
    TIMELINE = "timeline", "Timeline entries"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput(attrs={"class": "search-form__input"}),
        error_messages={
            "max_length": f"Search for at most {MAX_QUERY_LENGTH} characters: try fewer words."
        },
    )
    type = forms.ChoiceField(choices=Kind.choices, required=False)
    tag = forms.SlugField(max_length=100, required=False)
    year = forms.IntegerField(min_value=1, max_value=9999, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# ------------------------------------------------------------------ the database's side


class SearchDocument(models.Expression):
    """The ``search_vector`` column migration 0003 generates on PostgreSQL (not a model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.base_table)}.{compiler.quote_name(COLUMN)}", []


def uses_full_text():
    return connection.vendor == "postgresql"


class Slot(models.Expression):
    """
    A placeholder for one of a search's values in the candidate query (see _candidate_sql):
    compiled as a parameter and filled in per search, so the SQL is compiled once per shape.
    """

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


QUERY = Slot("query", models.TextField())
TAG_ID = Slot("tag id", models.IntegerField())
FIRST_MOMENT = Slot("first moment", models.DateTimeField())  # of the year, local time
LAST_MOMENT = Slot("last moment", models.DateTimeField())
FIRST_DAY = Slot("first day", models.DateField())
LAST_DAY = Slot("last day", models.DateField())
YEAR_DIGITS = Slot("year digits", models.CharField())  # how stored EDTF starts


@dataclass(frozen=True)
class Terms:
    """What a reader typed: the text for websearch_to_tsquery, the words for the fallback."""

    text: str

    @property
    def words(self):
        words = []
        for word in self.text.split():
            word = word.strip("\"'()").lstrip("-+")
            if word and word.lower() not in (w.lower() for w in words):
                words.append(word)
        return words[:MAX_WORDS]

    @property
    def query(self):
        return SearchQuery(self.text, config=CONFIG, search_type="websearch")

    def __bool__(self):
        return bool(self.words)


# ------------------------------------------------------------------ the four kinds


@dataclass(frozen=True)
class Source:
    kind: str
    fields: dict  # field -> weight letter, as migration 0003 weights them
    snippet_fields: tuple  # what the snippet is cut from
    snippet_is_html: bool

    def visible(self):
        return VISIBLE[self.kind]()

    def year(self):
        return YEAR[self.kind]()

    def in_year(self):
        return IN_YEAR[self.kind]()

    def tagged(self):
        return TAGGED[self.kind]()

    def tag_links(self):
        return TAG_LINKS[self.kind]()

    def matching(self, terms):
        """(rows matching `terms`, their rank expression); on PostgreSQL the QUERY slot."""
        rows = self.visible().order_by()
        if uses_full_text():
            query = SearchQuery(QUERY, config=CONFIG, search_type="websearch")
            return rows.filter(SearchVectorExact(SearchDocument(), query)), SearchRank(
                SearchDocument(), query
            )
        by_weight = sorted(self.fields.items(), key=lambda item: item[1])
        score = Value(0)
        for word in terms.words:
            rows = rows.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in self.fields)))
            score = score + Case(
                *(
                    When(**{f"{f}__icontains": word}, then=Value(FALLBACK_WEIGHTS[w]))
                    for f, w in by_weight
                ),
                default=Value(0),
            )
        return rows, score


ARTICLE = Source(
    kind=Kind.ARTICLE,
    fields={"title": "A", "summary": "B", "lede": "B", "body": "C", "kicker": "D"},
    snippet_fields=("lede_html", "body_html"),
    snippet_is_html=True,
)
UPDATE = Source(
    kind=Kind.UPDATE,
    fields={"headline": "A", "body": "B"},
    snippet_fields=("body_html",),
    snippet_is_html=True,
)
QUOTE = Source(
    kind=Kind.QUOTE,
    fields={"text": "A", "speaker": "B", "work": "C", "speaker_role": "D", "outlet": "D"},
    snippet_fields=("text",),
    snippet_is_html=False,
)
TIMELINE = Source(
    kind=Kind.TIMELINE,
    fields={"text": "A"},
    snippet_fields=("text_html",),
    snippet_is_html=True,
)
SOURCES = {source.kind: source for source in (ARTICLE, UPDATE, QUOTE, TIMELINE)}

VISIBLE = {
    Kind.ARTICLE: lambda: Article.objects.published(),
    Kind.UPDATE: lambda: Update.objects.published().filter(article__status=Status.PUBLISHED),
    Kind.QUOTE: lambda: Quote.objects.filter(
        Exists(
            QuotePlacement.objects.filter(quote=OuterRef("pk"), article__status=Status.PUBLISHED)
        )
    ),
    Kind.TIMELINE: selectors.public_timeline_entries,
}
YEAR = {
    Kind.ARTICLE: lambda: ExtractYear("published_at"),
    Kind.UPDATE: lambda: ExtractYear("dated_at"),
    # Stored EDTF always starts with the four-digit (first) year.
    Kind.QUOTE: lambda: Case(
        When(said_on="", then=Value(None)),
        default=Cast(Substr("said_on", 1, 4), IntegerField()),
        output_field=IntegerField(),
    ),
    Kind.TIMELINE: lambda: ExtractYear("date_lower"),
}
# The same years as ranges an index can read (the bounds as Django's __year computes them).
IN_YEAR = {
    Kind.ARTICLE: lambda: Q(published_at__gte=FIRST_MOMENT, published_at__lte=LAST_MOMENT),
    Kind.UPDATE: lambda: Q(dated_at__gte=FIRST_MOMENT, dated_at__lte=LAST_MOMENT),
    Kind.QUOTE: lambda: Q(said_on__startswith=YEAR_DIGITS),
    Kind.TIMELINE: lambda: Q(date_lower__gte=FIRST_DAY, date_lower__lte=LAST_DAY),
}
TAGGED = {
    Kind.ARTICLE: lambda: Exists(
        Article.tags.through.objects.filter(article=OuterRef("pk"), tag_id=TAG_ID)
    ),
    Kind.UPDATE: lambda: Exists(
        Article.tags.through.objects.filter(article=OuterRef("article"), tag_id=TAG_ID)
    ),
    Kind.QUOTE: lambda: Exists(
        QuotePlacement.objects.filter(
            quote=OuterRef("pk"), article__status=Status.PUBLISHED, article__tags=TAG_ID
        )
    ),
    Kind.TIMELINE: lambda: Exists(
        TimelineEntry.tags.through.objects.filter(timelineentry=OuterRef("pk"), tag_id=TAG_ID)
    ),
}
# A row's links to its tags: an update carries its article's, a quote those of the published
# articles it is placed on. (The tag's own row is looked up link by link: see _tag_list.)
TAG_LINKS = {
    Kind.ARTICLE: lambda: Article.tags.through.objects.filter(article=OuterRef("pk")),
    Kind.UPDATE: lambda: Article.tags.through.objects.filter(article=OuterRef("article")),
    Kind.QUOTE: lambda: Article.tags.through.objects.filter(
        article__quote_placements__quote=OuterRef("pk"), article__status=Status.PUBLISHED
    ),
    Kind.TIMELINE: lambda: TimelineEntry.tags.through.objects.filter(timelineentry=OuterRef("pk")),
}


# ------------------------------------------------------------------ candidates


@dataclass(frozen=True)
class Candidate:
    kind: str
    pk: int
    rank: float
    year: int | None
    tags: tuple  # (slug, name) pairs

    @property
    def best_first(self):
        """Sort key: rank, then the newer year (undated last), then kind, then the newer row."""
        return (-self.rank, self.year is None, -(self.year or 0), self.kind, -self.pk)


@dataclass
class Candidates:
    """The candidates of one combination of filters, by kind."""

    by_kind: dict = field(default_factory=dict)
    capped: set = field(default_factory=set)  # kinds with more matches than CANDIDATES

    def of(self, kind=""):
        return [c for k, rows in self.by_kind.items() if not kind or k == kind for c in rows]

    def capped_kinds(self, kind=""):
        return {k for k in self.capped if not kind or k == kind}


# A search's candidate sets (see _search): the main one, and for the year and tag facets the same
# without that filter.
MAIN, WITHOUT_YEAR, WITHOUT_TAG = "main", "without year", "without tag"


def _candidate_rows(source, terms, *, label, by_tag, by_year):
    """
    The CANDIDATES + 1 most recently added matches of one kind (one more tells it was capped)
    with their rank, year and tags. They are picked by id alone, so that PostgreSQL sorts (or
    reads off the primary key) narrow rows and stops early; only those are then ranked.
    """
    rows, rank = source.matching(terms)
    if by_tag:
        rows = rows.filter(source.tagged())
    if by_year:
        rows = rows.filter(source.in_year())
    newest = rows.order_by("-pk").values("pk")[: CANDIDATES + 1]
    return (
        rows.model.objects.filter(pk__in=newest)
        .order_by()
        .annotate(
            result_set=Value(label),
            result_kind=Value(source.kind),
            result_rank=rank,
            result_year=source.year(),
            result_tags=_tag_list(source),
        )
        .values_list("result_set", "result_kind", "pk", "result_rank", "result_year", "result_tags")
    )


def _tag_list(source):
    """A row's tags as one string: "slug<unit>name" pairs joined by <record>."""
    # The tag by a subquery per link, not a join: PostgreSQL would hash all tags for every
    # candidate (0.1 ms each, EXPLAIN ANALYZE at scale) where two index probes do.
    pair = (
        Tag.objects.filter(pk=OuterRef("tag_id"))
        .order_by()
        .values(pair=Concat("slug", Value(_UNIT), "name", output_field=models.TextField()))
    )
    links = source.tag_links().annotate(pair=Subquery(pair)).order_by()
    # Grouped by a constant, that is not at all: one row, every link aggregated.
    return Subquery(links.values(one=Value(1)).values(joined=StringAgg("pair", Value(_RECORD))))


def _fetch_candidates(terms, wanted, *, tag_id, year):
    """Every candidate set `wanted` ({label: (kinds, by tag, by year)}) in one UNION ALL query."""
    sql, params = _candidate_sql(terms, wanted)
    values = _slot_values(terms, tag_id=tag_id, year=year)
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[p.name] if isinstance(p, Slot) else p for p in params])
        rows = cursor.fetchall()
    found = {
        label: Candidates(by_kind={kind: [] for kind in kinds})
        for label, (kinds, _t, _y) in wanted.items()
    }
    for label, kind, pk, rank, found_year, tags in rows:
        pairs = {tuple(pair.split(_UNIT, 1)) for pair in (tags or "").split(_RECORD) if pair}
        found_year = None if found_year is None else int(found_year)
        found[label].by_kind[kind].append(
            Candidate(kind, pk, float(rank), found_year, tuple(sorted(pairs)))
        )
    for candidates in found.values():
        for kind, of_kind in candidates.by_kind.items():
            if len(of_kind) > CANDIDATES:
                # The one more than the cap is the least recently added: it goes.
                of_kind.remove(min(of_kind, key=lambda candidate: candidate.pk))
                candidates.capped.add(kind)
    return found


# Compiled candidate queries by shape: building and compiling one took 15 ms of a search.
_COMPILED = {}


def _candidate_sql(terms, wanted):
    # The fallback's SQL has each word in it: compiled every time (SQLite has no budget).
    key = (
        connection.vendor,
        CANDIDATES,
        timezone.get_current_timezone_name(),
        tuple(wanted.items()),
    )
    if uses_full_text() and key in _COMPILED:
        return _COMPILED[key]
    arms = [
        _candidate_rows(SOURCES[kind], terms, label=label, by_tag=by_tag, by_year=by_year)
        for label, (kinds, by_tag, by_year) in wanted.items()
        for kind in kinds
    ]
    compiled = _union(arms).query.sql_with_params()
    if uses_full_text():
        _COMPILED[key] = compiled
    return compiled


def _slot_values(terms, *, tag_id, year):
    values = {QUERY.name: terms.text, TAG_ID.name: tag_id}
    if year:
        ops = connection.ops
        first_moment, last_moment = ops.year_lookup_bounds_for_datetime_field(year)
        first_day, last_day = ops.year_lookup_bounds_for_date_field(year)
        values |= {
            FIRST_MOMENT.name: first_moment,
            LAST_MOMENT.name: last_moment,
            FIRST_DAY.name: first_day,
            LAST_DAY.name: last_day,
            YEAR_DIGITS.name: f"{year:04d}",
        }
    return values


def _union(querysets):
    first, *others = querysets
    return (first.union(*others, all=True) if others else first).order_by()


# ------------------------------------------------------------------ results


@dataclass
class Result:
    kind: str
    title: str
    url: str
    snippet: str  # safe markup: escaped text and <mark> elements only
    context: str = ""
    date_text: str = ""
    date_iso: str = ""

    @property
    def kind_label(self):
        return {
            Kind.ARTICLE: "Article",
            Kind.UPDATE: "Update",
            Kind.QUOTE: "Quote",
            Kind.TIMELINE: "Timeline",
        }[self.kind]


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    capped: bool = False  # a lower bound: there are more than `count`

    @property
    def count_text(self):
        # Text already: a hundred numbers through the template's localize took 5 ms.
        return f"{self.count}+" if self.capped else str(self.count)


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
    result = SearchPage(query=query, kind=kind, tag=tag, year=year, candidates=CANDIDATES)
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
    found = _fetch_candidates(terms, wanted, tag_id=tag_id, year=year)
    main = found[MAIN]
    _count_facets(result, main, found.get(WITHOUT_YEAR, main), found.get(WITHOUT_TAG, main))

    shown = sorted(main.of(kind), key=lambda candidate: candidate.best_first)
    paginator = Paginator(shown, per_page)
    result.page_obj = paginator.get_page(page or 1)
    result.results = _results(list(result.page_obj.object_list), terms)


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


def _count_facets(result, main, without_year, without_tag):
    """
    Each facet counted with the other filters applied. Where a kind was capped, any option
    may have more matches than its candidates: its count is shown as a lower bound. A chosen
    tag or year counts what the search found (the main candidates, capped or not).
    """
    kinds = {value: len(rows) for value, rows in main.by_kind.items()}
    result.kinds = [
        FacetOption(value, label, kinds[value], value == result.kind, value in main.capped)
        for value, label in Kind.choices
        if kinds[value] or value == result.kind
    ]
    shown = main.of(result.kind)
    result.total = len(shown)
    result.capped = bool(main.capped_kinds(result.kind))

    years = {}
    for candidate in without_year.of(result.kind):
        if candidate.year is not None:
            years[candidate.year] = years.get(candidate.year, 0) + 1
    if result.year and result.total:
        years[result.year] = result.total
    years_capped = bool(without_year.capped_kinds(result.kind))
    result.years = [
        FacetOption(
            str(value),
            str(value),
            n,
            value == result.year,
            result.capped if value == result.year else years_capped,
        )
        for value, n in sorted(years.items(), reverse=True)
    ]

    tags, names = {}, {}
    for candidate in without_tag.of(result.kind):
        for slug, name in candidate.tags:
            tags[slug] = tags.get(slug, 0) + 1
            names[slug] = name
    if result.tag and result.total:
        tags[result.tag] = result.total
        names[result.tag] = next(
            name for candidate in shown for slug, name in candidate.tags if slug == result.tag
        )
    tags_capped = bool(without_tag.capped_kinds(result.kind))
    by_count = sorted(tags.items(), key=lambda item: (-item[1], names[item[0]].lower()))
    result.tags = [
        FacetOption(
            slug,
            names[slug],
            n,
            slug == result.tag,
            result.capped if slug == result.tag else tags_capped,
        )
        for i, (slug, n) in enumerate(by_count)
        if i < TAGS_SHOWN or slug == result.tag
    ]


def _results(candidates, terms):
    """The candidates of one page, as Results in rank order: one query per kind present."""
    wanted = {}
    for candidate in candidates:
        wanted.setdefault(candidate.kind, []).append(candidate.pk)
    found = {}
    for kind, pks in wanted.items():
        source = SOURCES[kind]
        if uses_full_text():
            objects = _SHOWN[kind](pks=pks, words=terms.text)
        else:
            objects = DISPLAY[kind]().filter(pk__in=pks)
        for obj in objects:
            found[kind, obj.pk] = RESULT[kind](obj, _snippet(obj, source, terms))
    return [found[c.kind, c.pk] for c in candidates if (c.kind, c.pk) in found]


def _shown(kind):
    """
    A page's rows of one kind with their ts_headline, compiled once
    (timeline.selectors.prepared): the ORM took 2 to 3 ms to compile each of these, a tenth
    of a search.
    """
    source = SOURCES[kind]
    return Prepared(
        lambda pks, words: (
            DISPLAY[kind]()
            .filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (pks,)))
            .annotate(search_headline=_headline(source, words))
        ),
        pks=[ID],
        words=WORDS,
    )


def _headline(source, words):
    # ts_headline reads its document as HTML: plain text is escaped first, or a "<" in a
    # quote would start a tag and swallow the words after it.
    fields = [
        F(name) if source.snippet_is_html else _escape_sql(F(name))
        for name in source.snippet_fields
    ]
    if len(fields) > 1:
        spaced = [fields[0]]
        for name in fields[1:]:
            spaced += [Value(" "), name]
        document = Concat(*spaced, output_field=models.TextField())
    else:
        document = fields[0]
    return SearchHeadline(
        document,
        SearchQuery(words, config=CONFIG, search_type="websearch"),
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _escape_sql(expression):
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Replace(expression, Value(char), Value(entity))
    return expression


def _snippet(obj, source, terms):
    if uses_full_text():
        return highlight(obj.search_headline, is_html=True)
    text = " ".join(getattr(obj, name) for name in source.snippet_fields)
    return highlight(excerpt(plain_text(text) if source.snippet_is_html else text, terms.words))


def excerpt(text, words, size=SNIPPET_CHARS):
    """About `size` characters of `text` around the first of `words`, hits marked (not markup)."""
    text = " ".join(text.split())
    lowered = text.lower()
    hits = [at for word in words if (at := lowered.find(word.lower())) >= 0]
    first = min(hits, default=0)
    start = max(0, first - size // 3)
    if start:
        start = text.find(" ", start - 1) + 1 or start
    end = min(len(text), start + size)
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    cut = text[start:end].strip()
    if words:
        pattern = re.compile(
            "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I
        )
        cut = pattern.sub(lambda hit: f"{MARK_START}{hit.group(0)}{MARK_END}", cut)
    return ("… " if start else "") + cut + (" …" if end < len(text) else "")


def highlight(text, *, is_html=False):
    """Marked text as safe markup: everything escaped, the marks turned into <mark>."""
    text = plain_text(text) if is_html else " ".join((text or "").split())
    parts, open_mark = [], False
    for piece in _MARKS.split(text):
        if piece == MARK_START:
            if not open_mark:
                parts.append("<mark>")
            open_mark = True
        elif piece == MARK_END:
            if open_mark:
                parts.append("</mark>")
            open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    # Safe: every piece of text above went through escape(); the only tags are <mark>.
    return mark_safe("".join(parts))


# ------------------------------------------------------------------ how each kind is shown

DISPLAY = {
    Kind.ARTICLE: lambda: Article.objects.all(),
    Kind.UPDATE: lambda: Update.objects.select_related("article"),
    Kind.QUOTE: lambda: _quotes_with_their_article(),
    Kind.TIMELINE: lambda: TimelineEntry.objects.select_related("story"),
}


def _quotes_with_their_article():
    # A quote opens the first published article it is placed on. Subqueries rather than a
    # prefetch: one query less, and the page has few to spare.
    first = (
        Article.objects.published()
        .filter(quote_placements__quote=OuterRef("pk"))
        .order_by("published_at", "pk")
    )
    return Quote.objects.annotate(
        article_slug=Subquery(first.values("slug")[:1]),
        article_title=Subquery(first.values("title")[:1]),
    )


_SHOWN = {kind: _shown(kind) for kind in SOURCES}


def _day(moment):
    day = timezone.localtime(moment).date()
    return f"{day:%B} {day.day} {day.year}", day.isoformat()


def _article_result(article, snippet):
    text, iso = _day(article.published_at)
    return Result(
        Kind.ARTICLE, article.title, article.get_absolute_url(), snippet, article.kicker, text, iso
    )


def _update_result(update, snippet):
    text, iso = _day(update.dated_at)
    title = update.headline or f"{update.get_kind_display()} of {text}"
    return Result(
        Kind.UPDATE,
        title,
        update.get_absolute_url(),
        snippet,
        f"On “{update.article.title}”",
        text,
        iso,
    )


def _quote_result(quote, snippet):
    article = Article(slug=quote.article_slug, title=quote.article_title)
    said = quote.said_on_date
    return Result(
        Kind.QUOTE,
        quote.speaker,
        article.get_absolute_url(),
        snippet,
        f"Quoted in “{article.title}”",
        dates.format_date(said) if said else "",
        _machine_date(said),
    )


def _entry_result(entry, snippet):
    return Result(
        Kind.TIMELINE,
        entry.story.title,
        entry.get_absolute_url(),
        snippet,
        "",
        entry.date_display,
        _machine_date(entry.mixed_date),
    )


def _machine_date(value):
    return machine_date(value) if value else ""


RESULT = {
    Kind.ARTICLE: _article_result,
    Kind.UPDATE: _update_result,
    Kind.QUOTE: _quote_result,
    Kind.TIMELINE: _entry_result,
}
