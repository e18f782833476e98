"""
Reads that cross models: everything one page shows, fetched in a fixed number of queries.
"""

import html
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.text import Truncator

from timeline import history
from timeline.models import (
    Article,
    Category,
    Edition,
    EditionStatus,
    Placement,
    QuotePlacement,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)


@dataclass
class BodyBlock:
    html: str
    quotes: list = field(default_factory=list)


@dataclass
class ArticlePage:
    article: Article
    updates: list
    epigraphs: list
    body: list
    related_links: list
    references: list
    embeds: list
    timeline: list
    tags: list
    editions: list = field(default_factory=list)
    preview: bool = False
    snapshot: "Edition | None" = None  # set when this is a frozen edition's page

    @property
    def date_modified(self):
        """The newest published update, else the first publication."""
        stamps = [u.published_at for u in self.updates if u.status == Status.PUBLISHED]
        stamps.append(self.article.published_at)
        return max((s for s in stamps if s), default=None)

    @property
    def last_updated(self):
        """date_modified when it is later than the first publication, else None."""
        published, modified = self.article.published_at, self.date_modified
        return modified if published and modified and modified > published else None

    @property
    def unpublished_updates(self):
        """Drafts and scheduled updates: only ever present in a staff preview."""
        return [u for u in self.updates if u.status != Status.PUBLISHED]

    @property
    def description(self):
        """For search results and share cards: the summary, else the start of the lede."""
        if self.article.summary:
            return self.article.summary
        return Truncator(html_to_text(self.article.lede_html)).words(40)


def html_to_text(value):
    """Sanitised HTML to plain text (entities decoded), for meta tags and JSON-LD."""
    return " ".join(html.unescape(strip_tags(value or "")).split())


def article_page(*, slug, preview=False):
    """
    The article at `slug` with everything on its page, in 9 queries however much it holds.

    Public readers (`preview=False`) get only published articles and published updates; staff
    previewing also see drafts and scheduled updates. Raises Http404 otherwise.
    """
    updates = Update.objects.order_by("-dated_at", "-pk")
    related = RelatedLink.objects.select_related("target").order_by("order", "pk")
    if not preview:
        updates = updates.published()
        related = related.exclude(target__status__in=[Status.DRAFT, Status.SCHEDULED])
    articles = Article.objects.select_related("story", "category").prefetch_related(
        "tags",
        Prefetch("updates", queryset=updates, to_attr="page_updates"),
        Prefetch(
            "quote_placements",
            queryset=QuotePlacement.objects.select_related("quote"),
            to_attr="page_placements",
        ),
        Prefetch("related_links", queryset=related, to_attr="page_related"),
        "references",
        "embeds",
        Prefetch("editions", queryset=Edition.objects.shown(), to_attr="page_editions"),
    )
    if not preview:
        articles = articles.published()
    article = articles.filter(slug=slug).first()
    if article is None:
        raise Http404("No such article.")

    return ArticlePage(
        article=article,
        updates=article.page_updates,
        epigraphs=[p.quote for p in article.page_placements if p.placement == Placement.EPIGRAPH],
        body=_body_with_inline_quotes(
            article.body_html,
            [p for p in article.page_placements if p.placement == Placement.INLINE],
        ),
        related_links=article.page_related,
        references=list(article.references.all()),
        embeds=list(article.embeds.all()),
        timeline=story_timeline(article.story, until=article.timeline_until),
        tags=list(article.tags.all()),
        editions=article.page_editions,
        preview=preview,
    )


def edition_snapshot(*, slug, key):
    """
    A superseded edition's page, rebuilt from revision history as it stood when the next
    edition replaced it. Raises Http404 for an unknown, unpublished or still current edition.
    """
    edition = (
        Edition.objects.select_related("article")
        .filter(article__slug=slug, key=key, status=EditionStatus.SUPERSEDED)
        .exclude(article__status__in=[Status.DRAFT, Status.SCHEDULED])
        .first()
    )
    if edition is None:
        raise Http404("No such edition.")
    article = edition.article
    then = history.page_as_of(article, edition.frozen_at)
    if then["article"] is None:
        raise Http404("This edition left no record.")
    for link in then["related_links"]:
        link.article = then["article"]
    return ArticlePage(
        article=then["article"],
        updates=then["updates"],
        epigraphs=then["epigraphs"],
        body=_body_with_inline_quotes(then["article"].body_html, then["inline"]),
        related_links=then["related_links"],
        references=then["references"],
        embeds=then["embeds"],
        timeline=_with_story(then["timeline"], article.story),
        tags=list(article.tags.all()),
        editions=list(article.editions.shown().select_related("article")),
        snapshot=edition,
    )


def _with_story(entries, story):
    for entry in entries:
        entry.story = story  # formatting needs the story's zone; don't fetch it per entry
    return entries


def _body_with_inline_quotes(html, placements):
    """Split the body after each paragraph that an inline quote is pinned to."""
    if not placements:
        return [BodyBlock(html)] if html else []
    paragraphs = html.split("</p>")
    blocks, pending = [], ""
    pinned = {}
    for placement in placements:
        pinned.setdefault(placement.after_paragraph, []).append(placement.quote)
    for number, chunk in enumerate(paragraphs[:-1], start=1):
        pending += chunk + "</p>"
        if number in pinned:
            blocks.append(BodyBlock(pending, pinned.pop(number)))
            pending = ""
    pending += paragraphs[-1]
    leftover = [quote for quotes in pinned.values() for quote in quotes]
    if pending.strip() or leftover:
        blocks.append(BodyBlock(pending, leftover))
    return blocks


def story_timeline(story, *, until=None):
    """The story's timeline in date order (optionally only up to `until`): one query."""
    if story is None:
        return []
    entries = TimelineEntry.objects.filter(story=story).chronological()
    if until is not None:
        entries = entries.filter(date_lower__lte=until)
    return _with_story(list(entries), story)


def story_page(*, slug):
    """A story with its whole timeline and its published articles."""
    story = (
        Story.objects.prefetch_related(
            "tags",
            Prefetch(
                "articles",
                queryset=latest_articles(),
                to_attr="published_articles",
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if story is None:
        raise Http404("No such story.")
    return story, story_timeline(story)


def latest_articles():
    """Published articles, most recently (re-)featured first, with what a card shows."""
    return Article.objects.published().latest_first().select_related("category")


def tag_archive(*, slug):
    """The tag at `slug` and its published articles (a lazy queryset, for pagination)."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag.")
    return tag, latest_articles().filter(tags=tag)


def category_archive(*, slug):
    """The category at `slug` and its published articles (a lazy queryset, for pagination)."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    return category, latest_articles().filter(category=category)
