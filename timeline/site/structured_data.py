"""
schema.org JSON-LD for share previews and search engines, built as plain dicts.

`to_json` escapes <, > and & as \\u003C etc. (as django's json_script does), so editor text
such as "</script>" cannot end the <script type="application/ld+json"> block it is put in.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone

from images import renditions
from timeline import links
from timeline.models import SiteSettings

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path):
    return settings.SITE_URL + path


# Our own pictures under static/img/ (the .svg next to each is its source): the share card every
# page uses, as articles have no picture of their own, and the publisher's logo.
SHARE_IMAGE = {
    "path": "img/share-default.png",
    "width": 1200,
    "height": 630,
    "alt": "On This Day: the stories we keep following, updated on every anniversary.",
}
LOGO = {"path": "img/logo.png", "width": 512, "height": 512}


def share_image():
    """The default share picture: absolute url, width, height and alt text."""
    return {**SHARE_IMAGE, "url": absolute_url(static(SHARE_IMAGE["path"]))}


def share_card(page):
    """
    The article page's share picture (og:image, twitter:image, JSON-LD image): the 1200x630
    crop of its lead picture (the article's, else its story's), else the site's card.
    """
    image = page.lead_image
    if image is None or not image.file:
        return share_image()
    try:
        card = renditions.social_card(image)
    except OSError:  # the original is missing from storage: the site's card, not a 500
        return share_image()
    return {
        **card,
        "url": absolute_url(card["url"]) if card["url"].startswith("/") else card["url"],
    }


def image_object(picture):
    return {
        "@type": "ImageObject",
        "url": absolute_url(static(picture["path"])),
        "width": picture["width"],
        "height": picture["height"],
    }


def _card_object(card):
    return {
        "@type": "ImageObject",
        "url": card["url"],
        "width": card["width"],
        "height": card["height"],
    }


def publisher():
    return {
        "@type": "Organization",
        "name": SiteSettings.load().name,
        "url": absolute_url("/"),
        "logo": image_object(LOGO),
    }


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def person(author):
    """A byline's author ({name, url} from timeline.site.people.byline) as a schema.org Person."""
    data = {"@type": "Person", "name": author["name"]}
    if author.get("url"):
        data["url"] = absolute_url(author["url"])
    return data


def news_article(page, *, card=None, byline=None):
    """A NewsArticle for the article page (`selectors.ArticlePage`); `card`: its share_card;
    `byline`: its authors as timeline.site.people.byline gives them."""
    article = page.article
    if byline is None:
        byline = [{"name": name} for name in article.authors]
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": page.description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        # The first publication, however often the article has been re-featured since.
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(page.date_modified),
        # Without a byline the newsroom itself is the author, as search engines want one.
        "author": [person(author) for author in byline]
        or [{"@type": "Organization", "name": SiteSettings.load().name, "url": absolute_url("/")}],
        "publisher": publisher(),
        "image": [_card_object(card or share_card(page))],
        "keywords": [tag.name for tag in page.tags],
        "articleSection": [category.name for category in page.categories],
        "isAccessibleForFree": True,
    }
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def breadcrumbs(page):
    """Home, (first) category, article: the trail as a BreadcrumbList."""
    article = page.article
    trail = [(SiteSettings.load().name, links.url("timeline:home"))]
    if page.categories:  # the first is the section it is filed under first
        first = page.categories[0]
        trail.append((first.name, first.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_graph(page, *, card=None, byline=None):
    return [news_article(page, card=card, byline=byline), breadcrumbs(page)]


def to_json(data):
    """JSON safe to place inside a <script> element (not inside an attribute)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
