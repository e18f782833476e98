"""
Public reader pages. Each view parses the request, asks one selector for the data and renders.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.generic import ListView

from timeline import permissions, selectors, structured_data
from timeline.pagination import BoundedPaginator

ARTICLES_PER_PAGE = 20


def article_detail(request, slug):
    """The article; staff also see it unpublished (a preview, with its pending updates)."""
    page = selectors.article_page(slug=slug, preview=permissions.can_preview(request.user))
    context = {
        "page": page,
        "article": page.article,
        "canonical_url": settings.SITE_URL + page.article.get_absolute_url(),
        "structured_data": structured_data.article_graph(page),
    }
    response = render(request, "timeline/article_detail.html", context)
    if page.preview:
        # A staff copy may hold unpublished text: no shared or browser cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
    return response


def edition_detail(request, slug, key):
    """A frozen edition, as it stood when superseded; canonical to the living article."""
    page = selectors.edition_snapshot(slug=slug, key=key)
    context = {
        "page": page,
        "article": page.article,
        "canonical_url": settings.SITE_URL + page.snapshot.article.get_absolute_url(),
        "structured_data": structured_data.article_graph(page),
    }
    return render(request, "timeline/article_detail.html", context)


def story_detail(request, slug):
    story, timeline = selectors.story_page(slug=slug)
    return render(request, "timeline/story_detail.html", {"story": story, "timeline": timeline})


class HomeView(ListView):
    template_name = "timeline/home.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = BoundedPaginator  # no COUNT(*) over every article on each view

    def get_queryset(self):
        return selectors.latest_articles()


class _ArchiveView(ListView):
    """Published articles filed under one subject (a tag or a category), paginated."""

    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = BoundedPaginator
    archive = None  # a selector: (slug=) -> (subject, articles)

    def get_queryset(self):
        self.subject, articles = self.archive(slug=self.kwargs["slug"])
        return articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class TagArchiveView(_ArchiveView):
    template_name = "timeline/tag_archive.html"
    archive = staticmethod(selectors.tag_archive)


class CategoryArchiveView(_ArchiveView):
    template_name = "timeline/category_archive.html"
    archive = staticmethod(selectors.category_archive)
