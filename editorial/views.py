"""
Editor endpoints (autosave, Markdown preview) and the preview pages.

The JSON endpoints answer JSON, errors included: 403 without the right, 400 for input they
cannot use. They are CSRF-protected like any POST (the script sends the form's token).
"""

import json

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from editorial import preview, services
from timeline import permissions, selectors
from timeline.models import Article, Edition, EditionStatus
from timeline.site import structured_data
from timeline.text import render_markdown

MAX_MARKDOWN_CHARS = 2_000_000


class BadInput(ValueError):
    pass


def _json_body(request):
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput("Send a JSON object.") from exc
    if not isinstance(data, dict):
        raise BadInput("Send a JSON object.")
    return data


def _error(message, status):
    return JsonResponse({"error": message}, status=status)


def _is_editor_account(user):
    return user.is_authenticated and user.is_active and user.is_staff


@require_POST
def markdown_preview(request):
    """The text as readers would get it: timeline.text's sanitised Markdown."""
    if not _is_editor_account(request.user):
        return _error("Sign in to the admin first.", 403)
    try:
        text = _json_body(request).get("text", "")
        if not isinstance(text, str) or len(text) > MAX_MARKDOWN_CHARS:
            raise BadInput("Send the text as a string of at most 2 million characters.")
    except BadInput as exc:
        return _error(str(exc), 400)
    return JsonResponse({"html": render_markdown(text)})


@require_http_methods(["POST", "DELETE"])
def autosave(request, article_id):
    """POST {"fields": {...}} keeps the new update being written; DELETE discards it."""
    if not _is_editor_account(request.user):
        return _error("Sign in to the admin first.", 403)
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return _error("No such article.", 404)
    if not permissions.can_edit(request.user, article):
        return _error("You cannot edit this article.", 403)
    if request.method == "DELETE":
        services.discard_draft(user=request.user, article=article)
        return JsonResponse({"saved": False})
    try:
        fields = _json_body(request).get("fields")
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            raise BadInput('Send the form\'s fields as {"fields": {name: text}}.')
        if sum(map(len, fields.values())) > services.MAX_DRAFT_CHARS:
            raise BadInput("This draft is too long to keep.")
    except BadInput as exc:
        return _error(str(exc), 400)
    draft = services.save_draft(user=request.user, article=article, data=fields)
    if draft is None:
        return JsonResponse({"saved": False})
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse(
        {"saved": True, "saved_at": saved_at.isoformat(), "saved_at_display": f"{saved_at:%H:%M}"}
    )


def _render_preview(request, *, article, edition=None, shared_until=None, status=200):
    page = selectors.article_page(slug=article.slug, preview=True)
    if edition is not None:
        # What the article will look like once this edition goes live: its title.
        page.article.title = edition.title
    context = {
        "page": page,
        "article": page.article,
        "canonical_url": settings.SITE_URL + page.article.get_absolute_url(),
        "structured_data": structured_data.article_graph(page),
        "preview_edition": edition,
        "shared_until": shared_until,
    }
    response = render(request, "editorial/preview.html", context, status=status)
    return _private(response)


def _private(response):
    """Unpublished text: no cache may keep it, no search engine index it, no referrer leak it."""
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def shared_preview(request, token):
    """The page behind a signed preview link; 410 once it has expired, 404 if not ours."""
    try:
        ids = preview.read_token(token)
    except signing.SignatureExpired:
        return _private(render(request, "editorial/preview_expired.html", status=410))
    except signing.BadSignature:
        return _private(render(request, "editorial/preview_invalid.html", status=404))
    article = Article.objects.filter(pk=ids["a"]).first()
    edition = None
    if article is not None and "e" in ids:
        edition = Edition.objects.filter(pk=ids["e"], article=article).first()
    if article is None or ("e" in ids and edition is None):
        # Deleted since the link was made.
        return _private(render(request, "editorial/preview_invalid.html", status=404))
    return _render_preview(
        request, article=article, edition=edition, shared_until=preview.expires_at(ids["made_at"])
    )


@require_GET
@staff_member_required
def edition_preview(request, pk):
    """Staff: a prepared edition as it will go live (its title on the article's page)."""
    if not permissions.can_preview(request.user):
        raise PermissionDenied
    edition = get_object_or_404(Edition.objects.select_related("article"), pk=pk)
    if edition.status not in (EditionStatus.PREPARED, EditionStatus.OVERDUE):
        raise Http404("This edition is not waiting to go live.")
    return _render_preview(request, article=edition.article, edition=edition)
