"""What an editor changed on a form, saved: the admin's one way to write a content row."""

from timeline import permissions
from timeline.models import Article, Status, Update
from timeline.services import articles


def save_edited(obj, *, status_changed, user, reason):
    """
    Save what an editor changed on a form, stamped with who and why.

    When the editor moved the status, the service that owns that move saves the object: it
    fills what the rule needs (published_at, featured_at, publish_at) and validates.
    """
    permissions.check_may_save(user, obj)
    obj._history_user = user
    obj._change_reason = reason
    if status_changed:
        match obj, obj.status:
            case Article(), Status.PUBLISHED:
                return articles.publish_article(article=obj, user=user, reason=reason)
            case Article(), Status.DRAFT:
                return articles.unpublish_article(article=obj, user=user, reason=reason)
            case Article(), Status.SCHEDULED:
                return articles.schedule_article(
                    article=obj, publish_at=obj.publish_at, user=user, reason=reason
                )
            case Update(), Status.PUBLISHED:
                return articles.publish_update(update=obj, user=user, reason=reason)
            case Update(), Status.DRAFT:
                return articles.unpublish_update(update=obj, user=user, reason=reason)
    obj.save()
    return obj
