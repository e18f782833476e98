"""
Background work, through Django's tasks framework (django.tasks; the TASKS setting chooses the
backend: django-tasks-db's database queue run by `manage.py db_worker`, or immediate).

:func:`import_wordpress` imports an uploaded export (an ImportRun) and keeps the run's progress
up to date, which the admin's "Import from WordPress" page polls.
"""

import os
import shutil
import tempfile

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from comments.imports import import_comments
from timeline.imports import wxr
from timeline.models import ImportRun, ImportRunStatus
from timeline.services import import_pictures, imports


def _local_path(field):
    """A path on this machine for a stored file (copied to a temporary file if it is remote)."""
    try:
        return field.path, False
    except NotImplementedError:
        with field.open("rb") as source, tempfile.NamedTemporaryFile(delete=False) as copy:
            shutil.copyfileobj(source, copy)
        return copy.name, True


@task()
def import_wordpress(run_id):
    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    runs = ImportRun.objects.filter(pk=run_id)
    runs.update(status=ImportRunStatus.RUNNING)

    def progress(totals, total):
        # Its own transaction: the page sees each post counted as it lands.
        with transaction.atomic():
            runs.update(
                total=total, done=totals.read, created=totals.created, updated=totals.updated
            )

    path, temporary = _local_path(run.upload)
    try:
        # Pictures come from the export's own site only (import_pictures), when asked.
        media = import_pictures.Options(fetch=True) if run.fetch_media else None
        totals = imports.import_file(
            path,
            user=run.requested_by,
            on_comments=import_comments,
            progress=progress,
            media=media,
        )
    except wxr.WXRError as exc:
        runs.update(status=ImportRunStatus.FAILED, error=str(exc), finished_at=timezone.now())
        return None
    except Exception as exc:
        message = f"The import stopped: {type(exc).__name__}: {exc}"
        runs.update(status=ImportRunStatus.FAILED, error=message, finished_at=timezone.now())
        raise
    finally:
        if temporary:
            os.unlink(path)
    # Posts left out (each rolled back alone) are named where the editor watches the run.
    error = totals.line() if totals.failed else ""
    runs.update(
        status=ImportRunStatus.DONE,
        error=error,
        summary=totals.line(),
        finished_at=timezone.now(),
    )
    return totals.line()
