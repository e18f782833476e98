"""
The results of one page, as readers see them: each row's title, link, date and context, and a
snippet with the reader's words marked (ts_headline on PostgreSQL, cut in Python elsewhere).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Replace
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join

from timeline import dates
from timeline.formatting import machine_date
from timeline.models import Article, Quote, TimelineEntry, Update
from timeline.search import sources
from timeline.search.forms import Kind
from timeline.search.sources import SOURCES
from timeline.search.terms import CONFIG
from timeline.text import html_to_text as plain_text

SNIPPET_CHARS = 240
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


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


def page_results(candidates, terms):
    """The candidates of one page, as Results in rank order: one query per kind present."""
    wanted = {}
    for candidate in candidates:
        wanted.setdefault(candidate.kind, []).append(candidate.pk)
    found = {}
    for kind, pks in wanted.items():
        source = SOURCES[kind]
        objects = DISPLAY[kind]().filter(pk__in=pks)
        if sources.uses_full_text():
            objects = objects.annotate(search_headline=_headline(source, terms.text))
        for obj in objects:
            found[kind, obj.pk] = RESULT[kind](obj, _snippet(obj, source, terms))
    return [found[c.kind, c.pk] for c in candidates if (c.kind, c.pk) in found]


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
    if sources.uses_full_text():
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
    """Marked text as safe markup: everything escaped, the marked words inside <mark>."""
    text = plain_text(text) if is_html else " ".join((text or "").split())
    parts, marked = [], False
    for piece in _MARKS.split(text):
        if piece in (MARK_START, MARK_END):
            marked = piece == MARK_START
        elif piece:
            parts.append(format_html("<mark>{}</mark>", piece) if marked else escape(piece))
    return format_html_join("", "{}", ((part,) for part in parts))


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
