"""
Purge on every committed write, whoever makes it (the admin, a service, run_schedule, a
restore, an import, a shell): apps register, per model, the surrogate keys a row of it makes
stale (``register(Model, keys_of)``), and the keys of the row as it was and as it is now go to
httpcache.purge.schedule(), delivered once the transaction commits. Cache invalidation, not
domain logic: the receivers do nothing else. Writes that bypass signals (QuerySet.update,
bulk_create, raw SQL) purge themselves (purge.schedule or purge.purge_everything).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from httpcache import purge

_KEYS_OF = {}
_M2M = {}


def register(model, keys_of):
    """`keys_of(instance)` -> the keys of every page that shows `instance`."""
    _KEYS_OF[model] = keys_of
    uid = f"httpcache:{model._meta.label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre_save")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post_save")
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}:pre_delete")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")


def register_m2m(through, keys_of_change):
    """`keys_of_change(instance, pk_set, reverse)` for rows added to or removed from `through`."""
    _M2M[through] = keys_of_change
    m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"httpcache:{through}")


def keys_of(instances):
    """The keys of every page that shows these rows: for writes that bypass the signals."""
    keys = set()
    for instance in instances:
        keys_of_row = _KEYS_OF.get(type(instance))
        if keys_of_row is not None:
            keys |= keys_of_row(instance)
    return keys


def _schedule(keys, using):
    if keys:
        purge.schedule(keys, using=using)


# Keys worked out before a write are kept on the instance and scheduled after it, with the new
# ones: outside a transaction on_commit runs at once, and a purge sent before the write would
# let a reader's request put the old page back in the cache.
STASH = "_httpcache_keys_before"


def _before_save(sender, instance, raw=False, using=None, **kwargs):
    # The page the row was on before (an update moved to another date, an entry to another
    # story) is stale too: read the row as stored, once, before it changes.
    if raw or instance._state.adding or not purge.enabled():
        return
    old = sender._base_manager.using(using).filter(pk=instance.pk).first()
    if old is not None:
        setattr(instance, STASH, _KEYS_OF[sender](old))


def _after_save(sender, instance, raw=False, using=None, **kwargs):
    if not raw and purge.enabled():
        keys = _KEYS_OF[sender](instance) | instance.__dict__.pop(STASH, set())
        _schedule(keys, using)


def _before_delete(sender, instance, using=None, **kwargs):
    # Before: the rows a delete cascades to (tags, an article's story) are still there to read.
    if purge.enabled():
        setattr(instance, STASH, _KEYS_OF[sender](instance))


def _after_delete(sender, instance, using=None, **kwargs):
    _schedule(instance.__dict__.pop(STASH, set()), using)


def _relations_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if not purge.enabled():
        return
    if action == "pre_clear":  # what is about to be cleared can only be read now
        setattr(instance, STASH, _M2M[sender](instance, None, reverse))
    elif action == "post_clear":
        _schedule(instance.__dict__.pop(STASH, set()), using)
    elif action in ("post_add", "post_remove"):
        _schedule(_M2M[sender](instance, pk_set, reverse), using)
