"""
Sending notices: `notify` records one per recipient and e-mails it after the transaction
commits; `send_digests` sends each digest user the day's notices in one message.

Sending exactly once: the Notice row is the claim (its unique constraint refuses a second
one for the same kind, subject and recipient), and marking `emailed_at` with a conditional
UPDATE is the claim on the e-mail, so a retry or a second server never mails it twice.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notice, NoticePreference
from timeline.models import SiteSettings

DIGEST_EVERY = dt.timedelta(days=1)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def editors():
    """Active staff who may publish (timeline.permissions.PUBLISH): who reviews and approves."""
    publish = Q(codename="publish", content_type__app_label="editorial")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=_permissions(publish))
            | Q(groups__permissions__in=_permissions(publish))
        )
        .distinct()
        .order_by("pk")
    )


def _permissions(query):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(query)


def notify(*, kind, subject, title, url="", body="", recipients=None, now=None):
    """
    One notice of `kind` about `subject` to each recipient (editors by default) who has not
    had it yet; e-mailed after commit. Returns the notices created by this call.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notice kind: {kind!r}")
    recipients = editors() if recipients is None else recipients
    created = []
    for user in recipients:
        try:
            with transaction.atomic():
                created.append(
                    Notice.objects.create(
                        kind=kind,
                        subject=subject,
                        recipient=user,
                        title=title[:300],
                        body=body,
                        url=url,
                        created_at=now or timezone.now(),
                    )
                )
        except IntegrityError:  # already told (by this server or another one)
            continue
    if created:
        pks = [notice.pk for notice in created]
        transaction.on_commit(lambda: deliver(pks))
    return created


def preference(user):
    pref, _ = NoticePreference.objects.get_or_create(user=user)
    return pref


def deliver(pks, *, now=None):
    """E-mail each notice now, unless its recipient takes a digest or unsubscribed its kind."""
    sent = 0
    for notice in Notice.objects.filter(pk__in=pks).unsent().select_related("recipient"):
        user = notice.recipient
        pref = NoticePreference.objects.filter(user=user).first()
        if not user.email or (pref and (pref.digest or not pref.wants_email(notice.kind))):
            continue
        if not _claim([notice.pk], now):
            continue
        send_mail(
            subject=f"[{SiteSettings.load().name}] {notice.title}",
            message=_text(notice),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent


def _claim(pks, now):
    """Mark the notices e-mailed; True only for the one caller that did it."""
    now = now or timezone.now()
    return Notice.objects.filter(pk__in=pks, emailed_at__isnull=True).update(emailed_at=now) == len(
        pks
    )


def _text(notice, *, with_unsubscribe=True):
    lines = [notice.title]
    if notice.body:
        lines += ["", notice.body]
    if notice.url:
        lines += ["", settings.SITE_URL + notice.url]
    if with_unsubscribe:
        link = unsubscribe_url(notice.recipient, notice.kind)
        lines += ["", f"Stop e-mails about “{notice.get_kind_display()}”: {link}"]
    return "\n".join(lines)


def unsubscribe_url(user, kind):
    token = signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def unsubscribe(token):
    """Apply a signed unsubscribe link; returns (user, kind). BadSignature if it is not ours."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = get_user_model().objects.get(pk=data["u"])
    kind = data["k"]
    if kind not in Kind.values:
        raise signing.BadSignature("unknown kind")
    with transaction.atomic():
        pref = NoticePreference.objects.select_for_update().filter(user=user).first()
        pref = pref or preference(user)
        if kind not in pref.unsubscribed:
            pref.unsubscribed = [*pref.unsubscribed, kind]
            pref.save(update_fields=["unsubscribed"])
    return user, Kind(kind)


def send_digests(*, now=None):
    """One e-mail per digest user with what they have not been sent, at most once a day."""
    now = now or timezone.now()
    sent = 0
    due = NoticePreference.objects.filter(digest=True).filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY)
    )
    for pref in due.select_related("user"):
        # The claim on today's digest: a second server finds last_digest_at moved and stops.
        claimed = NoticePreference.objects.filter(
            pk=pref.pk, last_digest_at=pref.last_digest_at
        ).update(last_digest_at=now)
        if not claimed:
            continue
        notices = [
            n
            for n in Notice.objects.filter(recipient=pref.user).unsent().order_by("created_at")
            if pref.wants_email(n.kind)
        ]
        if not notices or not pref.user.email:
            continue
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        body = "\n\n".join(_text(n, with_unsubscribe=False) for n in notices)
        send_mail(
            subject=f"[{SiteSettings.load().name}] {len(notices)} notice(s) for you",
            message=body,
            from_email=None,
            recipient_list=[pref.user.email],
        )
        sent += 1
    return sent


def inbox(user, *, limit=10):
    """What the admin's home page panel shows: the user's notices not dismissed, newest first."""
    return list(Notice.objects.filter(recipient=user).unread()[:limit])


def dismiss(*, user, pks, now=None):
    return (
        Notice.objects.filter(recipient=user, pk__in=pks)
        .unread()
        .update(dismissed_at=now or timezone.now())
    )
