"""Authors from a free-text byline: what the 0009 migration did for old articles, for new ones."""

import re

from django.db import transaction
from django.utils.text import slugify

from timeline.models import ArticleCredit, Author


def split_byline(byline):
    """ "A, B and C" -> ["A", "B", "C"]; also "&" and a leading "By"."""
    text = re.sub(r"^\s*by\s+", "", byline or "", flags=re.IGNORECASE)
    parts = re.split(r",|\s+and\s+|\s*&\s*", text)
    return [p.strip() for p in parts if p.strip()]


def author_named(name):
    """The author of that name (case aside), created with a free slug if there is none."""
    author = Author.objects.filter(name__iexact=name).order_by("pk").first()
    if author is not None:
        return author
    base = slugify(name)[:130] or "author"
    slug, n = base, 1
    while Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Author.objects.create(name=name, slug=slug)


@transaction.atomic
def credit_byline(article):
    """Credit the byline's names on an article that has no credits yet; returns the authors."""
    if ArticleCredit.objects.filter(article=article).exists():
        return []
    authors = [author_named(name) for name in split_byline(article.byline)]
    ArticleCredit.objects.bulk_create(
        ArticleCredit(article=article, author=author, position=n)
        for n, author in enumerate(dict.fromkeys(authors))
    )
    return authors
