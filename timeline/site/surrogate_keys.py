"""
The surrogate keys of the public site: what each page shows, and what each write makes stale.

Pages name keys (httpcache.keys.add, in the views and feeds):

| page                                  | keys                                              |
| ------------------------------------- | ------------------------------------------------- |
| an article, its frozen editions       | article-<id>, story-<id>, timeline-<story id>,    |
|                                       | article-<id> of each related article it names,    |
|                                       | image-<id> of each picture it shows               |
| a story                               | story-<id>, story-articles-<id>, timeline-<id>    |
| a story's timeline filtered           | story-<id>, timeline-<id>                         |
| a story's feed                        | story-<id>, story-articles-<id>                   |
| home                                  | home                                              |
| the site feeds                        | feed                                              |
| a tag / category archive and its feed | tag-<id> / category-<id>                          |
| the date archives                     | archive                                           |
| on this day, 26 April                 | otd, otd-04-26, otd-04                            |
| search results                        | search                                            |
| sitemaps                              | sitemap                                           |
| every page and feed naming the site   | site-settings (added where the settings are read) |

Writes purge (`keys_of_*` below, registered with httpcache.signals in TimelineConfig.ready):
an article or anything shown on its page purges the article; a change that can move it on a
listing (the article itself, an update, an edition) also purges the listings and feeds that
show it: home, feed, archive, sitemap, search, its story's page and feed (story-articles),
its tags, its categories, and the on this day page of its anniversary (and of the update's date).
`story-<id>` is the story's own fields (its title, on every page of its articles): only a
save of the story purges it, so an update to one article leaves its siblings' pages cached.
A picture of the library (images.Image) purges image-<id>, named by every article page that
shows it (lead, placed in the text or an update, a video's poster), and the timelines whose
entries show it: a caption or credit corrected once is corrected on every page.
A timeline entry purges its story's timeline and the on-this-day pages of its date; a comment
only its article. The site settings (name, follow line, handle) purge site-settings: every page
that read them (timeline.site.context_processors names the key when a template does).
"""

from django.utils import timezone

from httpcache import keys as surrogate_keys
from images.models import Image
from timeline.models import (
    Article,
    Category,
    Edition,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    SiteSettings,
    Story,
    Tag,
    TimelineEntry,
    Update,
)

LISTINGS = ("home", "feed", "archive", "sitemap", "search")
SITE_SETTINGS = "site-settings"


def article(pk):
    return f"article-{pk}"


def story(pk):
    return f"story-{pk}"


def story_articles(story_id):
    return f"story-articles-{story_id}"


def timeline(story_id):
    return f"timeline-{story_id}"


def tag(pk):
    return f"tag-{pk}"


def category(pk):
    return f"category-{pk}"


def image(pk):
    return f"image-{pk}"


def on_this_day(month, day=None):
    return f"otd-{month:02d}-{day:02d}" if day else f"otd-{month:02d}"


# ---------------------------------------------------------------------------- pages


def for_article_page(request, page):
    """The article page and the frozen edition pages (selectors.ArticlePage)."""
    shown = page.article
    surrogate_keys.add(request, article(shown.pk))
    if shown.story_id:
        surrogate_keys.add(request, story(shown.story_id), timeline(shown.story_id))
    surrogate_keys.add(
        request, *(article(link.target_id) for link in page.related_links if link.target_id)
    )
    surrogate_keys.add(request, *(image(pk) for pk in page.images))


def for_story(request, story_id):
    surrogate_keys.add(request, story(story_id), story_articles(story_id), timeline(story_id))


def for_on_this_day(request, month, day):
    surrogate_keys.add(request, "otd", on_this_day(month, day), on_this_day(month))


def add(request, *keys):
    surrogate_keys.add(request, *keys)


# ---------------------------------------------------------------------------- writes


def _article_listings(article_id):
    """The article and every listing and feed that can show it."""
    row = Article.objects.filter(pk=article_id).values("story_id", "story__event_date").first()
    if row is None:
        return {article(article_id)}
    keys = {article(article_id), *LISTINGS}
    if row["story_id"]:
        event = row["story__event_date"]
        keys.update({story_articles(row["story_id"]), on_this_day(event.month, event.day)})
    keys.update(
        tag(pk) for pk in Tag.objects.filter(articles=article_id).values_list("pk", flat=True)
    )
    keys.update(
        category(pk)
        for pk in Category.objects.filter(articles=article_id).values_list("pk", flat=True)
    )
    # Pages whose related posts name this article show its title.
    keys.update(
        article(pk)
        for pk in RelatedLink.objects.filter(target_id=article_id).values_list(
            "article_id", flat=True
        )
    )
    return keys


def keys_of_article(instance):
    keys = _article_listings(instance.pk)
    # Values as they are on the instance (the row may not hold them yet, or any more).
    if instance.story_id:
        keys.add(story_articles(instance.story_id))
    return keys


def keys_of_update(instance):
    keys = _article_listings(instance.article_id)
    if instance.dated_at:
        day = timezone.localtime(instance.dated_at)
        keys.add(on_this_day(day.month, day.day))
    return keys


def keys_of_edition(instance):
    return _article_listings(instance.article_id)


def keys_of_article_part(instance):
    """A related link, reference, embed or quote placement: shown on its article only."""
    return {article(instance.article_id)}


def keys_of_quote(instance):
    articles = QuotePlacement.objects.filter(quote_id=instance.pk).values_list(
        "article_id", flat=True
    )
    return {article(pk) for pk in articles} | {"search"}


def keys_of_entry(instance):
    keys = {timeline(instance.story_id), "search"}
    if instance.date_month:
        keys.add(on_this_day(instance.date_month, instance.date_day))
        keys.add(on_this_day(instance.date_month))
    return keys


def keys_of_image(instance):
    stories = TimelineEntry.objects.filter(image_id=instance.pk).values_list("story_id", flat=True)
    return {image(instance.pk)} | {timeline(pk) for pk in stories.distinct()}


def keys_of_story(instance):
    keys = {story(instance.pk), story_articles(instance.pk), timeline(instance.pk), "otd", "search"}
    keys.add("sitemap")
    keys.update(article(pk) for pk in instance.articles.values_list("pk", flat=True))
    return keys


def keys_of_tag(instance):
    keys = {tag(instance.pk), "search", "sitemap"}
    keys.update(article(pk) for pk in instance.articles.values_list("pk", flat=True))
    return keys


def keys_of_category(instance):
    # Its name is on the cards of every listing that shows its articles.
    keys = {category(instance.pk), *LISTINGS}
    keys.update(article(pk) for pk in instance.articles.values_list("pk", flat=True))
    return keys


def keys_of_site_settings(instance):
    return {SITE_SETTINGS}


def keys_of_article_tags(instance, pk_set, reverse):
    """Article.tags changed: from the article's side (reverse=False) or the tag's."""
    if reverse:  # tag.articles.add(...): instance is the tag, pk_set articles
        articles = pk_set if pk_set is not None else instance.articles.values_list("pk", flat=True)
        return {tag(instance.pk)} | {article(pk) for pk in articles}
    tags = pk_set if pk_set is not None else instance.tags.values_list("pk", flat=True)
    return {article(instance.pk), "search"} | {tag(pk) for pk in tags}


def keys_of_article_categories(instance, pk_set, reverse):
    """Article.categories changed: the article, and each category's archive and feed."""
    if reverse:  # category.articles.add(...): instance is the category, pk_set articles
        articles = pk_set if pk_set is not None else instance.articles.values_list("pk", flat=True)
        return {category(instance.pk), *LISTINGS} | {article(pk) for pk in articles}
    chosen = pk_set if pk_set is not None else instance.categories.values_list("pk", flat=True)
    return _article_listings(instance.pk) | {category(pk) for pk in chosen}


def register():
    """Called from TimelineConfig.ready()."""
    from httpcache import signals

    signals.register(Article, keys_of_article)
    signals.register(Update, keys_of_update)
    signals.register(Edition, keys_of_edition)
    for model in (RelatedLink, Reference, Embed, QuotePlacement):
        signals.register(model, keys_of_article_part)
    signals.register(Quote, keys_of_quote)
    signals.register(TimelineEntry, keys_of_entry)
    signals.register(Story, keys_of_story)
    signals.register(Tag, keys_of_tag)
    signals.register(Category, keys_of_category)
    signals.register(Image, keys_of_image)
    signals.register(SiteSettings, keys_of_site_settings)
    signals.register_m2m(Article.tags.through, keys_of_article_tags)
    signals.register_m2m(Article.categories.through, keys_of_article_categories)
