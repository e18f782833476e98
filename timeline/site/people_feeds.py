"""
Feeds of people and of one article: an author's articles, and an article's updates and
editions (the per-article twin of the story feed), RSS at feed/ and Atom at feed/atom/.
"""

from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from timeline.models import Article, Author, Edition, SiteSettings, Update
from timeline.site import surrogate_keys as keys
from timeline.site.feeds import (
    FEED_ITEMS,
    StoryFeed,
    _ArticleFeed,
    _edition_item,
    _update_item,
    absolute,
)
from timeline.site.people import author_articles, author_key


class AuthorFeed(_ArticleFeed):
    url_name = "timeline:author_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def surrogate_keys(self, author):
        return [author_key(author.pk), "feed"]

    def title(self, author):
        return f"{author.name} — {SiteSettings.load().name}"

    def link(self, author):
        return absolute(author.get_absolute_url())

    def about(self, author):
        return author.bio or f"Articles by {author.name}."

    def items(self, author):
        return author_articles(author, limit=FEED_ITEMS)

    def item_author_name(self, article):
        return ", ".join(a.name for a in article.credited_authors.all()) or article.byline or None

    def articles(self, queryset):
        return list(queryset.prefetch_related("tags", "credited_authors")[:FEED_ITEMS])


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    url_name = "timeline:author_feed_atom"


class ArticleUpdatesFeed(StoryFeed):
    """One article's published updates and the editions that went live, newest first."""

    url_name = "timeline:article_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def surrogate_keys(self, article):
        return [keys.article(article.pk)]

    def title(self, article):
        return f"{article.title} — {SiteSettings.load().name}"

    def link(self, article):
        return absolute(article.get_absolute_url())

    def about(self, article):
        return article.summary or f"Every update and edition of “{article.title}”."

    def items(self, article):
        updates = (
            Update.objects.published()
            .filter(article=article)
            .select_related("article")
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )
        editions = (
            Edition.objects.shown()
            .filter(article=article)
            .select_related("article")
            .order_by("-went_live_at", "-pk")[:FEED_ITEMS]
        )
        items = [*map(_update_item, updates), *map(_edition_item, editions)]
        items.sort(key=lambda item: item.published, reverse=True)
        return items[:FEED_ITEMS]


class ArticleUpdatesAtomFeed(ArticleUpdatesFeed):
    feed_type = Atom1Feed
    url_name = "timeline:article_feed_atom"
