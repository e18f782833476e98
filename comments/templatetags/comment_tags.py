from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from comments.forms import CommentForm
from comments.models import Comment
from timeline.models import Article
from timeline.prepared import ID, Prepared

register = template.Library()


@register.simple_tag
def approved_comments(article):
    """The comments readers see under `article`: approved, oldest first (one query)."""
    comments = _SHOWN_ON(article_id=article.pk)
    for comment in comments:
        comment.article = article
    return comments


# Compiled once per process: this query is on every article page (timeline.prepared).
_SHOWN_ON = Prepared(
    lambda article_id: Comment.objects.shown_on(Article(pk=article_id)), article_id=ID
)


@register.simple_tag
def blank_comment_fields():
    """
    The fields of an empty comment form. They are the same on every article and for every
    reader (the form has no CSRF token, see newsroom.csrf), so each process renders them once:
    form rendering was an eighth of a cold article page. Rendered afresh in DEBUG, where
    templates change under a running server.
    """
    return _render_blank_fields() if not settings.DEBUG else _render_blank_fields.__wrapped__()


@cache
def _render_blank_fields():
    return render_to_string("comments/_fields.html", {"form": CommentForm()})
