"""
Pagination that stays cheap however many rows match.

Django's Paginator counts every matching row (SELECT COUNT(*) over, say, all 100,000
published articles) on every page view, and deep pages make the database skip OFFSET rows.
BoundedPaginator counts no further than MAX_PAGES pages and offers no page beyond them, so
both costs have a ceiling. Readers go further back through the date archives (/archive/).
"""

from django.core.paginator import Paginator
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

    @property
    def capped(self):
        """True when there may be more rows than the pages offered."""
        return self.count >= self.per_page * self.max_pages
