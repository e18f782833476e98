from django import template

from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()


@register.simple_tag
def approved_comments(article):
    """The comments readers see under `article`: approved, oldest first (one query)."""
    return list(Comment.objects.shown_on(article))


@register.simple_tag
def comment_form():
    return CommentForm()
