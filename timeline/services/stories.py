"""
Stories that turn out to be one: merged into the story an editor keeps.

A newsroom's archive often holds the same event twice (a story started again each year, posts
imported before they were joined, two editors' starts). Merging keeps one story: the others'
articles become its articles, their timeline lines join its timeline (a line it has already,
the same date and words, is not repeated), their imported posts point at it, and they are
deleted; their addresses are kept as aliases, so readers' links and search engines are sent
on to the story kept. Every row changed or deleted has a history row saying so.
"""

from django.db import transaction

from timeline.models import ImportedPost, Story, StoryAlias
from timeline.services.content import save_changes


def entry_key(edtf: str, text: str) -> tuple:
    """A timeline line told twice is one entry: the same date, the same words (spacing and case
    aside)."""
    return (edtf, " ".join(text.split()).casefold())


@transaction.atomic
def merge_stories(*, into: Story, others, user=None) -> dict:
    """
    Fold each story of `others` into `into` (see the module doc). Returns how many articles
    and timeline entries moved and how many entries were repeats, dropped.
    """
    reason = f"Merged into “{into.title}”"[:100]
    done = {"stories": 0, "articles": 0, "entries": 0, "repeats": 0}
    told = {entry_key(e.date, e.text) for e in into.timeline_entries.only("date", "text")}
    for other in Story.objects.filter(pk__in=[s.pk for s in others]).exclude(pk=into.pk):
        for article in other.articles.order_by("pk"):
            save_changes(obj=article, values={"story": into}, user=user, reason=reason)
            done["articles"] += 1
        for entry in other.timeline_entries.order_by("pk"):
            key = entry_key(entry.date, entry.text)
            if key in told:
                entry._history_user, entry._change_reason = user, reason
                entry.delete()
                done["repeats"] += 1
                continue
            told.add(key)
            save_changes(obj=entry, values={"story": into}, user=user, reason=reason)
            done["entries"] += 1
        ImportedPost.objects.filter(story=other).update(story=into)
        StoryAlias.objects.filter(story=other).update(story=into)  # merged before: follow on
        StoryAlias.objects.update_or_create(slug=other.slug, defaults={"story": into})
        other._history_user, other._change_reason = user, reason
        other.delete()
        done["stories"] += 1
    return done
