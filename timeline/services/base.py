"""The one way a service saves: validated, then stamped for the revision history."""

from timeline.typed_text import clean_text_fields


def save(obj, *, user, reason):
    """Text as typed_text keeps it, full_clean, then save with the history user and reason."""
    clean_text_fields(obj)
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj
