"""
The four kinds searched (articles, updates, quotes, timeline entries): which rows readers may see,
how each is matched (full text on PostgreSQL, the weighted fallback elsewhere), its year, its tags.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, ExtractYear, Substr

from timeline import selectors
from timeline.models import Article, Quote, QuotePlacement, Status, TimelineEntry, Update
from timeline.search.forms import Kind
from timeline.search.terms import CONFIG

COLUMN = "search_vector"
FALLBACK_WEIGHTS = {"A": 8, "B": 4, "C": 2, "D": 1}


class SearchDocument(models.Expression):
    """The ``search_vector`` column migration 0003 generates on PostgreSQL (not a model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.base_table)}.{compiler.quote_name(COLUMN)}", []


def uses_full_text():
    """
    The package's one switch between PostgreSQL's full-text search and the fallback. The other
    modules call it through this one (sources.uses_full_text()), so that replacing it here, as
    the tests do to run the fallback on PostgreSQL, switches them all.
    """
    return connection.vendor == "postgresql"


class Slot(models.Expression):
    """
    A placeholder for one of a search's values in the candidate query (see candidates.py):
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
# articles it is placed on. (The tag's own row is looked up link by link: see
# candidates._tag_list.)
TAG_LINKS = {
    Kind.ARTICLE: lambda: Article.tags.through.objects.filter(article=OuterRef("pk")),
    Kind.UPDATE: lambda: Article.tags.through.objects.filter(article=OuterRef("article")),
    Kind.QUOTE: lambda: Article.tags.through.objects.filter(
        article__quote_placements__quote=OuterRef("pk"), article__status=Status.PUBLISHED
    ),
    Kind.TIMELINE: lambda: TimelineEntry.tags.through.objects.filter(timelineentry=OuterRef("pk")),
}
