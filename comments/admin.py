"""
Moderation: approve, mark as spam or delete comments, in bulk or one by one. The changelist
title says how many comments wait, and the status filter counts each status.
"""

from django.contrib import admin, messages
from django.utils.text import Truncator

from comments import services
from comments.models import Comment, CommentStatus
from timeline.admin.common import RefusesStaleSaves
from timeline.admin.forms import TEXT_INPUTS


@admin.register(Comment)
class CommentAdmin(RefusesStaleSaves, admin.ModelAdmin):
    formfield_overrides = TEXT_INPUTS
    list_display = ["excerpt", "name", "on_article", "status", "created_at"]
    list_filter = ["status", "created_at"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["name", "email", "body", "article__title"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["created_at", "ip_hash", "user_agent", "moderated_at", "moderated_by"]
    fields = ["article", "name", "email", "body", "status", *readonly_fields]
    actions = ["approve", "mark_spam", "delete_selected"]
    date_hierarchy = "created_at"

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).words(12)

    @admin.display(description="article", ordering="article__title")
    def on_article(self, comment):
        return Truncator(comment.article.title).words(6)

    def changelist_view(self, request, extra_context=None):
        pending = Comment.objects.pending().count()
        title = f"Comments — {pending} awaiting moderation" if pending else "Comments"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            services.moderate(
                comments=Comment.objects.filter(pk=obj.pk), status=obj.status, user=request.user
            )

    def _moderate(self, request, queryset, status, verb):
        count = services.moderate(comments=queryset, status=status, user=request.user)
        self.message_user(
            request, f"{count} comment{'s' if count != 1 else ''} {verb}.", messages.SUCCESS
        )

    @admin.action(permissions=["change"], description="Approve selected comments")
    def approve(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.APPROVED, "approved")

    @admin.action(permissions=["change"], description="Mark selected comments as spam")
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.SPAM, "marked as spam")
