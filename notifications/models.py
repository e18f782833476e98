"""
What the newsroom tells its editors: one Notice per (kind, subject, recipient), ever.

That unique constraint is what makes a notice go out once however many app servers run the
scheduler at the same moment: whoever inserts the row sends it; the others hit the constraint
and move on. Each user's NoticePreference says whether notices come one by one or in a daily
digest, and which kinds they no longer want by e-mail (the admin's panel still shows them).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    EDITION_PREPARED = "edition_prepared", "Anniversary edition prepared"
    EDITION_OVERDUE = "edition_overdue", "Edition overdue for approval"
    EDITION_STALE = "edition_stale", "Edition about to go live with no new update"
    SCHEDULE_MISSED = "schedule_missed", "Missed schedule"
    REVIEW_WAITING = "review_waiting", "Waiting for review"
    REVIEW_DECIDED = "review_decided", "Review decided"
    COMMENT_PENDING = "comment_pending", "Comment to moderate"


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(dismissed_at__isnull=True)

    def unsent(self):
        return self.filter(emailed_at__isnull=True)


class Notice(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(
        max_length=120, help_text="What it is about, as a key: edition-12, review-3 …"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where to act on it (a path).")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "recipient"], name="notice_once_per_recipient"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notice_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "dismissed_at", "-created_at"], name="notice_inbox_idx"
            )
        ]

    def __str__(self):
        return self.title


class NoticePreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    digest = models.BooleanField(
        "daily digest", default=False, help_text="One e-mail a day instead of one per notice."
    )
    unsubscribed = models.JSONField(
        default=list, blank=True, help_text="Kinds of notice not sent by e-mail."
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user_id"]

    def __str__(self):
        return f"Notices for {self.user}"

    def wants_email(self, kind):
        return kind not in self.unsubscribed
