"""
Autosaved drafts of the update an editor is writing: save, offer back, discard.

Time is an input (`now=`), as in timeline.services.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.models import AutosaveDraft

# The new-update form of the article page (timeline.admin.articles.NewUpdateInline, the first
# inline, so Django prefixes its one form "updates-0-"): the fields a draft keeps.
DRAFT_PREFIX = "updates-0-"
DRAFT_FIELDS = ("kind", "dated_at_0", "dated_at_1", "headline", "body")
MAX_DRAFT_CHARS = 500_000


def save_draft(*, user, article, data, now=None):
    """Keep what the user typed (one draft per user and article); empty input removes it."""
    data = {name: data[name] for name in DRAFT_FIELDS if data.get(name)}
    if not (data.get("body") or data.get("headline")):
        discard_draft(user=user, article=article)
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            draft, _ = AutosaveDraft.objects.update_or_create(
                user=user, article=article, defaults={"data": data, "updated_at": now}
            )
    except IntegrityError:
        # Two saves raced to create it: the other one made the row, update it.
        AutosaveDraft.objects.filter(user=user, article=article).update(data=data, updated_at=now)
        draft = AutosaveDraft.objects.get(user=user, article=article)
    return draft


def discard_draft(*, user, article):
    AutosaveDraft.objects.filter(user=user, article=article).delete()


def draft_to_offer(*, user, article):
    """
    The user's unsaved draft for this article, if it holds text not saved since.

    A last autosave can reach the server just after the form that saved the same text (it
    fires when the body loses focus, as the Save button is clicked): such a draft is dropped.
    """
    draft = AutosaveDraft.objects.filter(user=user, article=article).first()
    if draft is None:
        return None
    body = draft.data.get("body", "")
    if body and article.updates.filter(body=body).exists():
        draft.delete()
        return None
    return draft
