"""
Every editorial write: keyword-only, atomic, validated before it is saved.

Each write goes through `save`, which stamps the historical row with who did it and why, so
the revision history is complete whether the change came from the admin, the scheduler, an
import or a script. Time is an input (`now=`) so the scheduler and the tests control it.

Modules by what they write: articles.py (articles, updates, timeline entries), editions.py
(anniversary and manual editions), editing.py (what an editor changed on an admin form),
restores.py (a page restored to a moment, deleted content recovered), content.py (content that
arrives whole, as an import does: dated when it was written, editions replayed). Callers use
the package: `services.publish_article(...)`.
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
from timeline.services.content import (
    add_embed,
    add_reference,
    add_related_link,
    create_article,
    create_category,
    create_quote,
    create_story,
    create_tag,
    create_timeline_entry,
    create_update,
    place_quote,
    replay_anniversary_edition,
    replay_original_edition,
    save_changes,
    set_categories,
    set_tags,
)
from timeline.services.editing import save_edited
from timeline.services.editions import (
    approve_edition,
    cut_manual_edition,
    flag_overdue,
    make_edition_live,
    prepare_anniversary_edition,
)
from timeline.services.restores import RestoreReport, recover, restore
from timeline.services.stories import merge_stories

__all__ = [
    "RestoreReport", "add_embed", "add_reference", "add_related_link", "add_timeline_entry",
    "add_update", "approve_edition", "create_article", "create_category", "create_quote",
    "create_story", "create_tag", "create_timeline_entry", "create_update", "cut_manual_edition",
    "flag_overdue", "make_edition_live", "merge_stories", "place_quote",
    "prepare_anniversary_edition", "publish_article", "publish_due_item", "publish_update",
    "recover",
    "replay_anniversary_edition", "replay_original_edition", "restore", "save_changes",
    "save_edited",
    "schedule_article", "set_categories", "set_tags", "unpublish_article", "unpublish_update",
]  # fmt: skip
