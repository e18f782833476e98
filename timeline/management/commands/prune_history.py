"""
`manage.py prune_history`: the history growth policy. Removes duplicate revision rows and
nothing else.

A saved form that changed nothing, or a many-to-many update (django-simple-history writes a
row for the save, one when the tags are cleared and one when they are set again), leaves rows
identical to the one before them. Those rows say nothing; this command deletes them.

A historical row is a duplicate, and deleted, only when all of these hold:
- it is a change ("~"), never a creation ("+") or a deletion ("-");
- the row just before it, for the same object, has the same value in every tracked field
  (automatic `auto_now` stamps such as updated_at aside: they only say a save happened) and
  the same set of tags, or other many-to-many links kept in history;
- it was made by the same user as that row;
- it gives no reason of its own, or the same reason as that row.

So every row that records who changed what, when, or why stays: the editorial record, which
frozen edition snapshots, revision comparisons and restores are rebuilt from, is untouched
(a page as it stood at any moment reads the same before and after). Nothing is ever removed
for its age: django-simple-history's clean_old_history, which deletes everything older than
30 days by default, must never be run on this project.

    manage.py prune_history                  # every tracked model
    manage.py prune_history timeline.Update  # one model
    manage.py prune_history --dry-run        # count, delete nothing

It reads each historical table once, in order, and deletes in batches: run it from cron, say
weekly, at any time (rows written meanwhile are seen next time).
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

CHUNK = 5_000
DELETE_BATCH = 1_000


class Command(BaseCommand):
    help = "Delete duplicate consecutive history rows; keep every row that records a change."

    def add_arguments(self, parser):
        parser.add_argument(
            "models", nargs="*", help="app_label.Model to prune (default: every tracked model)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Count only; delete nothing.")

    def handle(self, *args, models=(), dry_run=False, **options):
        total = 0
        for model in tracked_models(models):
            found = prune(model, dry_run=dry_run)
            total += found
            if found or options["verbosity"] > 1:
                verb = "would remove" if dry_run else "removed"
                self.stdout.write(f"{model._meta.label}: {verb} {found:,} duplicate rows")
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {total:,} duplicate history rows in all.")


def tracked_models(labels=()):
    """The models with django-simple-history records, or those named (app_label.Model)."""
    if labels:
        try:
            chosen = [apps.get_model(label) for label in labels]
        except (LookupError, ValueError) as exc:
            raise CommandError(f"Unknown model: {exc}") from exc
    else:
        chosen = apps.get_models()
    found = [m for m in chosen if hasattr(m._meta, "simple_history_manager_attribute")]
    if labels and len(found) != len(chosen):
        untracked = sorted(m._meta.label for m in chosen if m not in found)
        raise CommandError(f"No history is kept for: {', '.join(untracked)}")
    return found


def compared_fields(model):
    """The tracked fields whose values say what the object was (auto_now stamps left out)."""
    history_fields = {field.attname for field in model.history.model._meta.fields}
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname in history_fields and not getattr(field, "auto_now", False)
    ]


def m2m_histories(model):
    """(historical through model, column of the related id) for each m2m field kept in history."""
    history = model.history.model
    found = []
    for field in getattr(history, "_history_m2m_fields", ()):
        through = getattr(history, field.name).model
        related = field.m2m_reverse_field_name()
        found.append((through, through._meta.get_field(related).attname))
    return found


def prune(model, *, dry_run=False):
    """Delete (or count) the duplicate rows of `model`'s history; returns how many."""
    history = model.history.model
    fields = compared_fields(model)
    m2m = m2m_histories(model)
    columns = ["history_id", "id", "history_type", "history_user_id", "history_change_reason"]
    rows = (
        history.objects.order_by("id", "history_date", "history_id")
        .values_list(*columns, *fields)
        .iterator(chunk_size=CHUNK)
    )
    duplicates, previous = [], None
    for chunk in _chunks(rows, CHUNK):
        links = _links(m2m, [row[0] for row in chunk])
        for row in chunk:
            links_of_row = tuple(link.get(row[0], frozenset()) for link in links)
            state = (row[1], row[3], row[5:], links_of_row)
            if previous is not None and _duplicate(previous, row, state):
                duplicates.append(row[0])
            else:
                # A kept row is what the next one is compared with.
                previous = (state, row[4])
    # Deleted once the table has been read: never while a cursor is still walking it.
    return _delete(history, duplicates, dry_run)


def _duplicate(previous, row, state):
    (kept_state, kept_reason), reason = previous, row[4]
    return row[2] == "~" and state == kept_state and (not reason or reason == kept_reason)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _links(m2m, history_ids):
    """For each m2m history table: {history_id: frozenset of related ids} for these rows."""
    found = []
    for through, column in m2m:
        sets = {}
        pairs = through.objects.filter(history_id__in=history_ids).values_list("history_id", column)
        for history_id, related in pairs:
            sets.setdefault(history_id, set()).add(related)
        found.append({key: frozenset(value) for key, value in sets.items()})
    return found


def _delete(history, ids, dry_run):
    if dry_run or not ids:
        return len(ids)
    with transaction.atomic():
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            # The rows' own many-to-many history goes with them (on_delete=CASCADE).
            history.objects.filter(history_id__in=batch).delete()
    return len(ids)
