"""
Editor text to safe HTML.

Editors write Markdown. It is rendered once, on save, and the HTML is cleaned with nh3 against
the allowlist below, so whatever an editor (or an attacker with an editor's password) types,
no script, style, event handler or foreign frame reaches a reader's page.
"""

import html as html_lib
import re
import threading

import markdown
import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "h2", "h3", "h4",
    "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "ul",
    # Tables (an imported post's, or typed as HTML): without them a table's cells ran together.
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


_local = threading.local()


def _markdown():
    """This thread's converter: building one costs as much as a conversion, so it is reused
    (reset between texts, as Python-Markdown documents; an instance is not thread-safe)."""
    converter = getattr(_local, "markdown", None)
    if converter is None:
        converter = _local.markdown = markdown.Markdown(
            extensions=["sane_lists", "smarty"], output_format="html"
        )
    return converter


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML. Raw HTML in the source is escaped by the cleaner, not run."""
    if not text:
        return ""
    # Headings inside an article start at h2: the page's only h1 is the title.
    html = _markdown().reset().convert(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return _image_slots(clean_html(html))


# A line `[image 12]` or `[gallery 12 13 14]` places pictures of the library by number. The
# saved HTML keeps an empty placeholder (digits only, added after cleaning); the page fills it
# from the Image row as it is when shown, so a corrected caption or credit is corrected
# everywhere (images.templatetags.images `with_images`).
_IMAGE_LINE = re.compile(r"<p>\[(image|gallery)((?:\s+\d{1,9})+)\s*\]</p>")
_IMAGE_SLOT = re.compile(
    r'<div class="image-slot" data-kind="(image|gallery)" data-ids="([\d ]+)"></div>'
)


def _image_slots(html):
    return _IMAGE_LINE.sub(
        lambda m: (
            f'<div class="image-slot" data-kind="{m[1]}" data-ids="{" ".join(m[2].split())}"></div>'
        ),
        html,
    )


def image_ids(*htmls):
    """The ids of the pictures placed in these rendered texts, in order, once each."""
    found = {}
    for html in htmls:
        for match in _IMAGE_SLOT.finditer(html or ""):
            found.update(dict.fromkeys(int(n) for n in match[2].split()))
    return list(found)


def split_image_slots(html):
    """[(html, None), ("image" or "gallery", [ids]), ...]: the text around each placeholder."""
    parts, start = [], 0
    for match in _IMAGE_SLOT.finditer(html or ""):
        parts.append((html[start : match.start()], None))
        parts.append((match[1], [int(n) for n in match[2].split()]))
        start = match.end()
    parts.append(((html or "")[start:], None))
    return [part for part in parts if part[1] is not None or part[0]]


def render_inline(text: str) -> str:
    """Markdown for one short line (a timeline entry, a caption): no wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def text_with_breaks(html: str) -> str:
    """
    HTML (or plain text) as plain text that keeps its shape for Django's ``linebreaks``: a
    blank line between paragraphs (``</p>`` or a blank line), a newline for a line break
    (``<br>`` or a newline); everything else as html_to_text reads it.
    """
    paragraphs = []
    for paragraph in re.split(r"</p\s*>|\n\s*\n", (html or "").replace("\r\n", "\n"), flags=re.I):
        lines = [html_to_text(line) for line in re.split(r"<br\s*/?>|\n", paragraph, flags=re.I)]
        if lines := [line for line in lines if line]:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def html_to_text(value: str) -> str:
    """Sanitised HTML to plain text (entities decoded), for meta tags, feeds, JSON-LD, snippets."""
    return " ".join(html_lib.unescape(strip_tags(value or "")).split())
