"""
Public pages about people and about what is new: an author's page (their published articles),
the byline of an article, and the small JSON an open article page polls for new updates.

Surrogate keys: an author's page names author-<id> and "feed" (purged by every save that can
move a listing) and the article-<id> of each article it lists; updates.json names its article,
so publishing an update purges it along with the page (keys_of_update).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from httpcache import keys as surrogate_keys
from timeline import selectors
from timeline.models import Article, ArticleCredit, Author, Status, Update, UpdateCredit
from timeline.site import surrogate_keys as keys

AUTHOR_ARTICLES = 50
# How many of the newest updates updates.json lists (a returning reader's "new" marks).
RECENT_UPDATES = 20


def author_key(pk):
    return f"author-{pk}"


def author_articles(author, limit=AUTHOR_ARTICLES):
    articles = Article.objects.published().filter(credits__author=author).latest_first()
    return list(selectors.with_category_names(articles)[:limit])


def byline(article, credits=None):
    """
    [{name, url}] in credit order; an article without credits falls back to its byline.
    `credits`: the article's, read with it (ArticlePage.credits), else one query.
    """
    if credits is None:
        credits = ArticleCredit.objects.filter(article=article).select_related("author")
    people = [
        {"name": c.author.name, "url": c.author.get_absolute_url(), "author": c.author}
        for c in credits
    ]
    return people or [{"name": name, "url": "", "author": None} for name in article.authors]


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author_articles(author)
    surrogate_keys.add(
        request, author_key(author.pk), "feed", *(keys.article(a.pk) for a in articles)
    )
    return render(request, "timeline/author_detail.html", {"author": author, "articles": articles})


def article_updates(request, slug):
    """
    The newest published updates of a published article, newest first: what an open page
    compares with what it shows. Small and public, cached like the page and purged with it.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    updates = (
        Update.objects.published()
        .filter(article=article)
        .order_by("-published_at", "-pk")
        .values("anchor", "published_at")[:RECENT_UPDATES]
    )
    data = {
        "count": Update.objects.filter(article=article, status=Status.PUBLISHED).count(),
        "updates": [
            {"anchor": u["anchor"], "published_at": timezone.localtime(u["published_at"])}
            for u in updates
        ],
    }
    response = JsonResponse(data)
    surrogate_keys.add(request, keys.article(article.pk))
    patch_cache_control(response, public=True, max_age=poll_seconds())
    return response


def poll_seconds():
    return getattr(settings, "NEW_UPDATES_POLL_SECONDS", 30)


def keys_of_author(instance):
    """The author's page and feed, and the bylines of the articles they are credited on."""
    articles = ArticleCredit.objects.filter(author_id=instance.pk).values_list(
        "article_id", flat=True
    )
    return {author_key(instance.pk)} | {keys.article(pk) for pk in articles}


def keys_of_article_credit(instance):
    return {author_key(instance.author_id), keys.article(instance.article_id)}


def keys_of_update_credit(instance):
    article_id = Update.objects.filter(pk=instance.update_id).values_list("article_id", flat=True)
    return {author_key(instance.author_id)} | {keys.article(pk) for pk in article_id}


def register():
    """Called from TimelineConfig.ready(), next to timeline.site.surrogate_keys.register()."""
    from httpcache import signals

    signals.register(Author, keys_of_author)
    signals.register(ArticleCredit, keys_of_article_credit)
    signals.register(UpdateCredit, keys_of_update_credit)
