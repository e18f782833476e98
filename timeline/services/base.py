"""The one way a service saves: validated, then stamped for the revision history."""


def save(obj, *, user, reason):
    """full_clean, then save with the history row's user and change reason."""
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj
