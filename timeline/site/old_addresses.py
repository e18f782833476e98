"""
Readers' old links keep working after a move from WordPress, or a merge of stories: a request
this site answers with 404 is looked up among the addresses the imported posts had there and
those of merged stories, and sent on for good (301) to what now stands in its place.

- a post's address (`/2021/11/13/six-years-ago-the-paris-attacks/`, `/berlin-wall/`, with or
  without its trailing slash) goes to its article, once the article is published;
- WordPress's category, tag and author archives (`/category/history/`, `/tag/paris/`,
  `/author/jdoe/`) go to ours of the same slug, when there is one;
- a story merged into another (services.merge_stories): `/stories/<its slug>/…` goes to the
  same page of the story it joined.

Only 404s of GET and HEAD pay for the look-up (one indexed query); a page of ours always wins
over an old address. Like Django's RedirectFallbackMiddleware, but the addresses come from
the import (ImportedPost.path), not from rows an editor keeps.
"""

import re

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect

from timeline.models import Article, Author, Category, StoryAlias, Tag

# WordPress's archive addresses ("/category/parent/child/": the last slug is the category).
ARCHIVES = {
    "category": Category,
    "tag": Tag,
    "author": Author,
}
ARCHIVE = re.compile(r"^/(category|tag|author)/(?:[^/]+/)*([^/]+)/?$")
# A story merged into another (services.merge_stories): its page, timeline and feeds.
MERGED_STORY = re.compile(r"^/stories/(?P<slug>[^/]+)/(?P<rest>.*)$")
NOT_OURS = ("/admin/", "/static/", "/media/")


def new_address(path: str) -> str | None:
    """Where an old WordPress address now is, or None."""
    if found := ARCHIVE.match(path):
        model = ARCHIVES[found[1]]
        term = model.objects.filter(slug=found[2]).first()
        return term.get_absolute_url() if term else None
    if found := MERGED_STORY.match(path):
        alias = StoryAlias.objects.select_related("story").filter(slug=found["slug"]).first()
        return alias.story.get_absolute_url() + found["rest"] if alias else None
    wanted = path.rstrip("/")
    if not wanted:
        return None
    article = Article.objects.published().filter(imported__path=wanted).only("slug").first()
    return article.get_absolute_url() if article else None


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 404
            or request.method not in ("GET", "HEAD")
            or request.path_info.startswith(NOT_OURS)
        ):
            return response
        try:
            address = new_address(request.path_info)
        except DatabaseError:
            return response  # the 404 stands; the database's trouble is reported elsewhere
        if address is None or address == request.path_info:
            return response
        return HttpResponsePermanentRedirect(address)
