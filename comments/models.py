"""
Readers' comments on articles. Nothing is shown before an editor approves it.

No revision history is kept on purpose: a comment holds a reader's personal data (name,
e-mail), and deleting it (or a spam run) must really delete it. Who moderated a comment, and
when, is kept on the row. The reader's address is never stored: only a keyed hash of it, which
is enough to rate-limit and to spot a flood from one address.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from timeline.models import Article


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def shown_on(self, article):
        """What readers see under the article: approved comments, oldest first."""
        return self.approved().filter(article=article).order_by("created_at", "pk")


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254, help_text="Never shown to readers.")
    body = models.TextField("comment")
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ip_hash = models.CharField(
        "address hash",
        max_length=64,
        blank=True,
        editable=False,
        help_text="A keyed hash of the poster's address; the address itself is never stored.",
    )
    user_agent = models.CharField(max_length=200, blank=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_status_idx"
            ),
            models.Index(fields=["status", "-created_at"], name="comment_moderation_idx"),
        ]

    def __str__(self):
        return f"{self.name}: {Truncator(self.body).words(8)}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"
