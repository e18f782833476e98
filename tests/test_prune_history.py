"""
prune_history: duplicate history rows go, every row that records who changed what, when or why
stays, and the pages rebuilt from history read the same afterwards.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import make_article, make_story, make_tag, make_user
from timeline.models import Article, Story
from timeline.revisions import history

pytestmark = pytest.mark.django_db


def prune(*args):
    out = io.StringIO()
    call_command("prune_history", *args, stdout=out)
    return out.getvalue()


def rows(obj):
    """(type, user id, reason) of the object's historical rows, oldest first."""
    return list(
        obj.history.order_by("history_date", "history_id").values_list(
            "history_type", "history_user_id", "history_change_reason"
        )
    )


def save(obj, *, user=None, reason=None, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def test_a_save_that_changed_nothing_is_removed():
    editor = make_user()
    article = make_article(title="One")
    save(article, user=editor, title="Two")
    save(article, user=editor)  # nothing changed, not even the reason: a duplicate
    save(article, user=editor)
    assert len(rows(article)) == 4
    assert "removed 2 duplicate rows" in prune("timeline.Article")
    assert [row[0] for row in rows(article)] == ["+", "~"]


def test_the_editorial_record_is_kept():
    """A different editor, a reason of its own, a creation: each says something; all stay."""
    ann, bob = make_user(), make_user()
    article = make_article()
    save(article, user=ann, title="Edited")
    save(article, user=bob)  # Bob saved it too: who looked at it is part of the record
    save(article, user=bob, reason="Fact-checked")  # nothing changed, but a reason
    save(article, user=bob, reason="Fact-checked")  # the same reason again: a duplicate
    before = rows(article)
    prune()
    assert rows(article) == before[:-1]


def test_a_deletion_is_never_removed():
    story = make_story()
    story_id = story.pk
    story.delete()
    prune()
    kept = Story.history.filter(id=story_id).order_by("history_date", "history_id")
    assert list(kept.values_list("history_type", flat=True)) == ["+", "-"]


def test_tag_changes_are_compared_too():
    article = make_article()
    tag = make_tag()
    article.tags.add(tag)  # a "~" row: the tags changed
    article.tags.set([tag])  # no change, no new row (set() saw nothing to do)
    save(article)  # nothing changed: a duplicate of the row with the tag
    prune()
    kept = article.history.order_by("history_date", "history_id")
    assert [row.history_type for row in kept] == ["+", "~"]
    assert [t.tag_id for t in kept.last().tags.all()] == [tag.pk]


def test_the_page_as_it_stood_at_any_moment_reads_the_same_after_pruning():
    editor = make_user()
    article = make_article(title="First")
    moments = [timezone.now()]
    for title in ("First", "Second", "Second", "Third"):
        save(article, user=editor, title=title)
        moments.append(timezone.now())

    def titles():
        return [history.page_as_of(article, moment)["article"].title for moment in moments]

    before = titles()
    prune()
    assert titles() == before


def test_a_dry_run_only_counts():
    article = make_article()
    save(article)
    assert "Would remove 1 duplicate history rows in all." in prune("--dry-run")
    assert len(rows(article)) == 2


def test_an_unknown_or_untracked_model_is_refused():
    with pytest.raises(CommandError, match="Unknown model"):
        prune("timeline.Nothing")
    with pytest.raises(CommandError, match="No history is kept"):
        prune("auth.Group")


def test_rows_of_every_tracked_model_are_pruned():
    story = make_story()
    save(story)
    article = make_article(story=story)
    save(article)
    prune()
    assert Story.history.filter(id=story.pk).count() == 1
    assert Article.history.filter(id=article.pk).count() == 1
