"""
A WordPress export imported batch by batch (:func:`timeline.services.imports.import_file`).

The file is read once to check it (a bad file changes nothing), then again, BATCH posts at a
time. For each batch one query finds the posts imported before: an unchanged one (same digest)
is skipped, a changed one is updated in its own transaction (``update``, the per-post path),
and the new ones are built (:mod:`.import_rows`: structure recovered, rows planned, Markdown
rendered) and written together (:mod:`.import_batch`). At the end, related links are pointed
at posts imported after the post that links to them.

Building is the CPU-bound half and needs no database, so for a large file it runs in a second
process while the previous batch is written: a batch is written only after the one before it,
in file order, so what is written is the same either way.
"""

import dataclasses
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor

from django.core.exceptions import ValidationError
from django.db.models import Q

from timeline.imports import pictures, wxr
from timeline.imports import plan as plan_module
from timeline.models import ImportedPost, Story
from timeline.services import import_batch, import_pictures, import_rows

BATCH = 200  # new posts per transaction
PARALLEL_FROM = 2 * BATCH  # posts in the file: below, building in this process is as quick


@dataclasses.dataclass
class Totals:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list = dataclasses.field(default_factory=list)  # (slug, why), not imported
    pictures: str = ""  # import_pictures.Library.line(), when pictures were asked for

    def line(self) -> str:
        line = (
            f"{self.read} posts read: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )
        if self.failed:
            why = "; ".join(f"{slug}: {error}" for slug, error in self.failed)
            line += f" {len(self.failed)} not imported ({why})."
        if self.pictures:
            line += f" {self.pictures}"
        return line


def check_file(path, *, only=frozenset()) -> int:
    """Read the whole export without writing; the number of posts to import (WXRError if bad)."""
    return sum(1 for item in wxr.read(path) if not only or item.slug in only)


def build_all(items, story_defaults, placements=pictures.NONE):
    """Each new post's rows, or why it cannot be imported (what full_clean would say)."""
    found = []
    for item in items:
        try:
            found.append(
                import_rows.build(item, story_defaults=story_defaults, placements=placements)
            )
        except ValidationError as exc:
            found.append((item.slug or str(item.wp_id), "; ".join(exc.messages)))
    return found


@dataclasses.dataclass
class _Batch:
    items: list
    digests: dict  # (site, wp_id) -> digest of the posts imported before
    built: Future | None = None

    @property
    def keys(self):
        return {(item.site, item.wp_id) for item in self.items}


def import_file(
    path,
    *,
    update,
    user=None,
    only=frozenset(),
    on_comments=None,
    progress=None,
    parallel=None,
    media=None,
) -> Totals:
    """See the module doc. `parallel`: build in a second process (default: for large files).
    `media` (import_pictures.Options): the pictures are brought into the library first."""
    total = check_file(path, only=only)
    library = import_pictures.bring(path, media, user=user, only=only) if media else None
    placements = library.placements() if library else pictures.NONE
    if parallel is None:  # not from a threaded process: a fork copies one thread only
        parallel = (
            total >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
        )
    totals = Totals(pictures=library.line() if library else "")
    story_defaults = {"time_zone": Story._meta.get_field("time_zone").get_default()}
    # fork: the builder inherits the settings as they are (tests change some); it never
    # touches the database connection it inherits, and exits without closing it.
    pool = (
        ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) if parallel else None
    )

    def start(items):
        batch = _Batch(items, _digests(items))
        new = [item for item in items if (item.site, item.wp_id) not in batch.digests]
        if pool:
            batch.built = pool.submit(build_all, new, story_defaults, placements)
        else:
            batch.built = Future()
            batch.built.set_result(build_all(new, story_defaults, placements))
        return batch

    def finish(batch):
        _write(batch, totals, update=update, user=user, on_comments=on_comments,
               placements=placements)  # fmt: skip
        if progress:
            progress(totals, total)

    pending = None
    try:
        for items in _batches(path, only):
            if pending and not items_apart(items, pending):
                finish(pending)  # the same post again: it must find the first one written
                pending = None
            batch = start(items)
            if pending:
                finish(pending)
            pending = batch
        if pending:
            finish(pending)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    import_batch.link_imported_targets(user=user)
    return totals


def items_apart(items, batch):
    return not ({(item.site, item.wp_id) for item in items} & batch.keys)


def _batches(path, only):
    """The file's posts, BATCH at a time; a post that appears twice starts a new batch."""
    batch, keys = [], set()
    for item in wxr.read(path):
        if only and item.slug not in only:
            continue
        if (item.site, item.wp_id) in keys or len(batch) >= BATCH:
            yield batch
            batch, keys = [], set()
        keys.add((item.site, item.wp_id))
        batch.append(item)
    if batch:
        yield batch


def _digests(items):
    match = Q(pk__in=[])
    for site in {item.site for item in items}:
        match |= Q(site=site, wp_id__in=[item.wp_id for item in items if item.site == site])
    rows = ImportedPost.objects.filter(match).values_list("site", "wp_id", "digest")
    return {(site, wp_id): digest for site, wp_id, digest in rows}


def _write(batch, totals, *, update, user, on_comments, placements=pictures.NONE):
    """The batch's posts imported before first (each its own transaction), then the new ones."""
    for item in batch.items:
        key = (item.site, item.wp_id)
        if key not in batch.digests:
            continue
        if batch.digests[key] == plan_module.digest(item, placements):
            totals.unchanged += 1
        else:
            done = update(item, user=user, on_comments=on_comments, placements=placements)
            totals.updated += done == "updated"
    totals.read += len(batch.items)
    new = []
    for built in batch.built.result():
        if isinstance(built, tuple):
            totals.failed.append(built)
        else:
            new.append(built)
    story_defaults = {"time_zone": Story._meta.get_field("time_zone").get_default()}

    def rebuild(post):
        return import_rows.build(post.item, story_defaults=story_defaults, placements=placements)

    written, failed = import_batch.write(new, rebuild=rebuild, user=user, on_comments=on_comments)
    totals.created += len(written)
    totals.failed += failed
