"""Authors, with the articles they are credited on (in byline order)."""

from django.contrib import admin

from timeline.admin.common import HistoryAdmin
from timeline.models import ArticleCredit, Author


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["article", "position"]


@admin.register(Author)
class AuthorAdmin(HistoryAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["photo", "user"]
    inlines = [ArticleCreditInline]
