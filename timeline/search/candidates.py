"""
The candidate query: for each kind and each combination of filters, its CANDIDATES most recently
added matches with their rank, year and tags, in one UNION ALL query compiled once per shape.
"""

from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from timeline.models import Tag
from timeline.search import sources
from timeline.search.sources import (
    FIRST_DAY,
    FIRST_MOMENT,
    LAST_DAY,
    LAST_MOMENT,
    QUERY,
    SOURCES,
    TAG_ID,
    YEAR_DIGITS,
    Slot,
)

# Per kind: how many of the most recently added matches are ranked, counted and paginated
# (five pages of one kind). Each costs its rank and tags: at 200 the candidate query took 75 ms
# for two common words on the benchmark data, at 100 about 45.
CANDIDATES = 100
# A candidate's tags travel as one string: "slug<unit>name" pairs joined by <record>.
_UNIT, _RECORD = "\x1f", "\x1e"


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


# A search's candidate sets (see _search in __init__.py): the main one, and for the year and tag
# facets the same without that filter.
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


def fetch_candidates(terms, wanted, *, tag_id, year):
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
    if sources.uses_full_text() and key in _COMPILED:
        return _COMPILED[key]
    arms = [
        _candidate_rows(SOURCES[kind], terms, label=label, by_tag=by_tag, by_year=by_year)
        for label, (kinds, by_tag, by_year) in wanted.items()
        for kind in kinds
    ]
    compiled = _union(arms).query.sql_with_params()
    if sources.uses_full_text():
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
