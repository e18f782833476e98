"""
Whole-page revisions: the history of an article and of everything on its page, read, compared
and protected as one.

django-simple-history keeps one history table per model, so out of the box an article's history
says nothing of its updates, quotes or timeline. Here it is merged from every table that feeds
the page (one query per table), and any two points of it can be compared field by field and
child by child. Restoring a page to a point and recovering deleted content are editorial
writes: timeline.services.restores.

- history.py: a page (or a story with its timeline) as it stood at a moment, and the frozen
  page an edition snapshot shows;
- kinds.py: the models that feed a page (Kind, KINDS), the pages revised whole (Subject), and
  how their objects and fields read to editors (Labels, label, display);
- changes.py: the merged history (changes_of, describe, find_change);
- compare.py: two states of a page compared (compare, word_diff);
- deleted.py: what was deleted lately and can be recovered (recently_deleted, last_known);
- conflicts.py: no lost edits, a form's signed version (version_of, check_version);
- presence.py: who else has a change form open;
- admin.py: the admin views of all of the above (the only module here that knows the admin).
"""

from timeline.revisions.changes import Change, changes_of, describe, find_change
from timeline.revisions.compare import (
    ChildChange,
    Comparison,
    FieldChange,
    PartChanges,
    compare,
    word_diff,
)
from timeline.revisions.conflicts import BadVersion, Conflict, check_version, version_of
from timeline.revisions.deleted import (
    RECENTLY_DELETED_DAYS,
    RECOVERABLE,
    Deleted,
    describe_deleted,
    last_known,
    recently_deleted,
)
from timeline.revisions.kinds import KINDS, PER_PAGE, Kind, Labels, Subject, subject_of

__all__ = [
    "KINDS", "PER_PAGE", "RECENTLY_DELETED_DAYS", "RECOVERABLE", "BadVersion", "Change",
    "ChildChange", "Comparison", "Conflict", "Deleted", "FieldChange", "Kind", "Labels",
    "PartChanges", "Subject", "changes_of", "check_version", "compare", "describe",
    "describe_deleted", "find_change", "last_known", "recently_deleted", "subject_of",
    "version_of", "word_diff",
]  # fmt: skip
