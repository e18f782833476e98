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
error), results are ranked with ``ts_rank`` (SearchRank) and each result shown gets a
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
Highlighting is safe by construction: hits are first marked with two private-use characters,
never markup; the snippet is reduced to plain text (tags dropped, entities decoded), escaped,
and only then are the markers turned into ``<mark>`` elements. The four kinds are ranked together
in one UNION query and paginated in SQL; the facets (type, tag, year; each counted with the
other filters applied) come from two grouped UNION queries, whose sums also give the total.
A result's year is the year of its own date: first publication of an article, the date of an
update, when a quote was said (undated quotes have none) and the start of a timeline entry.
"""

import html
import re
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
from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, ExtractYear, Replace, Substr
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from timeline import dates, selectors
from timeline.models import Article, Quote, QuotePlacement, Status, TimelineEntry, Update
from timeline.templatetags.newsroom import machine_date

CONFIG = "english"  # must match migration 0003
COLUMN = "search_vector"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PER_PAGE = 20
SNIPPET_CHARS = 240
FALLBACK_WEIGHTS = {"A": 8, "B": 4, "C": 2, "D": 1}
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


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
    tags: str  # lookup from a row to its tags
    tags_filter: dict = field(default_factory=dict)  # what that path must also satisfy

    def visible(self):
        return VISIBLE[self.kind]()

    def year(self):
        return YEAR[self.kind]()

    def tagged(self, slug):
        return TAGGED[self.kind](slug)

    def matching(self, terms):
        """(rows matching `terms`, their rank expression)."""
        rows = self.visible().order_by()
        if uses_full_text():
            query = terms.query
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
    tags="tags",
)
UPDATE = Source(
    kind=Kind.UPDATE,
    fields={"headline": "A", "body": "B"},
    snippet_fields=("body_html",),
    snippet_is_html=True,
    tags="article__tags",
)
QUOTE = Source(
    kind=Kind.QUOTE,
    fields={"text": "A", "speaker": "B", "work": "C", "speaker_role": "D", "outlet": "D"},
    snippet_fields=("text",),
    snippet_is_html=False,
    tags="placements__article__tags",
    tags_filter={"placements__article__status": Status.PUBLISHED},
)
TIMELINE = Source(
    kind=Kind.TIMELINE,
    fields={"text": "A"},
    snippet_fields=("text_html",),
    snippet_is_html=True,
    tags="tags",
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
TAGGED = {
    Kind.ARTICLE: lambda slug: Exists(
        Article.tags.through.objects.filter(article=OuterRef("pk"), tag__slug=slug)
    ),
    Kind.UPDATE: lambda slug: Exists(
        Article.tags.through.objects.filter(article=OuterRef("article"), tag__slug=slug)
    ),
    Kind.QUOTE: lambda slug: Exists(
        QuotePlacement.objects.filter(
            quote=OuterRef("pk"), article__status=Status.PUBLISHED, article__tags__slug=slug
        )
    ),
    Kind.TIMELINE: lambda slug: Exists(
        TimelineEntry.tags.through.objects.filter(timelineentry=OuterRef("pk"), tag__slug=slug)
    ),
}


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


@dataclass
class SearchPage:
    query: str
    kind: str = ""
    tag: str = ""
    year: int | None = None
    results: list = field(default_factory=list)
    page_obj: object = None
    total: int = 0
    kinds: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    years: list = field(default_factory=list)

    @property
    def filtered(self):
        return bool(self.kind or self.tag or self.year)


def search(*, query, kind="", tag="", year=None, page=None, per_page=None):
    """
    One page of results for `query` with its facets, in at most 8 queries: the two facet
    counts (which also give the total), one page of ranked rows, then one per kind on the page
    plus one for the quotes' articles.

    `kind`, `tag` (a slug) and `year` narrow the results; `page` is the page number as typed
    (see selectors.get_page_or_404). An empty query, or one with no words, finds nothing.
    """
    result = SearchPage(query=query, kind=kind, tag=tag, year=year)
    terms = Terms(query)
    if not terms:
        return result

    by_kind_year = _union(
        source_rows.values(result_kind=Value(source.kind), result_year=source.year()).annotate(
            n=Count("pk")
        )
        for source, source_rows in _matches(terms, tag=tag)
    )
    by_tag = _union(
        source_rows.filter(**source.tags_filter)
        .values(
            result_kind=Value(source.kind),
            tag_slug=F(f"{source.tags}__slug"),
            tag_name=F(f"{source.tags}__name"),
            result_year=source.year(),
        )
        .annotate(n=Count("pk", distinct=True))
        for source, source_rows in _matches(terms)
    )
    _count_facets(result, list(by_kind_year), list(by_tag))

    ranked = _union(
        source_rows.annotate(
            result_kind=Value(source.kind),
            result_id=F("pk"),
            result_rank=rank,
            result_year=source.year(),
        )
        .filter(**({"result_year": year} if year else {}))
        .values_list("result_kind", "result_id", "result_rank", "result_year")
        for source, source_rows, rank in _matches(terms, tag=tag, kind=kind, ranked=True)
    ).order_by("-result_rank", F("result_year").desc(nulls_last=True), "result_kind", "-result_id")
    paginator = Paginator(_Counted(ranked, result.total), per_page or PER_PAGE)
    result.page_obj = selectors.get_page_or_404(paginator, page)
    result.results = _results(list(result.page_obj.object_list), terms)
    return result


def _matches(terms, *, tag="", kind="", ranked=False):
    for source in SOURCES.values():
        if kind and source.kind != kind:
            continue
        rows, rank = source.matching(terms)
        if tag:
            rows = rows.filter(source.tagged(tag))
        yield (source, rows, rank) if ranked else (source, rows)


def _union(querysets):
    first, *others = querysets
    # A union takes the first model's Meta.ordering unless told otherwise.
    return (first.union(*others, all=True) if others else first).order_by()


def _count_facets(result, by_kind_year, by_tag):
    def kept(row, *, kind=True, year=True):
        return (not kind or not result.kind or row["result_kind"] == result.kind) and (
            not year or not result.year or row["result_year"] == result.year
        )

    kinds, years, tags, names = {}, {}, {}, {}
    for row in by_kind_year:
        if kept(row, kind=False):
            kinds[row["result_kind"]] = kinds.get(row["result_kind"], 0) + row["n"]
        if kept(row, year=False) and row["result_year"] is not None:
            years[row["result_year"]] = years.get(row["result_year"], 0) + row["n"]
        if kept(row):
            result.total += row["n"]
    for row in by_tag:
        if kept(row) and row["tag_slug"] is not None:
            tags[row["tag_slug"]] = tags.get(row["tag_slug"], 0) + row["n"]
            names[row["tag_slug"]] = row["tag_name"]

    result.kinds = [
        FacetOption(value, label, kinds.get(value, 0), value == result.kind)
        for value, label in Kind.choices
        if kinds.get(value) or value == result.kind
    ]
    result.years = [
        FacetOption(str(year), str(year), n, year == result.year)
        for year, n in sorted(years.items(), reverse=True)
    ]
    result.tags = [
        FacetOption(slug, names[slug], n, slug == result.tag)
        for slug, n in sorted(tags.items(), key=lambda item: (-item[1], names[item[0]].lower()))
    ]


class _Counted:
    """The ranked UNION with its length already known from the facet counts: one query less."""

    def __init__(self, queryset, count):
        self.queryset, self._count = queryset, count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def _results(rows, terms):
    """The rows of one page, as Results in rank order: one query per kind present."""
    wanted = {}
    for kind, pk, _rank, _year in rows:
        wanted.setdefault(kind, []).append(pk)
    found = {}
    for kind, pks in wanted.items():
        source = SOURCES[kind]
        objects = DISPLAY[kind]().filter(pk__in=pks)
        if uses_full_text():
            objects = objects.annotate(search_headline=_headline(source, terms))
        for obj in objects:
            found[kind, obj.pk] = RESULT[kind](obj, _snippet(obj, source, terms))
    return [found[kind, pk] for kind, pk, _rank, _year in rows if (kind, pk) in found]


def _headline(source, terms):
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
        terms.query,
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


def plain_text(value):
    return " ".join(html.unescape(strip_tags(value or "")).split())


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
    Kind.QUOTE: lambda: Quote.objects.prefetch_related(
        Prefetch(
            "placements",
            queryset=QuotePlacement.objects.filter(article__status=Status.PUBLISHED)
            .select_related("article")
            .order_by("article__published_at", "article__pk"),
            to_attr="public_placements",
        )
    ),
    Kind.TIMELINE: lambda: TimelineEntry.objects.select_related("story"),
}


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
    placement = quote.public_placements[0]
    said = quote.said_on_date
    return Result(
        Kind.QUOTE,
        quote.speaker,
        placement.article.get_absolute_url(),
        snippet,
        f"Quoted in “{placement.article.title}”",
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
