"""
Reader discovery pages: one story's timeline filtered, on this day, the date archives, search.

Thin views, like timeline.views: parse the request, ask a selector (or timeline.search), render.
Bad input never reaches the database as an error: an invalid filter or search renders the form
with its errors (400), an impossible date or page number is a 404, a page past the end is the
last page.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import ArchiveIndexView, MonthArchiveView, YearArchiveView
from django_filters.views import FilterView

from timeline import filters, search, selectors

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
    """Pagination by selectors.get_page_or_404: past the end is the last page, junk is a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = selectors.get_page_or_404(paginator, self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class StoryTimelineView(_PageOr404Mixin, FilterView):
    """One story's timeline, narrowed by date range, precision, key moments, tag and words."""

    filterset_class = filters.TimelineFilter
    template_name = "timeline/timeline_filter.html"
    paginate_by = TIMELINE_PER_PAGE

    def get_queryset(self):
        self.story = selectors.story_for_timeline(slug=self.kwargs["slug"])
        return selectors.timeline_entries(self.story)

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
    if month is None:
        month, day = today.month, today.day
    page = selectors.on_this_day(month=month, day=day, today=today)
    return render(request, "timeline/on_this_day.html", {"page": page})


class _ArticleArchiveMixin(_PageOr404Mixin):
    """Published articles by the date of their first publication, newest first."""

    date_field = "published_at"
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


class ArchiveIndexPageView(ArchiveIndexView):
    """Every month with something published in it, grouped by year: the way into the archive."""

    date_field = "published_at"
    date_list_period = "month"
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
        page=request.GET.get("page"),
    )
    return render(request, "timeline/search.html", {"form": form, "page": page})
