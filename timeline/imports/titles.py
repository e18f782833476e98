"""
What an edition's title says about its story: ``Six Years Ago — The Paris Attacks (November 13
2015)`` is the story "The Paris Attacks", which happened on 13 November 2015, in the edition of
its sixth anniversary.

Read: an edition's opening words (``On This Day —``, ``<number> Years Ago —``, ``One Year Ago
—``, ``A Century Ago —``, ``<ordinal> Anniversary —``, ``Today in History:``), a trailing
``[UPDATE: …]`` (an edition cut by hand), and a trailing date in brackets. What is not
recognised stays in the story's title: a title with none of these is the story's title as it is.
"""

import dataclasses
import datetime as dt
import re

from timeline import dates
from timeline.editions.anniversaries import years_words

_NUMBERS = {years_words(n).lower(): n for n in range(1, 200)} | {"a century": 100}
_NUMBER = r"(?P<number>\d{1,3}|[a-z]+(?:[- ][a-z]+)*?)"
_OPENING = re.compile(
    r"^(?:on this day|today in history|this day in history"
    rf"|{_NUMBER}\s+years?\s+ago|a century ago"
    r"|(?P<ordinal>\d{1,3})(?:st|nd|rd|th)\s+anniversary)"
    r"\s*(?:—|\u2013|:|-{1,2})\s*",
    re.IGNORECASE,
)
_CUT_BY_HAND = re.compile(r"\s*\[\s*update[^\]]*\]\s*$", re.IGNORECASE)
_BRACKETED = re.compile(r"\s*\(([^()]+)\)\s*$")


@dataclasses.dataclass(frozen=True)
class TitleParts:
    story: str
    event_date: dt.date | None = None
    years_ago: int | None = None
    edition_words: bool = False  # it opens (or ends) as an edition's title does


def is_edition_title(text: str) -> bool:
    """``On This Day — …``, ``Five Years Ago — …``, ``… [UPDATE: …]``: an edition, by its
    title alone (a list of a post's earlier editions may come with no heading)."""
    if len(text) > 200 or re.search(r"[.!?]\s", text):  # a sentence, not a title
        return False
    return read_title(text).edition_words


def read_title(title: str) -> TitleParts:
    text = " ".join(title.split())
    years_ago = None
    edition_words = False
    if match := _OPENING.match(text):
        edition_words = True
        words = (match.group("number") or match.group("ordinal") or "").lower()
        if match.group(0).lower().startswith("a century"):
            years_ago = 100
        elif words.isdigit():
            years_ago = int(words)
        elif words:
            years_ago = _NUMBERS.get(words.replace(" ", "-")) or _NUMBERS.get(words)
            if years_ago is None:  # "Many Years Ago — …" is not an edition's opening
                return TitleParts(story=text)
        text = text[match.end() :]
    if _CUT_BY_HAND.search(text):
        edition_words = True
        text = _CUT_BY_HAND.sub("", text)
    event_date = None
    if match := _BRACKETED.search(text):
        found = dates.parse_or_none(match.group(1).strip())
        if found is not None and found.precision == dates.Precision.DAY:
            event_date = found.lower
            text = text[: match.start()]
    return TitleParts(story=text.strip() or " ".join(title.split()), event_date=event_date,
                      years_ago=years_ago, edition_words=edition_words)  # fmt: skip
