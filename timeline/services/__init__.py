"""
Every editorial write: keyword-only, atomic, validated before it is saved.

Each write goes through `save`, which stamps the historical row with who did it and why, so
the revision history is complete whether the change came from the admin, the scheduler, an
import or a script. Time is an input (`now=`) so the scheduler and the tests control it.

Modules by what they write: articles.py (articles, updates, timeline entries), editions.py
(anniversary and manual editions). Callers use the package: `services.publish_article(...)`.
"""

from timeline.services.articles import (
    add_timeline_entry,
    add_update,
    publish_article,
    publish_due_item,
    publish_update,
    schedule_article,
    unpublish_article,
    unpublish_update,
)
from timeline.services.editions import (
    approve_edition,
    cut_manual_edition,
    flag_overdue,
    make_edition_live,
    prepare_anniversary_edition,
)

__all__ = [
    "add_timeline_entry", "add_update", "approve_edition", "cut_manual_edition", "flag_overdue",
    "make_edition_live", "prepare_anniversary_edition", "publish_article", "publish_due_item",
    "publish_update", "schedule_article", "unpublish_article", "unpublish_update",
]  # fmt: skip
