"""
The parts of an "On This Day" post recovered from its WordPress HTML.

:func:`recover` reads the blocks of ``content:encoded`` (see :mod:`.blocks`) top to bottom and
recognises the parts described in docs/ANATOMY.md: epigraph and inline quotes with their
provenance as written, the lede, ``RELATED POST:`` lines, ``UPDATE (date) — … END of UPDATE``
blocks, body headings, the ``TIMELINE``, embeds, ``REFERENCES`` and the list of earlier
editions. Recognition is deliberately narrow: a provenance line is only looked for right after
a quote, a dated line only inside a TIMELINE section, so a ``Name — …`` line of a Q&A or a
``Flashback — …`` paragraph stays body text. Anything not recognised stays in the body, in its
place, as sanitised HTML; nothing is dropped and nothing is made up.
"""

import dataclasses
import html as html_lib
import re

from timeline import dates
from timeline.imports import blocks as blocks_module
from timeline.imports import lines, markers
from timeline.imports.blocks import html_to_text
from timeline.imports.provenance import Provenance, parse_provenance
from timeline.imports.titles import is_edition_title
from timeline.text import clean_html, text_with_breaks

_RELATED = re.compile(r"^\s*related(?: posts?)?\s*:\s*", re.I)
_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*>(.*?)</a>""", re.I | re.S)
# A section's heading, as posts word it (a heading or a short line of its own, case aside).
_SECTIONS = (
    # TIMELINE, Timeline of events, Timeline: the night of the attacks, Chronology, Key dates
    (
        re.compile(r"(?:the )?(?:timeline|chronology|key dates)(?:(?::| of| [—\u2013-]) .*)?"),
        "timeline",
    ),
    # REFERENCES, Sources, Sources and references, Further reading, Bibliography
    (
        re.compile(
            r"(?:references?|sources?(?: and references)?|notes and references"
            r"|further reading|bibliography)"
        ),
        "references",
    ),
    # Earlier editions, Previous editions of this post, Past anniversaries
    (
        re.compile(
            r"(?:earlier|previous|past) (?:(?:anniversary )?editions?|anniversaries)"
            r"(?: of this (?:post|story|article))?"
        ),
        "editions",
    ),
)
_DATELINE = re.compile(r"^\s*<(strong|b)>(.*?)</\1>", re.I | re.S)
_EDITION_YEAR = re.compile(r"^\s*\(?(\d{4})\)?\s*[—\u2013:-]\s*|\s*[(—\u2013-]\s*(\d{4})\)?\.?\s*$")


@dataclasses.dataclass
class Placement:
    area: str  # top, update, body, end
    after: str  # what comes just before it ("" at the very top)
    before: str = ""  # what comes just after it ("" at the very end)


@dataclasses.dataclass
class Quote:
    words: str
    html: str
    provenance: Provenance | None
    placements: list[Placement] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Related:
    text: str
    url: str


@dataclasses.dataclass
class Update:
    kind: str  # update, correction, editors_note
    marker: str  # the word as written: UPDATE, Update, CORRECTION, EDITOR'S NOTE
    label: str  # the date as written between the brackets ("" for "UPDATE :")
    date: dates.MixedDate | None
    body: list[str] = dataclasses.field(default_factory=list)
    ended: bool = False  # an END of UPDATE line closed it


@dataclasses.dataclass
class Entry:
    label: str
    date: dates.MixedDate
    text: str


@dataclasses.dataclass
class Embed:
    url: str
    provider: str
    title: str


@dataclasses.dataclass
class Edition:
    title: str
    year: int | None
    url: str
    written: str = ""  # the whole line as it stood in the list
    # The year stood apart ("2019 — Title", "Title (2019)"), not merely somewhere in the title,
    # where it may be the story's year ("On This Day — … (November 13 2015)").
    year_apart: bool = True


@dataclasses.dataclass
class Passage:
    """Body text: a heading, or a passage left as written (``note`` says why when it matters)."""

    kind: str  # heading, paragraph
    html: str
    level: int = 0
    note: str = ""

    @property
    def text(self) -> str:
        return html_to_text(self.html)


@dataclasses.dataclass
class Structure:
    quotes: list[Quote] = dataclasses.field(default_factory=list)
    lede: str = ""
    related: list[Related] = dataclasses.field(default_factory=list)
    updates: list[Update] = dataclasses.field(default_factory=list)
    body: list[Passage] = dataclasses.field(default_factory=list)
    timeline: list[Entry] = dataclasses.field(default_factory=list)
    embeds: list[Embed] = dataclasses.field(default_factory=list)
    references: list[lines.Reference] = dataclasses.field(default_factory=list)
    editions: list[Edition] = dataclasses.field(default_factory=list)
    sections: list[str] = dataclasses.field(default_factory=list)  # headings as written
    # Document order: (kind, index into that kind's list); quotes repeat when placed twice.
    order: list[tuple[str, int]] = dataclasses.field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "quotes": len(self.quotes),
            "lede": int(bool(self.lede)),
            "related": len(self.related),
            "updates": len(self.updates),
            "headings": sum(p.kind == "heading" for p in self.body),
            "timeline": len(self.timeline),
            "embeds": len(self.embeds),
            "references": len(self.references),
            "editions": len(self.editions),
        }

    def left_in_body(self) -> list[Passage]:
        return [passage for passage in self.body if passage.kind != "heading"]

    def text(self) -> str:
        """Every word recovered, labels as written included (for the never-lose-text check)."""
        parts = [html_to_text(self.lede), *self.sections]
        for quote in self.quotes:
            parts += [quote.words, quote.provenance.written if quote.provenance else ""]
        parts += [f"{r.text} {r.url}" for r in self.related]
        for update in self.updates:
            parts += [update.marker, update.label, *map(html_to_text, update.body)]
        parts += [p.text for p in self.body]
        parts += [f"{e.label} {html_to_text(e.text)}" for e in self.timeline]
        parts += [f"{e.url} {e.title}" for e in self.embeds]
        parts += [f"{r.title} {r.outlet} {r.date_label} {r.url}" for r in self.references]
        parts += [f"{e.written} {e.url}" for e in self.editions]
        return " ".join(part for part in parts if part)


def recover(content: str) -> Structure:
    return _Reader(blocks_module.split(content)).read()


class _Reader:
    def __init__(self, found: list[blocks_module.Block]):
        self.blocks = found
        self.structure = Structure()
        self.update: Update | None = None
        self.section = ""
        self.quote_keys: dict[str, int] = {}
        self.quote_areas: list[str] = []
        self.related_heading = ""  # a "RELATED POSTS:" line waiting for its list

    def read(self) -> Structure:
        position = 0
        while position < len(self.blocks):
            position = self.block(position)
        if self.related_heading:
            self.body("paragraph", self.related_heading)
        self.place_quotes()
        return self.structure

    def add(self, kind: str, collection: list, value) -> None:
        collection.append(value)
        self.structure.order.append((kind, len(collection) - 1))

    def block(self, position: int) -> int:
        block = self.blocks[position]
        if self.related_heading:
            heading, self.related_heading = self.related_heading, ""
            if self.related_list(block):
                return position + 1
            self.body("paragraph", heading)  # no list of links under it: text as written
        text = block.text
        section = _section(block)
        update_marker = markers.update_marker(block)
        if self.update and (
            section or update_marker or block.kind == "heading" or _dateline(block)
        ):
            self.update = None
        if self.section and (section or update_marker or block.kind == "heading"):
            self.section = ""
        if section:
            self.section = section
            self.structure.sections.append(text)
            return position + 1
        if block.kind == "quote":
            return self.quote(position)
        if block.kind == "embed":
            embed = Embed(block.url, blocks_module.provider(block.url), block.title)
            self.add("embed", self.structure.embeds, embed)
            return position + 1
        if self.section:
            self.section_lines(block)
        elif update_marker:
            self.open_update(block, update_marker)
        elif self.update:
            self.update_text(block.html)
        elif block.kind == "heading":
            self.body("heading", block.html, level=block.level)
        elif not self.structure.lede and not self.has_body() and _dateline(block):
            self.structure.lede = clean_html(block.html)
            self.structure.order.append(("lede", 0))
        elif block.kind == "table":
            self.body("table", block.html)
        elif not self.editions_without_heading(block):
            self.related_or_body(block)
        return position + 1

    def has_body(self) -> bool:
        return any(passage.kind == "paragraph" for passage in self.structure.body)

    def body(self, kind: str, html: str, *, level: int = 0, note: str = "") -> None:
        passage = Passage(kind, clean_html(html).strip(), level=level, note=note)
        self.add("body", self.structure.body, passage)

    def open_update(self, block, marker: markers.Marker) -> None:
        kind = markers.KINDS.get(marker.word.lower(), "editors_note")
        self.update = Update(kind=kind, marker=marker.word, label=marker.label, date=marker.date)
        self.add("update", self.structure.updates, self.update)
        rest = _after_prefix(block.html, marker.end)
        if html_to_text(rest):
            self.update_text(rest)

    def update_text(self, html: str) -> None:
        text = html_to_text(html)
        end = markers.END.search(text)
        if end:
            html = _before_suffix(html, len(text) - end.start())
        if html_to_text(html):
            self.update.body.append(clean_html(html).strip())
        if end:
            self.update.ended = True
            self.update = None

    def quote(self, position: int) -> int:
        block = self.blocks[position]
        html, provenance = _split_cite(block.html)
        following = self.blocks[position + 1] if position + 1 < len(self.blocks) else None
        consumed = position + 1
        if provenance is None and following is not None and following.kind == "paragraph":
            provenance = parse_provenance(following.text, strict=True)
            consumed += provenance is not None
        words = text_with_breaks(html)  # its paragraphs and line breaks kept
        key = re.sub(r"[\W_]+", " ", words).strip().lower()
        if key in self.quote_keys:
            index = self.quote_keys[key]
            quote = self.structure.quotes[index]
            quote.provenance = quote.provenance or provenance
        else:
            index = self.quote_keys[key] = len(self.structure.quotes)
            self.structure.quotes.append(Quote(words, clean_html(html).strip(), provenance))
        self.structure.order.append(("quote", index))
        self.quote_areas.append("update" if self.update else "")
        return consumed

    def editions_without_heading(self, block) -> bool:
        """A list of the post's earlier editions by title, after its text, with no heading:
        every line an edition's title (``Five Years Ago — …``, ``On This Day — …``)."""
        found = block.lines() if block.kind in ("list", "paragraph") else []
        if not found or not self.has_body():
            return False
        if not all(is_edition_title(html_to_text(line)) for line in found):
            return False
        for line in found:
            edition = _edition(html_to_text(line), _HREF.search(line))
            self.add("edition", self.structure.editions, edition)
        return True

    def related_list(self, block) -> bool:
        """The list under a ``RELATED POSTS:`` line of its own: every line a link."""
        found = block.lines() if block.kind in ("list", "paragraph") else []
        links = [_HREF.search(line) for line in found]
        if not found or not all(links):
            return False
        for link in links:
            related = Related(html_to_text(link.group(2)), html_lib.unescape(link.group(1)))
            self.add("related", self.structure.related, related)
        return True

    def related_or_body(self, block) -> None:
        kept = []
        for line in block.lines():
            if match := _RELATED.match(html_to_text(line)):
                if not html_to_text(line)[match.end() :].strip() and not self.related_heading:
                    self.related_heading = line  # the list comes in the next block
                    continue
                link = _HREF.search(line)
                text = html_to_text(link.group(2)) if link else html_to_text(line)[match.end() :]
                url = html_lib.unescape(link.group(1)) if link else ""
                self.add("related", self.structure.related, Related(text=text, url=url))
            else:
                kept.append(line)
        if self.related_heading and kept:
            kept.insert(0, self.related_heading)  # it was not alone on its line after all
            self.related_heading = ""
        if kept:
            self.body("paragraph", "<br>\n".join(kept))

    def section_lines(self, block) -> None:
        if block.kind not in ("paragraph", "list", "table"):
            self.body(block.kind, block.html)
            return
        for line in block.lines():
            text = html_to_text(line)
            link = _HREF.search(line)
            if self.section == "references" and is_edition_title(text):
                self.section = "editions"  # the earlier editions, after the references
            if self.section == "references":
                url = html_lib.unescape(link.group(1)) if link else ""
                label = html_to_text(link.group(2)) if link else ""
                reference = lines.parse_reference(text, url, label)
                self.add("reference", self.structure.references, reference)
            elif self.section == "editions":
                self.add("edition", self.structure.editions, _edition(text, link))
            elif dated := lines.parse_dated_line(text) or lines.parse_timed_line(
                text, self.structure.timeline[-1].date if self.structure.timeline else None
            ):
                entry = Entry(dated.label, dated.date, _after_label(line, dated.label))
                self.add("entry", self.structure.timeline, entry)
            else:
                self.body("paragraph", line, note="timeline line whose date was not understood")

    def place_quotes(self) -> None:
        order = self.structure.order
        areas = iter(self.quote_areas)
        for at, (kind, index) in enumerate(order):
            if kind != "quote":
                continue
            after = _neighbour(self.structure, reversed(order[:at]))
            before = _neighbour(self.structure, order[at + 1 :])
            area = next(areas)
            if not area:
                near_update = after.startswith("update") or before.startswith("update")
                area = "top" if not after else "updates" if near_update else "body"
            self.structure.quotes[index].placements.append(Placement(area, after, before))


def _neighbour(structure: Structure, items) -> str:
    return next((_describe(structure, item) for item in items if item[0] != "quote"), "")


def _describe(structure: Structure, item: tuple[str, int]) -> str:
    kind, index = item
    if kind == "update":
        update = structure.updates[index]
        return f"update {update.label or index + 1}"
    if kind == "body":
        passage = structure.body[index]
        return f"{passage.kind} {passage.text[:60]}"
    return kind


def _section(block) -> str:
    if block.kind not in ("heading", "paragraph") or len(block.text) > 40:
        return ""
    heading = " ".join(block.text.strip(" :").lower().split())
    return next((name for pattern, name in _SECTIONS if pattern.fullmatch(heading)), "")


def _dateline(block) -> bool:
    match = _DATELINE.match(block.html) if block.kind == "paragraph" else None
    return bool(match) and dateline_date(html_to_text(match.group(2))) is not None


# A dateline's place before its date: "PARIS, November 13 2021 —", "Harbourtown, May 4 2022 —".
_PLACE = re.compile(r"^(?:[^\d,]{2,40},\s+){1,2}(?=\S)")


def dateline_date(written: str) -> dates.MixedDate | None:
    """The date of a bold dateline as written (``November 13 2021 —``), after its place if it
    names one (``PARIS, November 13 2021 —``); None when it is not a date."""
    written = written.strip(" —\u2013-:,")
    return dates.parse_or_none(written) or dates.parse_or_none(_PLACE.sub("", written))


def _split_cite(html: str) -> tuple[str, Provenance | None]:
    if cite := re.search(r"<cite\b[^>]*>(.*?)</cite>", html, re.I | re.S):
        written = html_to_text(cite.group(1))
        rest = html[: cite.start()] + html[cite.end() :]
        return rest, parse_provenance(written, strict=False) if written else None
    paragraphs = [p for p in re.split(r"</p>\s*<p>|<br\s*/?>|\n", html) if html_to_text(p)]
    last = html_to_text(paragraphs[-1]) if len(paragraphs) > 1 else ""
    if last.startswith(("—", "\u2013", "-")) and (
        provenance := parse_provenance(last, strict=True)
    ):
        return html[: html.rfind(paragraphs[-1])], provenance
    return html, None


def _edition(text: str, link: re.Match | None) -> Edition:
    url = html_lib.unescape(link.group(1)) if link else ""
    year_match = _EDITION_YEAR.search(text)
    year = int(year_match.group(1) or year_match.group(2)) if year_match else lines.first_year(text)
    apart = year_match is not None
    if link:
        title = html_to_text(link.group(2))
    elif year_match:
        title = (text[: year_match.start()] + text[year_match.end() :]).strip()
    else:
        title = text
    return Edition(title=title, year=year, url=url, written=text, year_apart=apart)


def _text_positions(html: str) -> list[int]:
    """Where each character of ``html_to_text(html)`` starts in ``html``."""
    raw: list[tuple[int, str]] = []
    for match in re.finditer(r"<[^>]*>|&#?\w+;|.", html, re.S):
        token = match.group(0)
        if not token.startswith("<"):
            raw.extend((match.start(), char) for char in html_lib.unescape(token))
    found: list[int] = []
    space = True  # leading whitespace dropped, runs collapsed to one, as html_to_text does
    for position, char in raw:
        if char.isspace():
            if not space:
                found.append(position)
            space = True
        else:
            found.append(position)
            space = False
    return found[: len(html_to_text(html))]


_LABEL_DASH = re.compile(r"\s*(?:—|\u2013|-{1,2}|:)\s*")


def _plain(html: str) -> bool:
    """Text with no markup, its spaces already as html_to_text leaves them."""
    return "<" not in html and "&" not in html and html == " ".join(html.split())


def _after_prefix(html: str, length: int) -> str:
    """``html`` without the first ``length`` characters of its text."""
    if _plain(html):
        return html[length:]
    positions = _text_positions(html)
    return html[positions[length] :] if length < len(positions) else ""


def _before_suffix(html: str, length: int) -> str:
    """``html`` without the last ``length`` characters of its text."""
    if _plain(html):
        return html[: len(html) - length] if length < len(html) else ""
    positions = _text_positions(html)
    cut = len(positions) - length
    return html[: positions[cut]] if cut > 0 else ""


def _after_label(line: str, label: str) -> str:
    """The entry's text as HTML: the line without its date label and dash."""
    text = html_to_text(line)
    match = _LABEL_DASH.match(text, len(label)) if text.startswith(label) else None
    return clean_html(_after_prefix(line, match.end()) if match else line).strip()
