from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()


@register.simple_tag
def approved_comments(article):
    """The comments readers see under `article`: approved, oldest first (one query)."""
    return list(Comment.objects.shown_on(article))


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
