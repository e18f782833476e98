"""
Pasted related posts matched to articles of this site: by address (this site's article URL,
or the WordPress address an imported post came from), then by slug or title. A match is linked
whatever its status (shown once it is published); an address that matches nothing is kept as an
external link with the text written beside it; a title alone that matches nothing (or several
articles) is marked for the editor to fix.
"""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models.functions import Lower
from django.urls import Resolver404, resolve

from timeline.imports import lines
from timeline.models import Article, ImportedPost, RelatedLink

_URL_LENGTH = RelatedLink._meta.get_field("url").max_length
_LABEL_LENGTH = RelatedLink._meta.get_field("label").max_length


@dataclasses.dataclass(frozen=True)
class Related:
    """A line read and matched: `target` an article of this site, else `href` outside it."""

    text: str
    target: Article | None = None
    href: str = ""

    @property
    def label(self):
        """The text as written, unless it only repeats the target's title (which may change)."""
        if self.target is not None and self.text.casefold() == self.target.title.casefold():
            return ""
        return (self.text or self.href)[:_LABEL_LENGTH]

    @property
    def shown(self):
        """What the article page will show for it."""
        return self.label or self.target.title


def link_key(url):
    """An address as the import records a post's (ImportedPost.link): no scheme, www or slash."""
    return url.split("://", 1)[-1].rstrip("/").removeprefix("www.")


def site_slug(url):
    """The slug of an article address of this site (SITE_URL's host), else None."""
    parts = urlsplit(url)
    ours = urlsplit(settings.SITE_URL).netloc.removeprefix("www.")
    if parts.netloc.removeprefix("www.") != ours:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == "timeline:article" else None


def rows(text, article):
    """Each line of `text` as {"ok", "row"}: a Related, or an UnreadLine saying what to fix."""
    parsed = lines.parse_related_list(text)
    read = [line for line in parsed if isinstance(line, lines.RelatedLine)]
    found = _Articles(read)
    return [_row(line, found, article) for line in parsed]


class _Articles:
    """The articles the lines may name, read in three queries whatever the number of lines."""

    def __init__(self, read):
        slugs = {site_slug(line.url) for line in read if line.url} - {None}
        slugs |= {line.text for line in read if line.text and " " not in line.text}
        keys = {link_key(line.url) for line in read if line.url}
        titles = {line.text.casefold() for line in read if line.text}
        self.by_slug = {a.slug: a for a in Article.objects.filter(slug__in=slugs)}
        imported = ImportedPost.objects.filter(link__in=keys).select_related("article")
        self.by_link = {post.link: post.article for post in imported}
        self.by_title = {}
        named = Article.objects.annotate(folded=Lower("title")).filter(folded__in=titles)
        for found in named.order_by("pk"):
            self.by_title.setdefault(found.title.casefold(), []).append(found)

    def at(self, url):
        return self.by_slug.get(site_slug(url)) or self.by_link.get(link_key(url))

    def named(self, text):
        return self.by_title.get(text.casefold(), []) or (
            [self.by_slug[text]] if text in self.by_slug else []
        )


def _row(line, found, article):
    if isinstance(line, lines.UnreadLine):
        return {"ok": False, "row": line}
    written = " ".join(filter(None, [line.text, line.url]))
    if line.url:
        target = found.at(line.url)
        if target is None:
            if not _valid_url(line.url):
                return _unread(written, "The address is not a valid web address.")
            related = Related(text=line.text, href=line.url)
            return {"ok": True, "row": related}
    else:
        named = found.named(line.text)
        if len(named) > 1:
            return _unread(written, "Several articles have this title: paste its address.")
        if not named:
            return _unread(written, "No article of this site has this title: add its address.")
        target = named[0]
    if target.pk == article.pk:
        return _unread(written, "This is the article itself.")
    return {"ok": True, "row": Related(text=line.text, target=target)}


def _unread(text, reason):
    return {"ok": False, "row": lines.UnreadLine(text, reason)}


def _valid_url(url):
    if len(url) > _URL_LENGTH:
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True
