"""
Who may do what with the newsroom's content: the role rules, as plain functions.

Model permissions (granted through the Editor and Contributor groups, see editorial.roles) say
which kinds of object a user may touch at all. The functions here add what depends on the
object itself: whose it is, and whether it is public. The admin asks them on every view,
action, inline and save (editorial.admin_mixins); nothing else decides.

- Publishing is one permission, `editorial.publish`: publish, schedule, unpublish, approve and
  cut editions. Editors have it; superusers have every permission.
- Without it (a Contributor) a user edits and deletes only their own drafts: articles and
  updates whose first history row is theirs and whose status is still "draft". Everything on
  an article's page (quotes placed, related posts, references, embeds) follows the article.
- Models without a status (stories, timeline entries, quotes, tags, categories) follow the
  model permissions alone; the Contributor group may only view them.
"""

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery

from timeline.models import (
    Article,
    Edition,
    Embed,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Update,
)

PUBLISH = "editorial.publish"
# Objects that are part of one article's page: whoever may edit the article may edit them.
ARTICLE_PARTS = (QuotePlacement, RelatedLink, Reference, Embed)
# Objects with their own draft/scheduled/published status.
PUBLISHABLE = (Article, Update)
# Set by with_creator() on querysets, or by created_by_id() on first use.
CREATOR = "editorial_creator_id"
_UNKNOWN = object()


def can_publish(user):
    """Publish, schedule and unpublish; approve, prepare and cut editions."""
    return user.is_active and user.has_perm(PUBLISH)


def can_preview(user):
    """
    See unpublished articles and updates on their public URL (with a banner).

    Every admin account may: contributors already read every draft in the admin.
    """
    return user.is_active and user.is_staff


def allowed_statuses(user):
    return list(Status.values) if can_publish(user) else [Status.DRAFT]


def has_model_perm(user, obj_or_model, action):
    opts = obj_or_model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def created_by_id(obj):
    """Who created the object: the user of its first history row (None if nobody known)."""
    cached = obj.__dict__.get(CREATOR, _UNKNOWN)
    if cached is _UNKNOWN:
        first = _history_of(type(obj), obj.pk).values_list("history_user_id", flat=True)[:1]
        cached = next(iter(first), None)
        setattr(obj, CREATOR, cached)
    return cached


def with_creator(queryset):
    """Annotate each row with its creator, so a list of objects costs no query per row."""
    if queryset.model not in PUBLISHABLE:
        return queryset
    return queryset.annotate(**{CREATOR: _creator_subquery(queryset.model)})


def _history_of(model, pk):
    rows = model.history.model.objects.filter(**{model._meta.pk.attname: pk})
    return rows.order_by("history_date", "history_id")


def _creator_subquery(model):
    return Subquery(_history_of(model, OuterRef("pk")).values("history_user_id")[:1])


def is_own_draft(user, obj):
    return obj.pk is not None and obj.status == Status.DRAFT and created_by_id(obj) == user.pk


def can_edit(user, obj):
    """Change this object (for an article: also everything placed on its page)."""
    return _may(user, obj, "change")


def can_delete(user, obj):
    """Delete this object. Published work is only ever deleted by an editor."""
    return _may(user, obj, "delete")


def _may(user, obj, action):
    """The one rule behind editing and deleting; `action` names the model permission."""
    if not has_model_perm(user, obj, action):
        return False
    if isinstance(obj, ARTICLE_PARTS):
        return obj.article_id is None or can_edit(user, obj.article)
    if can_publish(user):
        return True
    if isinstance(obj, PUBLISHABLE):
        return is_own_draft(user, obj)
    # An edition is a publication decision; everything else is left to model permissions.
    return not isinstance(obj, Edition)


def check_may_save(user, obj):
    """
    The last word before an admin save: without publish rights nothing leaves "draft".

    Forms already hide the status from such users; this refuses whatever reaches a save by
    another road (a crafted POST, reverting to a published version in the history view).
    """
    status = getattr(obj, "status", None)
    if isinstance(obj, PUBLISHABLE) and status != Status.DRAFT and not can_publish(user):
        raise PermissionDenied("Only editors can publish or schedule.")


def can_restore(user):
    """
    Restore a page to an earlier revision, or recover something deleted.

    A restore brings back statuses and removes what was added since (published updates
    included), so it is a publishing decision: editors only.
    """
    return can_publish(user)
