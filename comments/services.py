"""
Posting and moderating comments, and the per-address rate limit.

The rate limit counts accepted comments per address hash in the cache: RATE_LIMIT in any
RATE_WINDOW seconds from the first of them. The cache only ever slows a flood down; a cache
outage lets comments through (they still wait for moderation), never stops a reader.
"""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.models import Comment, CommentStatus
from httpcache import purge
from notifications import triggers
from timeline.site import surrogate_keys

RATE_LIMIT = 5
RATE_WINDOW = 10 * 60
USER_AGENT_LENGTH = 200


def hash_ip(address):
    """A keyed hash of the address (SECRET_KEY): stable, but useless without the key."""
    return salted_hmac("comments.ip", address or "", algorithm="sha256").hexdigest()


def _rate_key(ip_hash):
    return f"comments:rate:{ip_hash}"


def rate_limited(ip_hash):
    return (cache.get(_rate_key(ip_hash)) or 0) >= RATE_LIMIT


def _count_post(ip_hash):
    key = _rate_key(ip_hash)
    # add() starts the window only if none is running; incr() then counts within it.
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # the window closed between add() and incr()
        cache.set(key, 1, timeout=RATE_WINDOW)


def submit_comment(*, article, name, email, body, ip_hash, user_agent="", now=None):
    """Save a reader's comment, pending moderation, and count it against the address."""
    comment = Comment(
        article=article,
        name=name,
        email=email,
        body=body,
        status=CommentStatus.PENDING,
        created_at=now or timezone.now(),
        ip_hash=ip_hash,
        # Printable characters only: a header may carry bytes no database column should get.
        user_agent="".join(ch for ch in user_agent or "" if ch.isprintable())[:USER_AGENT_LENGTH],
    )
    comment.full_clean()
    comment.save()
    _count_post(ip_hash)
    transaction.on_commit(lambda: triggers.comment_posted(comment))
    return comment


def moderate(*, comments, status, user=None, now=None):
    """Set the status of `comments` (a queryset), stamped with who and when; returns the count."""
    if status not in CommentStatus.values:
        raise ValueError(f"Unknown comment status: {status!r}")
    articles = set(comments.values_list("article_id", flat=True))
    count = comments.update(status=status, moderated_at=now or timezone.now(), moderated_by=user)
    # QuerySet.update() sends no signal: purge the pages of those articles, and only those.
    purge.schedule({surrogate_keys.article(pk) for pk in articles})
    return count
