"""
Who has a change form open: a soft notice ("Anna has been editing this article since 10:42"),
never a lock.

Presence is soft state, so it lives in the cache, not the database: one key per object holding
each editor's name, when they opened the form and when their page last checked in. Entries not
refreshed for `TTL` seconds lapse (the page checks in every 30 s while it is open). With Redis
configured (REDIS_URL) every server sees the same editors; with the local-memory cache, each
process sees its own. Two editors checking in at the same moment may drop each other's entry
until the next check-in: good enough for a notice.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format

TTL = 120  # seconds without a check-in before an editor is no longer shown
CHECK_IN_EVERY = 30  # seconds, for the page's script


@dataclass(frozen=True)
class Editor:
    user_id: int
    name: str
    since: dt.datetime

    def notice(self, obj, *, now):
        since = timezone.localtime(self.since)
        if since.date() == timezone.localtime(now).date():
            at = f"{since:%H:%M}"
        else:
            at = f"{date_format(since, 'j F')}, {since:%H:%M}"
        return f"{self.name} has been editing this {obj._meta.verbose_name} since {at}"


def _key(obj):
    return f"presence:{obj._meta.label_lower}:{obj.pk}"


def _name(user):
    return user.get_full_name() or user.get_username()


def _current(obj, now):
    entries = cache.get(_key(obj)) or {}
    fresh = now - dt.timedelta(seconds=TTL)
    return {uid: e for uid, e in entries.items() if e["seen"] >= fresh}


def check_in(obj, user, *, now=None):
    """Record that `user` has `obj`'s form open; returns the other editors, longest first."""
    now = now or timezone.now()
    entries = _current(obj, now)
    since = entries.get(user.pk, {}).get("since", now)
    entries[user.pk] = {"name": _name(user), "since": since, "seen": now}
    cache.set(_key(obj), entries, TTL)
    return _others(entries, user)


def leave(obj, user, *, now=None):
    """`user` closed the form: stop showing them at once rather than after TTL."""
    now = now or timezone.now()
    entries = _current(obj, now)
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(obj), entries, TTL)


def others(obj, user, *, now=None):
    """The editors other than `user` who have `obj`'s form open, longest first."""
    return _others(_current(obj, now or timezone.now()), user)


def _others(entries, user):
    found = [
        Editor(user_id=uid, name=e["name"], since=e["since"])
        for uid, e in entries.items()
        if uid != user.pk
    ]
    return sorted(found, key=lambda editor: editor.since)
