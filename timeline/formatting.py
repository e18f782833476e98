"""
How the site writes dates, names and labels: house-style dates, <time datetime> values, update
markers, quote provenance, lists of names, safe link targets, plain text of sanitised HTML.

Plain functions below everything that shows text (selectors, feeds, search, rendering, the
revision screens); the template filters in templatetags/newsroom.py only adapt them.
Everything returned is plain text: the template or the caller escapes it.
"""

import datetime as dt
import functools
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from timeline import dates
from timeline.models import UpdateKind
from timeline.text import html_to_text as plain_text

__all__ = [
    "as_written", "day_date", "entry_date", "entry_date_alone", "event_moment", "event_zone",
    "house_date", "iso_date", "join_names", "machine_date", "plain_text", "provenance",
    "reference_date", "safe_url", "update_date", "update_label", "update_machine_date",
]  # fmt: skip

UPDATE_LABELS = {
    UpdateKind.UPDATE: "UPDATE",
    UpdateKind.CORRECTION: "CORRECTION",
    UpdateKind.NOTE: "EDITOR'S NOTE",
}
SAFE_SCHEMES = {"http", "https", "mailto"}


def _mixed(value):
    if isinstance(value, dates.MixedDate):
        return value
    return dates.from_edtf(value) if value else None


def house_date(value, tz=None):
    """A MixedDate or stored EDTF string in house style: 1985 May 4, circa 2004, 21:16 CET."""
    try:
        value = _mixed(value)
    except dates.InvalidDate:
        return value
    return dates.format_date(value, tz=tz or None) if value else ""


def as_written(label, value, tz=None):
    """
    A date as the editor typed it (`label`: `2010 Summer`, `Oct. 2021`), or in house style
    when there is no label or the newsroom has chosen house style (settings.HOUSE_STYLE_DATES).
    The canonical value beside it is for sorting, filtering and machines, not for rewriting.
    """
    if label and not settings.HOUSE_STYLE_DATES:
        return label
    return house_date(value, tz)


def entry_date(entry):
    """A timeline entry's date as shown (its times carry the story's zone in house style)."""
    return as_written(entry.date_label, entry.date, entry.story.time_zone)


def entry_date_alone(entry):
    """
    entry_date where the entries around it may not be shown (on this day, a filtered
    timeline): a label that reads as a date only after the line before it (an imported
    ``21:40 CET`` on the day of the entry before) gives way to the full date.
    """
    if entry.date_label and _stands_alone(entry.date_label) is None:
        return house_date(entry.date, entry.story.time_zone)
    return entry_date(entry)


_stands_alone = functools.lru_cache(maxsize=4096)(dates.parse_or_none)  # a page reads hundreds


def reference_date(reference):
    return as_written(reference.published_on_label, reference.published_on)


def update_date(update):
    """The date printed on an update: its label as written, else November 13 2021."""
    if update.date_label and not settings.HOUSE_STYLE_DATES:
        return update.date_label
    return day_date(update.dated_at)


def day_date(value):
    """
    A day as running text prints it, as {{ value|date:"F j Y" }} did: March 7 2025 (a moment:
    its day in the site's zone). For lists (references, editions): Django's date filter, with
    its format lookups and a translated month name per call, was a third of a reference.
    """
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return f"{dates.values.MONTH_NAMES[value.month]} {value.day} {value.year:04d}"


def iso_date(value):
    """<time datetime> of a day or a moment (in the site's zone), as |date:"Y-m-d" or "c" did."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def update_machine_date(update):
    """<time datetime> of an update: the moment, or only its day when no time is known."""
    moment = timezone.localtime(update.dated_at)
    if getattr(update, "has_time", True):
        return moment.isoformat(timespec="seconds")
    return moment.date().isoformat()


def machine_date(value, tz=None):
    """A valid HTML <time datetime> for a mixed date: 2015-11-13T21:16+01:00, 2006-05, 2002."""
    try:
        value = _mixed(value)
    except dates.InvalidDate:
        return ""
    if value is None:
        return ""
    lower, precision = value.lower, value.precision
    if precision == dates.Precision.DAY:
        if value.time is None:
            return lower.isoformat()
        moment = dt.datetime.combine(lower, value.time)
        if tz:
            moment = moment.replace(tzinfo=ZoneInfo(tz))
        return moment.isoformat(timespec="minutes")
    if precision in (dates.Precision.MONTH, dates.Precision.SEASON):
        return f"{lower:%Y-%m}"
    if precision == dates.Precision.YEAR or (lower.month, lower.day) == (1, 1):
        return f"{lower.year:04d}"
    return lower.isoformat()


def event_moment(story):
    """The story's event as an aware datetime in its own zone, or None without a time."""
    if story.event_time is None:
        return None
    return dt.datetime.combine(story.event_date, story.event_time, tzinfo=ZoneInfo(story.time_zone))


def event_zone(story):
    """The abbreviation of the story's zone at the event (MSD, CET), "" without a time."""
    if story.event_time is None:
        return ""
    return dates.zone_abbreviation(story.event_date, story.event_time, story.time_zone)


def update_label(update):
    """UPDATE, CORRECTION or EDITOR'S NOTE: the words of an update's start and end markers."""
    return UPDATE_LABELS.get(update.kind, update.get_kind_display().upper())


def provenance(quote):
    """`Speaker, Role — Work (Outlet, date)`, `Speaker — Role (date)`; missing parts left out."""
    said_on = as_written(quote.said_on_label, quote.said_on) if quote.said_on else ""
    who = quote.speaker
    if quote.work and quote.speaker_role:
        who = f"{who}, {quote.speaker_role}"
    line = who
    if what := quote.work or quote.speaker_role:
        line = f"{line} — {what}" if line else what
    if details := ", ".join(part for part in (quote.outlet, said_on) if part):
        line = f"{line} ({details})" if line else details
    return line


def join_names(names):
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B and C"."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def safe_url(url):
    """The address if it is http(s), mailto or site-relative; else "" (no javascript: links)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme:
        return url if parts.scheme.lower() in SAFE_SCHEMES else ""
    return url if url.startswith("/") and not url.startswith("//") else ""
