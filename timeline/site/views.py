"""
Public reader pages: the article, its frozen editions, a story, archives by tag, category and date,
a story's timeline filtered, on this day, search.

Thin views: parse the request, ask one selector (or timeline.search), render. Bad input never
reaches the database as an error: an invalid filter or search renders the form with its errors
(400), an impossible date or page number is a 404, a page past the end is the last page.
"""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import ArchiveIndexView, ListView, MonthArchiveView, YearArchiveView
from django_filters.views import FilterView

from timeline import permissions, search, selectors
from timeline.site import filters, people, structured_data
from timeline.site import surrogate_keys as keys
from timeline.site.pagination import BoundedPaginator, get_page_or_404, page_number

ARTICLES_PER_PAGE = 20


def article_context(page, canonical=None):
    """What templates/timeline/article_detail.html draws an article page (or an edition's)
    from; `canonical`: the address search engines are pointed to (the article's own)."""
    card = structured_data.share_card(page)
    byline = people.byline(page.article, page.credits)
    return {
        "page": page,
        "article": page.article,
        "byline": byline,
        "poll_seconds": people.poll_seconds(),
        "canonical_url": settings.SITE_URL + (canonical or page.article.get_absolute_url()),
        "structured_data": structured_data.article_graph(page, card=card, byline=byline),
        "share_image": card,
    }


def article_detail(request, slug):
    """The article; staff also see it unpublished (a preview, with its pending updates)."""
    page = selectors.article_page(slug=slug, preview=permissions.can_preview(request.user))
    response = render(request, "timeline/article_detail.html", article_context(page))
    keys.for_article_page(request, page)
    if page.preview:
        # A staff copy may hold unpublished text: no shared or browser cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
    return response


def edition_detail(request, slug, key):
    """A frozen edition, as it stood when superseded; canonical to the living article."""
    if record := selectors.past_edition(slug=slug, key=key):
        context = {
            "edition": record,
            "article": record.article,
            "editions": record.article.editions.shown(),
            "canonical_url": settings.SITE_URL + record.article.get_absolute_url(),
        }
        keys.add(request, keys.article(record.article_id))
        return render(request, "timeline/edition_record.html", context)
    page = selectors.edition_snapshot(slug=slug, key=key)
    keys.for_article_page(request, page)
    canonical = page.snapshot.article.get_absolute_url()  # the living article, as it is now
    return render(request, "timeline/article_detail.html", article_context(page, canonical))


def story_detail(request, slug):
    story, timeline = selectors.story_page(slug=slug)
    keys.for_story(request, story.pk)
    return render(request, "timeline/story_detail.html", {"story": story, "timeline": timeline})


class SurrogateKeysMixin:
    """A generic view whose page names `surrogate_keys` (see timeline.site.surrogate_keys)."""

    surrogate_keys = ()

    def get_surrogate_keys(self):
        return self.surrogate_keys

    def render_to_response(self, context, **kwargs):
        keys.add(self.request, *self.get_surrogate_keys())
        return super().render_to_response(context, **kwargs)


class HomeView(SurrogateKeysMixin, ListView):
    template_name = "timeline/home.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE
    paginator_class = BoundedPaginator  # no COUNT(*) over every article on each view
    surrogate_keys = ("home",)

    def get_queryset(self):
        return selectors.latest_articles()


class _ArchiveView(SurrogateKeysMixin, ListView):
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

    def get_surrogate_keys(self):
        return [keys.tag(self.subject.pk)]


class CategoryArchiveView(_ArchiveView):
    template_name = "timeline/category_archive.html"
    archive = staticmethod(selectors.category_archive)

    def get_surrogate_keys(self):
        return [keys.category(self.subject.pk)]


TIMELINE_PER_PAGE = 25
ARCHIVE_PER_PAGE = 20
# Date arithmetic in the archives needs a year before and after the one shown.
ARCHIVE_YEARS = range(1000, 9999)


class MonthDayConverter:
    """One or two digits in a URL, always written back as two: /on-this-day/04-26/."""

    regex = "[0-9]{1,2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


def local_today():
    """Today's date in the newsroom's zone (settings.TIME_ZONE). Tests replace it."""
    return timezone.localdate()


class _PageOr404Mixin:
    """Pagination by get_page_or_404: past the end is the last page, junk is a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = get_page_or_404(paginator, self.request.GET.get(self.page_kwarg))
        page.object_list = list(page.object_list)  # read once, however often the page looks
        return paginator, page, page.object_list, page.has_other_pages()


class StoryTimelineView(SurrogateKeysMixin, _PageOr404Mixin, FilterView):
    """One story's timeline, narrowed by date range, precision, key moments, tag and words."""

    filterset_class = filters.TimelineFilter
    template_name = "timeline/timeline_filter.html"
    paginate_by = TIMELINE_PER_PAGE

    def get_queryset(self):
        self.story = selectors.story_for_timeline(slug=self.kwargs["slug"])
        return selectors.timeline_entries(self.story)

    def get_surrogate_keys(self):
        return [keys.story(self.story.pk), keys.timeline(self.story.pk)]

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        return {**kwargs, "story": self.story}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = selectors.with_story(context["object_list"], self.story)
        return {**context, "story": self.story, "entries": entries}

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


def on_this_day(request, month=None, day=None):
    """What happened on a calendar date (today's, in the newsroom's zone, by default)."""
    today = local_today()
    dated = month is not None
    if not dated:
        month, day = today.month, today.day
    page = selectors.on_this_day(month=month, day=day, today=today)
    keys.for_on_this_day(request, month, day)
    response = render(request, "timeline/on_this_day.html", {"page": page})
    if not dated:
        # Today's page becomes another day's at midnight: no cache may keep it past then.
        patch_cache_control(response, public=True, max_age=0, s_maxage=_seconds_to_midnight())
    return response


def _seconds_to_midnight():
    now = timezone.localtime()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


class _ArticleArchiveMixin(SurrogateKeysMixin, _PageOr404Mixin):
    """Published articles by the date of their first publication, newest first."""

    date_field = "published_at"
    surrogate_keys = ("archive",)
    context_object_name = "articles"
    paginate_by = ARCHIVE_PER_PAGE
    allow_empty = False  # an empty year or month is a 404, and prev/next links skip them
    month_format = "%m"

    def get_queryset(self):
        return selectors.archive_articles()

    def get(self, request, *args, **kwargs):
        if kwargs["year"] not in ARCHIVE_YEARS:
            raise Http404("No archive for that year.")
        return super().get(request, *args, **kwargs)


class ArchiveYearView(_ArticleArchiveMixin, YearArchiveView):
    template_name = "timeline/archive_year.html"
    make_object_list = True


class ArchiveMonthView(_ArticleArchiveMixin, MonthArchiveView):
    template_name = "timeline/archive_month.html"


class ArchiveIndexPageView(SurrogateKeysMixin, ArchiveIndexView):
    """Every month with something published in it, grouped by year: the way into the archive."""

    date_field = "published_at"
    date_list_period = "month"
    surrogate_keys = ("archive",)
    allow_empty = True
    template_name = "timeline/archive_index.html"

    def get_queryset(self):
        return selectors.archive_articles()


def search_page(request):
    """Search results with their facets; invalid input is shown back with its error (400)."""
    form = search.SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "timeline/search.html", {"form": form}, status=400)
    data = form.cleaned_data
    page = search.search(
        query=data["q"],
        kind=data["type"],
        tag=data["tag"],
        year=data["year"],
        page=page_number(request.GET.get("page")),
    )
    keys.add(request, "search")
    return render(request, "timeline/search.html", {"form": form, "page": page})
