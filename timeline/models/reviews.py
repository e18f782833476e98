"""
Review before publishing: a contributor asks an editor to look at an article or an update.

The review is its own record beside the content, so the publishing rules (Status, the
scheduler, the constraints on status) are untouched: an item under review is still a draft.
Each step (submitted, approved, sent back, withdrawn) is a save with a reason, kept in the
request's history; approving publishes or schedules through timeline.services as always.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from timeline.models.articles import Article, Update


class ReviewState(models.TextChoices):
    OPEN = "open", "Waiting for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Sent back"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReviewRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=ReviewState.OPEN)


class ReviewRequest(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="review_requests"
    )
    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, null=True, blank=True, related_name="review_requests"
    )
    note = models.TextField(blank=True, help_text="What the editor should know.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = ReviewRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="reviewrequest_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False, update__isnull=True)
                | Q(article__isnull=True, update__isnull=False),
                name="reviewrequest_one_subject",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(state="open", article__isnull=False),
                name="reviewrequest_one_open_per_article",
            ),
            models.UniqueConstraint(
                fields=["update"],
                condition=Q(state="open", update__isnull=False),
                name="reviewrequest_one_open_per_update",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="reviewrequest_queue_idx")]

    def __str__(self):
        return f"Review of {self.subject}"

    def get_absolute_url(self):
        return reverse("admin:timeline_reviewrequest_review", args=[self.pk])

    @property
    def subject(self):
        return self.update if self.update_id else self.article

    @property
    def subject_article(self):
        return self.update.article if self.update_id else self.article
