"""
`manage.py fold_history_noise`: removes the false revisions that admin saves recorded before
line endings were normalised on input.

A browser posts every textarea with \\r\\n line endings, so saving a page once rewrote each
text from \\n to \\r\\n and recorded a "Body changed" revision for the page and each of its
updates. A historical row is noise, and deleted, when:
- it is a change ("~"), never a creation ("+") or a deletion ("-");
- every tracked value (auto_now stamps aside) and every many-to-many set equals the row kept
  just before it for the same object, once \\r\\n and \\r are read as \\n;
- it gives no reason, the admin's default one ("Edited in admin"), or the same reason as that
  row: a reason an editor typed is part of the record and keeps the row.

Unlike prune_history, which keeps a save by another editor, this folds a row whoever made it:
such a row recorded a browser's line endings, not an edit. Running it twice removes nothing
the second time.

    manage.py fold_history_noise             # every tracked model
    manage.py fold_history_noise --dry-run   # count only
"""

from django.core.management.base import BaseCommand

from timeline.management.commands.prune_history import (
    CHUNK,
    _chunks,
    _delete,
    _links,
    compared_fields,
    m2m_histories,
    tracked_models,
)

DEFAULT_REASONS = {"", None, "Edited in admin"}


class Command(BaseCommand):
    help = "Delete history rows that differ from the one before only by line endings."

    def add_arguments(self, parser):
        parser.add_argument(
            "models", nargs="*", help="app_label.Model to fold (default: every tracked model)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Count only; delete nothing.")

    def handle(self, *args, models=(), dry_run=False, **options):
        total = 0
        verb = "would fold" if dry_run else "folded"
        for model in tracked_models(models):
            found = fold(model, dry_run=dry_run)
            total += found
            if found or options["verbosity"] > 1:
                self.stdout.write(f"{model._meta.label}: {verb} {found:,} rows")
        self.stdout.write(f"{verb.capitalize()} {total:,} history rows of noise in all.")


def _same_text(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def fold(model, *, dry_run=False):
    """Delete (or count) the noise rows of `model`'s history; returns how many."""
    history = model.history.model
    fields = compared_fields(model)
    m2m = m2m_histories(model)
    rows = (
        history.objects.order_by("id", "history_date", "history_id")
        .values_list("history_id", "id", "history_type", "history_change_reason", *fields)
        .iterator(chunk_size=CHUNK)
    )
    noise, kept = [], None  # kept: (object id, state, reason) of the last row kept
    for chunk in _chunks(rows, CHUNK):
        links = _links(m2m, [row[0] for row in chunk])
        for history_id, obj_id, kind, reason, *values in chunk:
            state = (
                tuple(map(_same_text, values)),
                tuple(link.get(history_id, frozenset()) for link in links),
            )
            if (
                kept is not None
                and kind == "~"
                and kept[:2] == (obj_id, state)
                and (reason in DEFAULT_REASONS or reason == kept[2])
            ):
                noise.append(history_id)
            else:
                kept = (obj_id, state, reason)
    return _delete(history, noise, dry_run)
