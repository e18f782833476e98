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
    """The fields of an empty comment form (rendered once per process, see below)."""
    return _once(_render_blank_fields)


@register.simple_tag
def blank_comment_form(article):
    """
    The empty comment form of `article`. It is the same on every article but for its action,
    and the same for every reader (it has no CSRF token, see newsroom.csrf), so each process
    renders comments/_form.html once, with a placeholder action, and puts each article's own
    address in: rendering Django forms was an eighth of a cold article page.
    """
    html = _once(_render_blank_form)
    return mark_safe(html.replace(_PLACEHOLDER, f'action="{escape(_action(article.slug))}"'))


_PLACEHOLDER_SLUG = "comment-form-placeholder"
_PLACEHOLDER = 'action="\ue000comment-form-action\ue000"'


def _action(slug):
    return links.url("comments:post", slug)


def _once(render):
    """Rendered once per process; afresh in DEBUG, where templates change under the server."""
    return render() if not settings.DEBUG else render.__wrapped__()


@cache
def _render_blank_fields():
    return render_to_string("comments/_fields.html", {"form": CommentForm()})


@cache
def _render_blank_form():
    article = Article(slug=_PLACEHOLDER_SLUG)
    html = render_to_string("comments/_form.html", {"form": None, "article": article})
    return html.replace(f'action="{escape(_action(_PLACEHOLDER_SLUG))}"', _PLACEHOLDER)
