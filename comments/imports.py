"""Approved reader comments of an imported WordPress post (timeline.services.imports calls this).

Only what the export's reader keeps arrives here: approved reader comments, never spam, trash,
pending ones or pingbacks, and never the commenter's e-mail (the column stays empty). A comment
already imported (same name, text and time on the article) is not added twice. Comment bodies
are plain text on our pages: WordPress's HTML is reduced to its text.
"""

from django.utils import timezone

from comments.models import Comment, CommentStatus
from timeline.text import text_with_breaks


def import_comments(article, comments):
    """Add the approved comments not yet on `article`; returns how many were added."""
    # Compared with their spacing aside: imported before, a comment's lines ran together.
    have = {
        (name, " ".join(body.split()), created)
        for name, body, created in article.comments.values_list("name", "body", "created_at")
    }
    added = []
    for found in comments:
        name = (found.author or "Anonymous")[:80]
        body = text_with_breaks(found.text)  # paragraphs and line breaks kept, tags dropped
        created = found.date or article.published_at or timezone.now()
        key = (name, " ".join(body.split()), created)
        if key in have or not body.strip():
            continue
        have.add(key)
        added.append(
            Comment(
                article=article,
                name=name,
                email="",
                body=body,
                status=CommentStatus.APPROVED,
                created_at=created,
                moderated_at=created,
            )
        )
    Comment.objects.bulk_create(added)
    return len(added)
