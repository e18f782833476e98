"""
Places in an article's body that a quote can follow, named so that they survive edits.

A heading is named by its text (`heading:the-explosion`), a paragraph by its opening words
(`paragraph:At 1:23 in the morning the reactor`): inserting, moving or deleting other
paragraphs leaves the name pointing at the same place, which a paragraph number would not.
Pure Python over the saved (sanitised) body HTML; no models.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.text import Truncator, slugify

HEADING = "heading:"
PARAGRAPH = "paragraph:"
OPENING_WORDS = 8
ANCHOR_MAX_LENGTH = 200
_VOID = {"br", "hr", "img", "wbr"}


@dataclass(frozen=True)
class Block:
    """A top-level element of the body: its HTML, and its name when a quote may follow it."""

    html: str
    anchor: str = ""
    words: str = ""  # its text, for the label
    kind: str = ""  # heading, paragraph or passage

    @property
    def label(self):
        """How the admin offers the place (worked out only there, not on every page view)."""
        if not self.anchor:
            return ""
        if self.kind == "heading":
            return f"After the heading “{self.words}”"
        return f"After the {self.kind} “{Truncator(self.words).words(OPENING_WORDS)}”"


def blocks(html):
    """The body's top-level elements in order (text between them rides with the one before)."""
    if not html:
        return []
    parser = _Blocks(html)
    parser.feed(html)
    parser.close()
    found, start = [], 0
    for end, tag, text in parser.ends:
        found.append(_block(html[start:end], tag, text))
        start = end
    if html[start:].strip():
        found.append(Block(html[start:]))
    elif found and start < len(html):
        last = found[-1]
        found[-1] = Block(last.html + html[start:], last.anchor, last.words, last.kind)
    return found


def choices(html):
    """(anchor, label) of each place a quote can follow, in body order, each name once."""
    seen, found = set(), []
    for block in blocks(html):
        if block.anchor and block.anchor not in seen:
            seen.add(block.anchor)
            found.append((block.anchor, block.label))
    return found


def anchor_of_paragraph(html, number):
    """
    The name of the place after the `number`th paragraph (counting each `</p>`, as quotes
    were once placed): the top-level element holding it. "" when there is no such paragraph.
    """
    closing = [m.end() for m in re.finditer(r"</p>", html or "")]
    if not number or number > len(closing):
        return ""
    at, offset = closing[number - 1], 0
    for block in blocks(html):
        offset += len(block.html)
        if offset >= at:
            return block.anchor
    return ""


def label_of(anchor):
    """How the admin names a place, from its name alone (when the body no longer has it)."""
    if anchor.startswith(HEADING):
        return f"After the heading “{anchor.removeprefix(HEADING).replace('-', ' ')}”"
    return f"After the passage “{anchor.removeprefix(PARAGRAPH)}…”"


def _block(html, tag, text):
    words = " ".join(text.split())
    if not words:
        return Block(html)
    if re.fullmatch(r"h[1-6]", tag):
        slug = slugify(words)[: ANCHOR_MAX_LENGTH - len(HEADING)]
        return Block(html, HEADING + slug, words, "heading") if slug else Block(html)
    # Lists and block quotations are named like paragraphs, by their opening words.
    opening = " ".join(words.split()[:OPENING_WORDS])[: ANCHOR_MAX_LENGTH - len(PARAGRAPH)]
    kind = "paragraph" if tag == "p" else "passage"
    return Block(html, PARAGRAPH + opening, words, kind)


class _Blocks(HTMLParser):
    """Records where each top-level element ends, its tag and its text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.html = html
        self.depth, self.tag, self.text, self.ends = 0, "", [], []

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if self.depth == 0:
                self.ends.append((self._offset() + len(self.get_starttag_text()), tag, ""))
            return
        if self.depth == 0:
            self.tag, self.text = tag, []
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.ends.append((self._offset() + len(self.get_starttag_text()), tag, ""))

    def handle_endtag(self, tag):
        if tag in _VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.html.index(">", self._offset()) + 1
            self.ends.append((end, self.tag, "".join(self.text)))

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
