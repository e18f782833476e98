"""
RSS 2.0 and Atom feeds: the site, each tag, each category, and each story.

Every link is absolute on settings.SITE_URL (never the request's Host header), so a feed
fetched through a proxy or a mirror still sends readers to the real site. Item counts are
bounded, and each feed reads a fixed number of queries however much has been published.

Guids are tag URIs (RFC 4151): permanent ids that are not links. An article item's guid names
one *featuring* of the article, so when an anniversary edition puts it back on top, feed
readers show it as a new item; story items name one update or one edition and never change.

RSS <description> and Atom <summary type="html"> are HTML to a feed reader, and the feed writer
only escapes them as XML: plain text (summaries, ledes as text, channel descriptions) is escaped
as HTML first (`as_html`), so markup an editor typed arrives as text, never as markup. Update
bodies are already sanitised HTML (timeline.text) and go in as they are.
"""

import heapq
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from timeline import selectors
from timeline.formatting import update_label
from timeline.models import Article, Edition, EditionKind, SiteSettings, Status, Story, Update
from timeline.site import surrogate_keys as keys
from timeline.text import html_to_text

FEED_ITEMS = 30
_RSS_TITLE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def absolute(path):
    return settings.SITE_URL + path


def tag_uri(moment, specific):
    """tag:host,YYYY-MM-DD:specific, dated by the moment the named thing first existed."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{timezone.localtime(moment):%Y-%m-%d}:{specific}"


def article_description(article):
    """The summary, else the start of the lede, as plain text."""
    if article.summary:
        return article.summary
    return Truncator(html_to_text(article.lede_html)).words(60)


def as_html(text):
    """Plain text for a field the feed declares as HTML: its markup characters escaped."""
    return escape(text)


def house_day(moment):
    return dateformat.format(timezone.localtime(moment), "F j Y")


class _Feed(Feed):
    """Shared by every feed: absolute self links; RSS by default, Atom in the *AtomFeed twins."""

    url_name = None  # the route of this very feed, for its rel="self" link

    def surrogate_keys(self, obj):
        return ["feed"]

    def get_feed(self, obj, request):
        # Every feed's title names the newsroom (the site settings).
        keys.add(request, *self.surrogate_keys(obj), keys.SITE_SETTINGS)
        return super().get_feed(obj, request)

    def feed_url(self, obj):
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return absolute(reverse(self.url_name, kwargs=kwargs))

    def description(self, obj):
        # RSS readers treat the channel's description as HTML: the text goes in escaped.
        return as_html(self.about(obj))

    def subtitle(self, obj):
        # Atom's subtitle is written with no type, so it is text and goes in as it is.
        return self.about(obj)

    def item_title(self, item):
        # Many RSS readers treat <title> as HTML, so RSS titles have their markup characters
        # escaped once more (as Django's default does, minus the quotes, which are harmless in
        # text); Atom's title is declared type="text" and needs no such care.
        title = self.title_of(item)
        return title if self.feed_type is Atom1Feed else title.translate(_RSS_TITLE_ESCAPES)

    item_guid_is_permalink = False


class _ArticleFeed(_Feed):
    """Published articles, most recently (re-)featured first: one item per article."""

    def articles(self, queryset):
        return list(queryset.prefetch_related("tags")[:FEED_ITEMS])

    def title_of(self, article):
        return article.title

    def item_description(self, article):
        return as_html(article_description(article))

    def item_link(self, article):
        return absolute(article.get_absolute_url())

    def item_guid(self, article):
        featured = article.featured_at.astimezone(UTC)
        return tag_uri(featured, f"{article.get_absolute_url()}@{featured:%Y%m%dT%H%M%SZ}")

    def item_pubdate(self, article):
        # The moment this edition of it went out: when it was (re-)featured.
        return article.featured_at

    def item_updateddate(self, article):
        return article.featured_at

    def item_author_name(self, article):
        return article.byline or None

    def item_categories(self, article):
        names = [category["name"] for category in article.category_rows or ()]
        return names + [tag.name for tag in article.tags.all()]


class SiteFeed(_ArticleFeed):
    url_name = "timeline:feed"

    def title(self):
        return SiteSettings.load().name

    def link(self):
        return absolute(reverse("timeline:home"))

    def about(self, obj=None):
        return f"The latest from {SiteSettings.load().name}: the stories we keep following."

    def items(self):
        return self.articles(selectors.latest_articles())


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed
    url_name = "timeline:feed_atom"


class TagFeed(_ArticleFeed):
    url_name = "timeline:tag_feed"
    archive = staticmethod(selectors.tag_archive)
    label = "Tagged"

    def surrogate_keys(self, subject):
        return [keys.tag(subject.pk)]

    def get_object(self, request, slug):
        subject, articles = self.archive(slug=slug)
        subject.feed_articles = articles
        return subject

    def title(self, subject):
        return f"{subject.name} — {SiteSettings.load().name}"

    def link(self, subject):
        return absolute(subject.get_absolute_url())

    def about(self, subject):
        return f"{self.label} {subject.name}: the latest from {SiteSettings.load().name}."

    def items(self, subject):
        return self.articles(subject.feed_articles)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    url_name = "timeline:tag_feed_atom"


class CategoryFeed(TagFeed):
    url_name = "timeline:category_feed"
    archive = staticmethod(selectors.category_archive)
    label = "Filed under"

    def surrogate_keys(self, subject):
        return [keys.category(subject.pk)]


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed
    url_name = "timeline:category_feed_atom"


@dataclass
class StoryItem:
    """One entry of a story's feed: a published update, or an edition that went live."""

    title: str
    link: str
    guid: str
    published: datetime
    description: str
    author: str


def story_items(story, *, limit=None):
    """
    Every published update and every live or superseded edition of the story's published
    articles, newest first, at most `limit` (FEED_ITEMS): three queries however many there are.
    """
    limit = limit or FEED_ITEMS
    updates = (
        Update.objects.published()
        .filter(article__story=story, article__status=Status.PUBLISHED)
        .select_related("article")
        .order_by("-published_at", "-pk")[:limit]
    )
    # The story's articles first (a handful, on the story index); then each one's editions read
    # through their own index (article, went_live_at): no edition or article table scanned.
    articles = {a.pk: a for a in Article.objects.published().filter(story=story)}
    editions = list(
        Edition.objects.shown()
        .filter(article_id__in=articles)
        .order_by("-went_live_at", "-pk")[:limit]
    )
    for edition in editions:
        edition.article = articles[edition.article_id]
    items = heapq.merge(
        (_update_item(u) for u in updates),
        (_edition_item(e) for e in editions),
        key=lambda item: item.published,
        reverse=True,
    )
    return list(itertools.islice(items, limit))


def _update_item(update):
    article = update.article
    path = f"{article.get_absolute_url()}#{update.anchor}"
    return StoryItem(
        title=f"{update_label(update)} ({house_day(update.dated_at)}): "
        f"{update.headline or article.title}",
        link=absolute(path),
        guid=tag_uri(update.published_at, f"{article.get_absolute_url()}update/{update.pk}"),
        published=update.published_at,
        # Sanitised HTML from timeline.text; the feed writer escapes it as XML text.
        description=update.body_html,
        author=article.byline,
    )


def _edition_item(edition):
    article = edition.article
    if edition.kind == EditionKind.ORIGINAL:
        note = f"First published on {house_day(edition.went_live_at)}."
    else:
        note = f"Republished on {house_day(edition.went_live_at)}."
    return StoryItem(
        title=edition.title,
        link=absolute(edition.get_absolute_url()),
        guid=tag_uri(edition.went_live_at, f"{article.get_absolute_url()}editions/{edition.key}"),
        published=edition.went_live_at,
        description=as_html(f"{note} {article_description(article)}"),
        author=article.byline,
    )


class StoryFeed(_Feed):
    url_name = "timeline:story_feed"

    def get_object(self, request, slug):
        # A story is public through its articles, as its page: until one is published, no feed.
        published = Article.objects.published().filter(story=OuterRef("pk"))
        return get_object_or_404(Story.objects.filter(Exists(published)), slug=slug)

    def surrogate_keys(self, story):
        return [keys.story(story.pk), keys.story_articles(story.pk)]

    def title(self, story):
        return f"{story.title} — {SiteSettings.load().name}"

    def link(self, story):
        return absolute(story.get_absolute_url())

    def about(self, story):
        return story.summary or f"Every update and edition about {story.title}."

    def items(self, story):
        return story_items(story)

    def title_of(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_description(self, item):
        return item.description

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.published

    def item_author_name(self, item):
        return item.author or None


class StoryAtomFeed(StoryFeed):
    feed_type = Atom1Feed
    url_name = "timeline:story_feed_atom"
