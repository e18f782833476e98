"""
Review before publishing: a contributor submits a draft article or update, an editor approves
it (published now or scheduled, through the usual services) or sends it back with a note.

The request is a record of its own (timeline.models.reviews), so the item keeps its status
rules: it stays a draft until an editor publishes it. Every step is a save of the request with
a reason, so its history reads submitted, approved or sent back, by whom and when; approving
also stamps the item's own history ("Approved after review"). Editors publish their own work
directly: they never need a review. Notices go out after the transaction commits.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import triggers
from timeline import permissions
from timeline.models import Article, ReviewRequest, ReviewState, Status, Update
from timeline.revisions.compare import compare
from timeline.services.articles import (
    publish_article,
    publish_update,
    schedule_article,
)
from timeline.services.base import save as _save


@transaction.atomic
def submit_for_review(*, item, user, note="", now=None):
    """A contributor's draft, sent to the editors' queue; one open request per item."""
    if permissions.can_publish(user):
        raise ValidationError("Editors publish their own work: it needs no review.")
    if not permissions.can_edit(user, item):
        raise PermissionDenied("Only your own drafts can be submitted for review.")
    if item.status != Status.DRAFT:
        raise ValidationError("Only a draft can be submitted for review.")
    request = ReviewRequest(
        article=item if isinstance(item, Article) else None,
        update=item if isinstance(item, Update) else None,
        note=note,
        submitted_by=user,
        submitted_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            _save(request, user=user, reason="Submitted for review")
    except (IntegrityError, ValidationError) as exc:
        if ReviewRequest.objects.waiting().filter(**_subject_filter(item)).exists():
            raise ValidationError("This is already waiting for review.") from exc
        raise
    transaction.on_commit(lambda: triggers.review_submitted(request))
    return request


def _subject_filter(item):
    return {"update": item} if isinstance(item, Update) else {"article": item}


@transaction.atomic
def approve_review(*, request, user, note="", publish_at=None, now=None):
    """Publish the item now, or schedule it (`publish_at`), and close the request."""
    if not permissions.can_publish(user):
        raise PermissionDenied("Only editors approve.")
    request = _open(request)
    now = now or timezone.now()
    item = request.subject
    reason = f"Approved after review: {note}" if note else "Approved after review"
    if isinstance(item, Article):
        if publish_at:
            schedule_article(article=item, publish_at=publish_at, user=user, reason=reason)
        else:
            publish_article(article=item, user=user, now=now, reason=reason)
    elif publish_at:
        item.status, item.publish_at = Status.SCHEDULED, publish_at
        _save(item, user=user, reason=reason)
    else:
        publish_update(update=item, user=user, now=now, reason=reason)
    return _decide(request, ReviewState.APPROVED, user=user, note=note, now=now)


@transaction.atomic
def return_review(*, request, user, note, now=None):
    """Send the item back to its author with a note; it stays a draft."""
    if not permissions.can_publish(user):
        raise PermissionDenied("Only editors send work back.")
    if not note.strip():
        raise ValidationError({"decision_note": "Say what needs doing."})
    return _decide(_open(request), ReviewState.RETURNED, user=user, note=note, now=now)


def _open(request):
    request = ReviewRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ReviewState.OPEN:
        raise ValidationError(f"This request was already {request.get_state_display().lower()}.")
    return request


def _decide(request, state, *, user, note, now):
    request.state = state
    request.decided_by = user
    request.decided_at = now or timezone.now()
    request.decision_note = note
    verb = "Approved" if state == ReviewState.APPROVED else "Sent back"
    _save(request, user=user, reason=f"{verb}: {note}" if note else verb)
    transaction.on_commit(lambda: triggers.review_decided(request))
    return request


def live_comparison(request):
    """
    The item's page as live readers see it against the page with the submitted work: from
    the last moment the item was published (or just before it existed), to now.
    """
    item = request.subject
    rows = item.history.order_by("-history_date", "-history_id")
    live = rows.filter(status=Status.PUBLISHED).values_list("history_date", flat=True).first()
    if live is None:
        first = rows.order_by("history_date").values_list("history_date", flat=True).first()
        live = (first or timezone.now()) - dt.timedelta(microseconds=1)
    return compare(request.subject_article, live, None)
