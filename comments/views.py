"""
The one reader-facing comment view: post a comment, then Post/Redirect/Get back to the
article's #comments with "awaiting moderation". Errors keep the reader's text on a small page.

The form carries no CSRF token, so the article page is the same for every reader and a CDN may
keep it; the browser's Origin / Sec-Fetch-Site headers prove the post comes from our own page
(newsroom.csrf).
"""

import logging

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from comments import services
from comments.forms import CommentForm
from newsroom.csrf import same_origin_required
from newsroom.middleware import client_ip
from timeline.models import Article

logger = logging.getLogger(__name__)

THANK_YOU = "Thank you — your comment is awaiting moderation."


@same_origin_required
@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    context = {"article": article, "form": form}
    if not article.comments_open:
        return render(request, "comments/post.html", {**context, "closed": True}, status=403)
    if form.caught_a_bot:
        logger.info("comment honeypot filled on %s; dropped", article.slug)
        return _thank_you(request, article)
    ip_hash = services.hash_ip(client_ip(request))
    if services.rate_limited(ip_hash):
        return render(request, "comments/post.html", {**context, "rate_limited": True}, status=429)
    if not form.is_valid():
        return render(request, "comments/post.html", context)
    services.submit_comment(
        article=article,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        body=form.cleaned_data["body"],
        ip_hash=ip_hash,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return _thank_you(request, article)


def _thank_you(request, article):
    messages.success(request, THANK_YOU, extra_tags="comment")
    return redirect(f"{article.get_absolute_url()}#comments")
