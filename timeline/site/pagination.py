"""
Pagination that stays cheap however many rows match.

Django's Paginator counts every matching row (SELECT COUNT(*) over, say, all 100,000
published articles) on every page view, and deep pages make the database skip OFFSET rows.
BoundedPaginator counts no further than MAX_PAGES pages and offers no page beyond them, so
both costs have a ceiling. Readers go further back through the date archives (/archive/).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property

MAX_PAGES = 50


class BoundedPaginator(Paginator):
    max_pages = MAX_PAGES

    @cached_property
    def count(self):
        """Matching rows, but counted only up to max_pages full pages (a LIMIT subquery)."""
        limit = self.per_page * self.max_pages
        if hasattr(self.object_list, "count") and hasattr(self.object_list, "query"):
            return self.object_list[:limit].count()
        return min(len(self.object_list), limit)

    def page(self, number):
        """The page with its rows read once, however often the template and the view look."""
        page = super().page(number)
        page.object_list = list(page.object_list)
        return page

    @property
    def capped(self):
        """True when there may be more rows than the pages offered."""
        return self.count >= self.per_page * self.max_pages


def get_page_or_404(paginator, number):
    """
    The page `number` of `paginator`: missing is the first page, past the end is the last one
    (a bookmarked filter may match fewer entries today), anything else but digits is a 404.
    """
    return paginator.get_page(page_number(number))


def page_number(value):
    """A page number as typed in a URL: missing is 1; anything but digits from 1 up is a 404."""
    value = value or 1
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise Http404("Page numbers are whole numbers.") from None
    if value < 1:
        raise Http404("Page numbers start at 1.")
    return value
