"""
An update's opening and closing words as WordPress posts write them: ``UPDATE (November 13
2021) —``, ``UPDATE - April 26 2021:``, ``CORRECTION:``, ``EDITOR'S NOTE (…)``, a heading of
their own (``<h3>UPDATE (April 26, 2022)</h3>``), and ``END of UPDATE`` in any case.
"""

import dataclasses
import re

from timeline import dates

# A number after the word ("UPDATE 2 (May 5 2022):", "Update #3 —") is the post's own count of
# its updates: read past, as the page numbers nothing. Not a day's ("Update 12 May 2022 —").
_NUMBER = (
    r"(?:\s*(?:#|no\.)?\s*\d{1,2}\b"
    r"(?!\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))?"
)
UPDATE = re.compile(
    r"^\s*(?P<marker>update|correction|editor[\u2019']s note)\b" + _NUMBER + r"\s*"
    r"(?:\((?P<label>[^()]*)\)\s*(?P<sep>[:—\u2013-]+)?|(?P<bare>[:—\u2013]|-\s))\s*",
    re.I,
)
# "UPDATE - April 26 2021:", "Update: November 13 2021 —", "UPDATE November 13 2021 —": a date
# written after the word instead of in brackets (taken only if it reads as a date).
UPDATE_DATED = re.compile(
    r"^\s*(?P<marker>update|correction|editor[\u2019']s note)\b"
    + _NUMBER
    + r"\s*(?:[:—\u2013]\s*|-\s+)?"
    r"(?P<label>[^:—\u2013()]{4,40}?)\s*(?:[:—\u2013]|\s-\s|$)\s*",
    re.I,
)
KINDS = {"update": "update", "correction": "correction"}
END = re.compile(
    r"\s*[—\u2013-]?\s*\bend of (?:the )?(?:update|correction|editor[\u2019']s note)\s*\.?\s*$",
    re.I,
)


@dataclasses.dataclass(frozen=True)
class Marker:
    word: str  # UPDATE, Correction, EDITOR'S NOTE, as written
    label: str  # its date as written, "" when none
    date: dates.MixedDate | None
    end: int  # where the update's own text starts in the block's text


def update_marker(block) -> Marker | None:
    """An update's opening words: in a paragraph that goes on with its text, or a heading of
    its own (``<h3>UPDATE (April 26, 2022)</h3>``)."""
    if block.kind not in ("paragraph", "heading"):
        return None
    text = block.text
    found = None
    if match := UPDATE.match(text):
        label = (match.group("label") or "").strip()
        found = Marker(match.group("marker"), label, dates.parse_or_none(label), match.end())
    if (found is None or not found.label) and (dated := UPDATE_DATED.match(text)):
        label = dated.group("label").strip()
        if parsed := dates.parse_or_none(label):
            found = Marker(dated.group("marker"), label, parsed, dated.end())
    if found is None or (block.kind == "heading" and text[found.end :].strip()):
        return None  # a heading that merely starts with "Update" is a heading
    return found
