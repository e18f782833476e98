"""
What tells editors, and when. Each function sends its notices through `services.notify`,
whose unique (kind, subject, recipient) keeps them to one each, so the scheduler may look again
on every run, on every server.

| notice            | trigger                                                            |
| ----------------- | ------------------------------------------------------------------ |
| edition_prepared  | run_schedule finds an anniversary edition prepared, not approved   |
| edition_overdue   | run_schedule finds an edition past its time, awaiting approval     |
| edition_stale     | an edition goes live within STALE_HORIZON with no update since the |
|                   | last one (schedule.no_update_since_last_edition)                   |
| schedule_missed   | a scheduled item still unpublished MISSED_AFTER past its time, or  |
|                   | a run_schedule action that failed                                  |
| review_waiting    | a contributor submits an article or update for review              |
| review_decided    | an editor approves or sends back a contributor's request (to them) |
| comment_pending   | a reader posts a comment (it waits for moderation)                 |
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from timeline.editions.schedule import no_update_since_last_edition
from timeline.models import Article, Edition, EditionKind, EditionStatus, Update

STALE_HORIZON = dt.timedelta(days=2)
MISSED_AFTER = dt.timedelta(minutes=10)
ADD_UPDATE = "Add this year\N{RIGHT SINGLE QUOTATION MARK}s update"


def _site():
    return settings.SITE_URL


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


def after_schedule_run(report):
    """Called by run_schedule once its run is done (not on a dry run)."""
    now = report.now
    waiting = (
        Edition.objects.filter(went_live_at__isnull=True)
        .exclude(status=EditionStatus.SUPERSEDED)
        .select_related("article")
        .order_by("go_live_at", "pk")
    )
    for edition in waiting:
        article = edition.article
        approve = reverse("admin:timeline_edition_upcoming")
        add_update = reverse("admin:timeline_article_change", args=[article.pk]) + "#updates-group"
        if edition.kind == EditionKind.ANNIVERSARY and edition.approved_at is None:
            kind = (
                Kind.EDITION_OVERDUE
                if edition.status == EditionStatus.OVERDUE
                else Kind.EDITION_PREPARED
            )
            verb = "is overdue" if kind == Kind.EDITION_OVERDUE else "is prepared"
            notify(
                kind=kind,
                subject=f"edition-{edition.pk}",
                title=f"“{edition.title}” {verb}: it goes live {_local(edition.go_live_at)}",
                body=f"Approve it: {_site()}{approve}\n{ADD_UPDATE}: {_site()}{add_update}",
                url=approve,
                now=now,
            )
        if edition.go_live_at <= now + STALE_HORIZON and no_update_since_last_edition(edition):
            notify(
                kind=Kind.EDITION_STALE,
                subject=f"edition-{edition.pk}",
                title=f"“{edition.title}” goes live {_local(edition.go_live_at)} with no update "
                "since the last edition",
                body=f"{ADD_UPDATE}: {_site()}{add_update}",
                url=add_update,
                now=now,
            )
    for model in (Article, Update):
        for obj in model.objects.due(now - MISSED_AFTER).order_by("publish_at", "pk"):
            name = model._meta.model_name
            notify(
                kind=Kind.SCHEDULE_MISSED,
                subject=f"{name}-{obj.pk}-{obj.publish_at:%Y%m%d%H%M}",
                title=f"Missed schedule: {name} “{obj}” was due {_local(obj.publish_at)}",
                url=reverse(f"admin:timeline_{name}_change", args=[obj.pk]),
                now=now,
            )
    for failure in report.failures:
        digest = hashlib.sha256(f"{now:%Y%m%d}{failure}".encode()).hexdigest()[:24]
        notify(
            kind=Kind.SCHEDULE_MISSED,
            subject=f"failure-{digest}",
            title=f"run_schedule could not do it: {failure}"[:300],
            url=reverse("admin:timeline_edition_upcoming"),
            now=now,
        )


def review_submitted(request):
    item = request.subject
    who = request.submitted_by.get_full_name() or request.submitted_by.get_username()
    notify(
        kind=Kind.REVIEW_WAITING,
        subject=f"review-{request.pk}",
        title=f"{who} asks for a review of “{item}”",
        body=request.note,
        url=request.get_absolute_url(),
    )


def review_decided(request):
    notify(
        kind=Kind.REVIEW_DECIDED,
        subject=f"review-{request.pk}-{request.state}",
        title=f"Your “{request.subject}” was {request.get_state_display().lower()}",
        body=request.decision_note,
        url=reverse(
            f"admin:timeline_{request.subject._meta.model_name}_change",
            args=[request.subject.pk],
        ),
        recipients=[request.submitted_by],
    )


def comment_posted(comment):
    notify(
        kind=Kind.COMMENT_PENDING,
        subject=f"comment-{comment.pk}",
        title=f"New comment to moderate on “{comment.article}” from {comment.name}",
        body=comment.body[:500],
        url=reverse("admin:comments_comment_change", args=[comment.pk]),
    )
