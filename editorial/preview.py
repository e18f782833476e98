"""
Signed, expiring preview links: a draft article (or a prepared edition) for someone
without an account.

The token is the article's id (and the edition's) signed with SECRET_KEY, a salt and the time
it was made; nothing is stored. It stops working PREVIEW_LINK_MAX_AGE seconds later, or for
everyone at once when SECRET_KEY is rotated.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "editorial.preview"
DEFAULT_MAX_AGE = 72 * 60 * 60


def max_age():
    return int(getattr(settings, "PREVIEW_LINK_MAX_AGE", DEFAULT_MAX_AGE))


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock is an input, so tests can make old links."""

    def __init__(self, *, now=None):
        super().__init__(salt=SALT)
        self.now = now

    def timestamp(self):
        if self.now is None:
            return super().timestamp()
        return signing.b62_encode(int(self.now.timestamp()))


def make_token(*, article, edition=None, now=None):
    payload = {"a": article.pk}
    if edition is not None:
        payload["e"] = edition.pk
    return _Signer(now=now).sign_object(payload)


def preview_path(*, article, edition=None, now=None):
    token = make_token(article=article, edition=edition, now=now)
    return reverse("editorial:shared_preview", kwargs={"token": token})


def expires_at(now=None):
    """When a link made `now` stops working."""
    return (now or timezone.now()) + dt.timedelta(seconds=max_age())


def read_token(token):
    """
    What a token was made for: {"a": article id, "e": edition id (optional), "made_at": when}.

    Raises signing.SignatureExpired when it is too old, signing.BadSignature when it was not
    made here (tampered, truncated, another salt or key).
    """
    payload = _Signer().unsign_object(token, max_age=max_age())
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        raise signing.BadSignature("Not a preview token.")
    if not isinstance(payload.get("e", 0), int):
        raise signing.BadSignature("Not a preview token.")
    # A valid token ends "<timestamp>:<signature>".
    stamp = signing.b62_decode(token.rsplit(":", 2)[-2])
    return {**payload, "made_at": dt.datetime.fromtimestamp(stamp, tz=dt.UTC)}
