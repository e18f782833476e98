"""
A quote's provenance line, as written under it: who said it, in what, where and when.

Forms read (the written line is always kept as it is, whatever is recognised in it):

- ``Name — Work (Outlet, date)``  → speaker, work, outlet, date
- ``Name — Work (Outlet)``        → speaker, work, outlet
- ``Name — Role (Oct. 2021)``     → speaker, role, date
- ``Name — Role``                 → speaker, role
- ``Outlet (date)``               → outlet, date
- ``— Name``                      → speaker

``strict`` is for a paragraph that merely follows a quote: it must look like a credit (a short
name of capitalised words, no sentence inside), so that the first line of a Q&A (``Anna
Keller — We were at the café when…``) or a ``Flashback — …`` paragraph is not taken for one.
A ``<cite>`` is provenance by definition and is read leniently.
"""

import dataclasses
import re

from timeline.imports.lines import split_outlet_date

_DASH = r"\s+(?:—|\u2013|--?)\s+"
_CREDIT = re.compile(
    rf"(?P<speaker>[^—\u2013()]+?){_DASH}(?P<detail>[^()]+?)(?:\s*\((?P<paren>[^()]+)\))?"
)
_COMMA_CREDIT = re.compile(
    r"(?P<speaker>[^,—\u2013()]+?),\s+(?P<detail>[^()]+?)(?:\s*\((?P<paren>[^()]+)\))?"
)
_OUTLET = re.compile(r"(?P<outlet>[^—\u2013()]+?)\s*\((?P<paren>[^()]+)\)")
_NOT_NAMES = {"flashback", "update", "correction", "related", "timeline", "note", "end"}
# A question-and-answer's speakers: "Q — …", "A — …" (but "A widower — …" may be a credit).
_INTERVIEW = {"q", "a", "q:", "a:"}


@dataclasses.dataclass(frozen=True)
class Provenance:
    written: str
    speaker: str = ""
    role: str = ""
    work: str = ""
    outlet: str = ""
    date_label: str = ""


def parse_provenance(text: str, *, strict: bool) -> Provenance | None:
    written = " ".join(text.split())
    undashed = re.sub(r"^(?:—|\u2013|--?|~)\s*", "", written)
    dashed = undashed != written  # "— Jane Roe": a dash before it says it is a credit
    line = undashed.rstrip(".")
    if not line or (strict and len(line) > 160):
        return None
    if match := _CREDIT.fullmatch(line):
        speaker, detail, paren = match.group("speaker"), match.group("detail"), match.group("paren")
        credit = _looks_like_name(speaker) and _looks_like_credit(detail, paren)
        if strict and (not credit or (paren is None and written.endswith("."))):
            return None
        if paren is None:
            return Provenance(written, speaker=speaker, role=detail)
        outlet, date_label = split_outlet_date(paren)
        if outlet:
            return Provenance(written, speaker, work=detail, outlet=outlet, date_label=date_label)
        return Provenance(written, speaker, role=detail, date_label=date_label)
    if (dashed or not strict) and (match := _COMMA_CREDIT.fullmatch(line)):
        # "— Jane Roe, Mayor of Example (2019)": led by a dash (or in a <cite>), a credit.
        speaker, detail, paren = match.group("speaker"), match.group("detail"), match.group("paren")
        sentence = strict and paren is None and written.endswith(".")
        if _looks_like_name(speaker) and _looks_like_credit(detail, paren) and not sentence:
            outlet, date_label = split_outlet_date(paren) if paren else ("", "")
            if outlet:
                return Provenance(
                    written, speaker, work=detail, outlet=outlet, date_label=date_label
                )
            if paren is None or date_label:
                return Provenance(written, speaker, role=detail, date_label=date_label)
    if match := _OUTLET.fullmatch(line):
        outlet, date_label = split_outlet_date(match.group("paren"))
        if date_label and not outlet and (not strict or len(match.group("outlet").split()) <= 8):
            return Provenance(written, outlet=match.group("outlet"), date_label=date_label)
    if dashed and _looks_like_name(line):
        return Provenance(written, speaker=line)
    if not strict:
        return Provenance(written, speaker=line)
    return None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or words[0].lower().strip(":") in _NOT_NAMES:
        return False
    if len(words) == 1 and words[0].lower() in _INTERVIEW:
        return False
    if re.search(r"[?!:;]|\w{2,}\.", text):
        return False
    return words[0][0].isupper()


def _looks_like_credit(detail: str, paren: str | None) -> bool:
    if re.search(r"[.?!]\s|[?!]$", detail):
        return False
    return paren is not None or (len(detail) <= 80 and len(detail.split()) <= 12)
