"""An article's page (and an old edition's): everything it shows in a fixed number of queries."""

import functools
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.text import Truncator

from timeline import body_anchors
from timeline.models import (
    Article,
    ArticleCredit,
    Category,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    Placement,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Tag,
    Update,
)
from timeline.revisions import history
from timeline.selectors import embedded, images
from timeline.selectors.timelines import story_timeline, timeline_version, timeline_version_of
from timeline.text import html_to_text


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
    timeline: list  # or a lazy queryset, read only when the cached fragment is missing
    tags: list
    categories: list = field(default_factory=list)
    editions: list = field(default_factory=list)
    timeline_size: int = 0
    timeline_version: str = ""  # "" when the timeline is not to be cached (an old edition's)
    preview: bool = False
    snapshot: "Edition | None" = None  # set when this is a frozen edition's page
    images: dict = field(default_factory=dict)  # {id: Image} of every picture it shows
    credits: list | None = None  # ArticleCredit with its author, in byline order (None: unread)

    def __post_init__(self):
        for embed in self.embeds:
            embed.poster_image = self.images.get(embed.poster_id)

    @property
    def lead_image(self):
        """The article's lead picture, else its story's (None: the site's share card)."""
        return images.lead_picture(self.article, self.images)

    # The derived values below are read several times per render (meta tags, header, JSON-LD):
    # worked out once per page.

    @functools.cached_property
    def date_modified(self):
        """
        The newest of: a published update, an anniversary or manual edition going live (the
        article is back on top, re-dated), the first publication.
        """
        stamps = [u.published_at for u in self.updates if u.status == Status.PUBLISHED]
        stamps += [e.went_live_at for e in self.editions if e.kind != EditionKind.ORIGINAL]
        stamps.append(self.article.published_at)
        return max((s for s in stamps if s), default=None)

    @functools.cached_property
    def last_updated(self):
        """date_modified when it is later than the first publication, else None."""
        published, modified = self.article.published_at, self.date_modified
        return modified if published and modified and modified > published else None

    @property
    def unpublished_updates(self):
        """Drafts and scheduled updates: only ever present in a staff preview."""
        return [u for u in self.updates if u.status != Status.PUBLISHED]

    @functools.cached_property
    def description(self):
        """For search results and share cards: the summary, else the start of the lede."""
        if self.article.summary:
            return self.article.summary
        return Truncator(html_to_text(self.article.lede_html)).words(40)


def article_page(*, slug, preview=False):
    """
    The article at `slug` with everything on its page, in one query however much it holds
    (and one for its pictures, if it shows any): the article with its story, the version of
    its story's timeline (timeline_version) and its eight short lists riding along as JSON
    (timeline.selectors.embedded: updates, quotes with their placements, related posts, tags,
    categories, references, embeds, editions). The timeline itself is a lazy queryset: the
    page reads it only when its cached fragment is missing (templates/timeline/_timeline.html).

    Public readers (`preview=False`) get only published articles and published updates; staff
    previewing also see drafts and scheduled updates. Raises Http404 otherwise.
    """
    article = _article_queryset(preview).filter(slug=slug).first()
    if article is None:
        raise Http404("No such article.")
    story = article.story
    if story is not None:
        story.timeline_size = article.timeline_size
        story.timeline_changed = article.timeline_changed
    updates = embedded.instances(Update.objects.order_by(*UPDATE_ORDER), article.update_rows)
    placements = embedded.instances(
        QuotePlacement.objects.order_by(*PLACEMENT_ORDER), article.placement_rows, ["quote"]
    )
    related = embedded.instances(
        RelatedLink.objects.order_by(*RELATED_ORDER), article.related_rows, ["target"]
    )
    editions = embedded.instances(Edition.objects.order_by(*EDITION_ORDER), article.edition_rows)
    for row in (*updates, *placements, *related, *editions):
        row.article = article  # as a prefetch would: no query to read it back
    epigraphs, body = _quotes_in_flow(article.body_html, updates, placements)
    shown_embeds = embedded.instances(Embed.objects.all(), article.embed_rows)
    return ArticlePage(
        article=article,
        updates=updates,
        epigraphs=epigraphs,
        body=body,
        related_links=related,
        references=embedded.instances(Reference.objects.all(), article.reference_rows),
        embeds=shown_embeds,
        timeline=story_timeline(story, until=article.timeline_until),
        timeline_size=article.timeline_size or 0,
        timeline_version=timeline_version(story),
        tags=embedded.instances(Tag.objects.all(), article.tag_rows),
        categories=embedded.instances(Category.objects.order_by("name"), article.category_rows),
        editions=editions,
        preview=preview,
        images=images.pictures(images.ids_on_page(article, updates, shown_embeds)),
        credits=embedded.instances(
            ArticleCredit.objects.order_by("position", "pk"), article.credit_rows, ["author"]
        ),
    )


# The columns a page shows, no more: the Markdown sources (the page shows the HTML made of them
# on save) would double what each request reads. The other fields are deferred.
UPDATE_FIELDS = [
    *("id", "article_id", "kind", "dated_at", "headline", "body_html"),
    *("status", "publish_at", "published_at", "anchor", "date_label", "has_time"),
]
RELATED_FIELDS = [
    *("id", "article_id", "target_id", "url", "label", "order"),
    *("target__slug", "target__title", "target__status"),
]
QUOTE_FIELDS = [
    *("text", "speaker", "speaker_role", "work", "outlet", "said_on", "said_on_label"),
    "source_url",
]
PLACEMENT_FIELDS = [
    *("id", "article_id", "quote_id", "placement", "update_id", "anchor", "order"),
    *(f"quote__{name}" for name in QUOTE_FIELDS),
]
EDITION_FIELDS = [
    *("id", "article_id", "kind", "year", "key", "title", "go_live_at", "status"),
    *("went_live_at", "is_late", "day_known"),
]
CREDIT_FIELDS = [
    *("id", "article_id", "author_id", "position"),
    *("author__name", "author__slug"),
]
EDITION_ORDER = ("-go_live_at", "-pk")
UPDATE_ORDER = ("-dated_at", "-pk")
PLACEMENT_ORDER = ("placement", "order", "pk")
RELATED_ORDER = ("order", "pk")


@functools.cache
def _article_queryset(preview):
    """
    Built once per flag and filtered per request, like a view's `queryset` attribute: a
    QuerySet is a template each `.filter()` clones, and building this one (ten annotations)
    cost a sixth of a cold article's CPU. Nothing in it depends on the
    request or the time.
    """
    updates = Update.objects.all() if preview else Update.objects.published()
    related = RelatedLink.objects.all()
    if not preview:
        related = related.exclude(target__status__in=[Status.DRAFT, Status.SCHEDULED])
    articles = (
        Article.objects.select_related("story")
        .defer("body", "lede", "story__summary")
        .annotate(
            **timeline_version_of("story_id"),
            update_rows=embedded.rows(updates, "article", fields=UPDATE_FIELDS),
            placement_rows=embedded.rows(
                QuotePlacement.objects.all(), "article", fields=PLACEMENT_FIELDS
            ),
            related_rows=embedded.rows(related, "article", fields=RELATED_FIELDS),
            tag_rows=embedded.rows(Tag.objects.all(), "articles"),
            category_rows=embedded.rows(Category.objects.all(), "articles"),
            reference_rows=embedded.rows(Reference.objects.all(), "article"),
            embed_rows=embedded.rows(Embed.objects.all(), "article"),
            edition_rows=embedded.rows(Edition.objects.shown(), "article", fields=EDITION_FIELDS),
            credit_rows=embedded.rows(ArticleCredit.objects.all(), "article", fields=CREDIT_FIELDS),
        )
    )
    return articles if preview else articles.published()


def past_edition(*, slug, key):
    """A recorded past edition whose text no revision of ours holds (else None): its page says
    what is known of it (title, date, the archived copy), not a rebuilt page."""
    return (
        Edition.objects.select_related("article")
        .filter(
            article__slug=slug,
            key=key,
            kind=EditionKind.PAST,
            status=EditionStatus.SUPERSEDED,
            frozen_at__isnull=True,
        )
        .exclude(article__status__in=[Status.DRAFT, Status.SCHEDULED])
        .first()
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
    if then["article"].story_id == article.story_id:
        then["article"].story = article.story  # read once, for its timeline and its picture
    epigraphs, body = _quotes_in_flow(
        then["article"].body_html, then["updates"], then["placements"]
    )
    return ArticlePage(
        article=then["article"],
        updates=then["updates"],
        epigraphs=epigraphs,
        body=body,
        related_links=then["related_links"],
        references=then["references"],
        embeds=then["embeds"],
        timeline=_with_story(then["timeline"], article.story),
        timeline_size=len(then["timeline"]),
        tags=list(article.tags.all()),
        categories=list(article.categories.all()),
        editions=list(article.editions.shown().select_related("article")),
        snapshot=edition,
        # The pictures as they were when the edition was frozen (caption, credit, crop).
        images=images.pictures(
            images.ids_on_page(then["article"], then["updates"], then["embeds"]),
            moment=edition.frozen_at,
        ),
    )


def _with_story(entries, story):
    for entry in entries:
        entry.story = story  # formatting needs the story's zone; don't fetch it per entry
    return entries


def _quotes_in_flow(body_html, updates, placements):
    """
    Put each quote where it was placed: (epigraphs, body blocks). Quotes before or after an
    update ride on it (`quotes_before`, `quotes_after`, read by the template); a quote whose
    update is not on the page or whose heading or paragraph is no longer in the body goes to
    the end of the body.
    """
    epigraphs, after_anchor, leftover = [], {}, []
    shown = {update.pk: update for update in updates}
    for update in updates:
        update.quotes_before, update.quotes_after = [], []
    for placement in placements:
        if placement.placement == Placement.TOP:
            epigraphs.append(placement.quote)
        elif placement.placement == Placement.BODY and placement.anchor:
            after_anchor.setdefault(placement.anchor, []).append(placement.quote)
        elif placement.update_id in shown and placement.placement != Placement.BODY:
            update = shown[placement.update_id]
            side = "before" if placement.placement == Placement.BEFORE_UPDATE else "after"
            getattr(update, f"quotes_{side}").append(placement.quote)
        else:
            leftover.append(placement.quote)
    return epigraphs, _body_with_quotes(body_html, after_anchor, leftover)


def _body_with_quotes(html, after_anchor, leftover):
    """Split the body after each heading or paragraph a quote follows."""
    if not after_anchor:
        blocks = [BodyBlock(html)] if html else []
    else:
        blocks, pending = [], ""
        for block in body_anchors.blocks(html):
            pending += block.html
            if block.anchor in after_anchor:
                blocks.append(BodyBlock(pending, after_anchor.pop(block.anchor)))
                pending = ""
        if pending.strip():
            blocks.append(BodyBlock(pending))
        leftover = [q for quotes in after_anchor.values() for q in quotes] + leftover
    if leftover:
        if not blocks:
            blocks.append(BodyBlock(""))
        blocks[-1].quotes.extend(leftover)
    return blocks


# What a story's timeline shows of each entry (templates/timeline/_timeline.html).
