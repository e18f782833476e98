"""
A story's timeline, and the version of it a cached fragment is keyed by: the story's timeline
is the heaviest part of an article page (500 entries on an average story at newsroom scale),
rendered once per version (templates/timeline/_timeline.html) and reused by every page that
shows it.
"""

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from timeline.models import TimelineEntry

TIMELINE_FIELDS = [
    *("id", "story", "date", "date_label", "date_lower", "text_html", "is_key_moment"),
    *("reference_url", "reference_title", "image"),
    # An entry's picture rides along with it (select_related): what the partial prints.
    *(f"image__{name}" for name in ("file", "width", "height", "alt_text", "is_decorative")),
    *(f"image__{name}" for name in ("caption", "credit", "copyright", "focal_x", "focal_y")),
]


def story_timeline(story, *, until=None):
    """
    The story's timeline in date order (optionally only up to `until`), lazily: one query when
    read, each entry knowing its story without another.
    """
    if story is None:
        return TimelineEntry.objects.none()
    entries = story.timeline_entries.chronological().select_related("image").only(*TIMELINE_FIELDS)
    if until is not None:
        entries = entries.filter(date_lower__lte=until)
    return entries


def timeline_version_of(story_ref):
    """
    Annotations (timeline_size, timeline_changed) for a query of stories (story_ref="pk") or
    of rows with a story (story_ref="story_id"): how many entries the story has and when one
    last changed. Both change with every save, addition or removal of an entry (an index,
    timelineentry_changed_idx, answers both), so together they name the version of what
    the timeline shows, read with the page's own query: a cached timeline is never stale, in
    any process, without any invalidation message.
    """
    entries = TimelineEntry.objects.filter(story_id=OuterRef(story_ref)).order_by().values("story")
    return {
        "timeline_size": Subquery(entries.annotate(n=Count("pk")).values("n")),
        # A picture's correction (caption, credit, crop) is a change of the timeline showing it.
        "timeline_changed": Subquery(
            entries.annotate(
                last=Max(Greatest("updated_at", Coalesce("image__updated_at", F("updated_at"))))
            ).values("last")
        ),
    }


def timeline_version(story):
    """
    The key of the story's timeline fragment besides its id and end date (see
    timeline_version_of): the zone its dates are shown in is part of what it shows.
    """
    if story is None or not getattr(story, "timeline_size", 0):
        return ""
    style = "house" if settings.HOUSE_STYLE_DATES else "written"
    changed = story.timeline_changed.isoformat()
    return f"{story.timeline_size}-{changed}-{story.time_zone}-{style}"
