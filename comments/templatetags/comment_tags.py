from functools import cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from comments.forms import CommentForm
from comments.models import Comment
from timeline import links
from timeline.models import Article

register = template.Library()


@register.simple_tag
def approved_comments(article):
    """The comments readers see under `article`: approved, oldest first (one query)."""
    comments = list(Comment.objects.shown_on(article))
    for comment in comments:
        comment.article = article  # no query to read it back
    return comments


@register.simple_tag
def blank_comment_form(article):
    """
    The empty comment form of `article`. It is the same on every article but for its action,
    and the same for every reader (it has no CSRF token, see newsroom.csrf), so each process
    renders comments/_form.html once, for a placeholder article, and puts each article's own
    address in: rendering Django forms was an eighth of a cold article page. Rendered afresh in
    DEBUG, where templates change under a running server.
    """
    html, placeholder = _blank_form() if not settings.DEBUG else _blank_form.__wrapped__()
    return mark_safe(html.replace(placeholder, _action(article.slug)))


def _action(slug):
    return f'action="{escape(links.url("comments:post", slug))}"'


@cache
def _blank_form():
    """(the form's HTML, the placeholder article's action in it)."""
    slug = "comment-form-placeholder"
    context = {"form": CommentForm(), "article": Article(slug=slug)}
    return render_to_string("comments/_form.html", context), _action(slug)
