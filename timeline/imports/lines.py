"""
Lines of the form ``date — text``, as editors write timelines, reference lists and related
links: the parser the WordPress import uses for a post's TIMELINE section, and the admin's
"paste a list" box reuses (for related posts too: ``RELATED POST: Title — https://…``).

A line is a dated entry when the part before its first dash (em dash, en dash, or a hyphen with
a space either side) is a date :func:`timeline.dates.parse` understands. Later dashes belong to
the text. The label is kept exactly as written; the parsed date sits beside it.
"""

import dataclasses
import re

from timeline import dates

# The first dash with room around it: "2015 November 13, 21:16 CET — text", "2009 - text", or
# an en dash between spaces. A hyphen inside a date ("1999-2000") has no spaces and is not a
# separator; an unspaced em or en dash ("2009—text") is one only when the line has no spaced
# dash, so a span written with an en dash keeps its label whole.
_SEPARATOR = re.compile(r"\s+(?:—|\u2013|-{1,2})\s+")
_TIGHT_SEPARATOR = re.compile(r"\s*(?:—|\u2013)\s*")
_COLON = re.compile(r":\s+")  # not "21:16"
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")
# "RELATED POST: …" as WordPress posts have it (structure.py reads the same marker), and the
# bullets or numbers a list pasted from a page may keep.
_RELATED_MARKER = re.compile(r"^(?:[-*•]\s+|\d+[.)]\s+)?(?:related(?: posts?)?\s*:\s*)?", re.I)


@dataclasses.dataclass(frozen=True)
class DatedLine:
    label: str
    date: dates.MixedDate
    text: str


@dataclasses.dataclass(frozen=True)
class UnreadLine:
    """A line that is not ``date — text``; ``reason`` is one sentence for the editor."""

    text: str
    reason: str


@dataclasses.dataclass(frozen=True)
class RelatedLine:
    """A related post as written: its text (may be empty for a bare address) and address."""

    text: str
    url: str = ""


@dataclasses.dataclass(frozen=True)
class Reference:
    title: str
    outlet: str = ""
    date_label: str = ""
    url: str = ""


def parse_dated_line(line: str) -> DatedLine | None:
    """``date — text`` split and parsed, or None when the line does not start with a date."""
    line = " ".join(line.split())
    # A spaced dash first ("1999/2000 — …" is one label), then a colon ("1986 April 27: …"),
    # then a dash without spaces: the first that follows a date.
    found = (regex.search(line) for regex in (_SEPARATOR, _COLON, _TIGHT_SEPARATOR))
    for match in (m for m in found if m and m.start() > 0):
        label, text = line[: match.start()].strip(), line[match.end() :].strip()
        if not text:
            continue
        if parsed := dates.parse_or_none(label):
            return DatedLine(label=label, date=parsed, text=text)
    return None


# A time of day alone ("21:20 CET — …", "9:45pm — …"): on the day the line before named.
_TIME_ONLY = re.compile(
    r"(?P<label>\d{1,2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)"
    r"\s*(?:—|\u2013|-{1,2}|:)\s+(?P<text>\S.*)",
    re.I,
)


def parse_timed_line(line: str, day: dates.MixedDate | None) -> DatedLine | None:
    """
    ``21:20 CET — text`` after a line dated to the day (``2015 November 13, 21:16 CET — …``):
    an entry at that time on that day, its label the time as written. None otherwise.
    """
    if day is None or day.precision != dates.Precision.DAY:
        return None
    match = _TIME_ONLY.fullmatch(" ".join(line.split()))
    if not match or not re.search(r":|[ap]\.?m", match["label"], re.I):
        return None  # "21 — …" is no time of day
    on = day.lower
    parsed = dates.parse_or_none(f"{on.year} {on:%B} {on.day}, {match['label']}")
    return DatedLine(match["label"], parsed, match["text"]) if parsed else None


def parse_list(text: str) -> list[DatedLine | UnreadLine]:
    """Every non-blank line of a pasted list, read as ``date — text`` (or a time of day on the
    day of the line before), in order."""
    found: list[DatedLine | UnreadLine] = []
    day = None
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        dated = parse_dated_line(line) or parse_timed_line(line, day)
        day = dated.date if dated else day
        found.append(dated or UnreadLine(line, "The line does not start with a date and a dash."))
    return found


def parse_related(line: str) -> RelatedLine | UnreadLine:
    """
    ``RELATED POST: Title — https://…``, ``Title (https://…)``, a bare address, or a title
    alone (for an article of this site): the text as written and the address, if any.
    """
    written = " ".join(line.split())
    line = _RELATED_MARKER.sub("", written, count=1)
    url = ""
    if found := _URL.search(line):
        url = found.group(0).rstrip(".,;")
        line = (line[: found.start()] + line[found.start() + len(url) :]).strip()
        line = re.sub(r"\(\s*\)|\[\s*\]", "", line)
    text = line.strip(" :.,;—\u2013-").strip()
    if not text and not url:
        return UnreadLine(written, "Give the post's title or its address.")
    return RelatedLine(text=text, url=url)


def parse_related_list(text: str) -> list[RelatedLine | UnreadLine]:
    """Every non-blank line of a pasted list of related posts, in order."""
    return [parse_related(raw) for raw in text.splitlines() if raw.strip()]


def parse_reference(text: str, url: str = "", link_text: str = "") -> Reference:
    """``Title — Outlet, date``, ``Title — Outlet (date)``, ``Title (Outlet, date) URL``,
    ``Title, Outlet, date`` or a linked title followed by ``, Outlet, date``.

    Whatever is not understood stays in the title, so no words are lost.
    """
    text = " ".join(text.split())
    link_text = " ".join(link_text.split())
    if not url and (found := _URL.search(text)):
        url = found.group(0).rstrip(".,;")
    text = text.replace(url, "").strip(" .,;—\u2013-") if url else text
    title, rest = text, ""
    if link_text and text.startswith(link_text) and text != link_text:
        title, rest = link_text, text[len(link_text) :].strip(" .,;—\u2013-")
    elif match := _SEPARATOR.search(text):
        title, rest = text[: match.start()].strip(), text[match.end() :].strip()
    elif match := re.search(r"\(([^()]+)\)\s*$", text):
        title, rest = text[: match.start()].strip(), match.group(1)
    elif (parts := text.split(", ")) and len(parts) >= 2 and _is_date(parts[-1].rstrip(".")):
        title, rest = parts[0], ", ".join(parts[1:])
    if not rest:
        return Reference(title=title, url=url)
    outlet, date_label = split_outlet_date(rest)
    return Reference(title=title, outlet=outlet, date_label=date_label, url=url)


def split_outlet_date(text: str) -> tuple[str, str]:
    """``Outlet, date``, ``Outlet (date)`` or just a date or an outlet, as written."""
    text = text.strip().rstrip(".")
    if match := re.fullmatch(r"(.*?)\s*\(([^()]+)\)", text):
        outlet, date_label = match.group(1).strip(" ,"), match.group(2).strip()
        if _is_date(date_label):
            return outlet, date_label
    for match in re.finditer(r",\s*", text):
        date_label = text[match.end() :]
        if _is_date(date_label):
            return text[: match.start()].strip(), date_label
    if _is_date(text):
        return "", text
    return text, ""


def first_year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _is_date(text: str) -> bool:
    return dates.parse_or_none(text) is not None
