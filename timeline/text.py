"""
Editor text to safe HTML.

Editors write Markdown. It is rendered once, on save, and the HTML is cleaned with nh3 against
the allowlist below, so whatever an editor (or an attacker with an editor's password) types,
no script, style, event handler or foreign frame reaches a reader's page.
"""

import html as html_lib

import markdown
import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "h2", "h3", "h4",
    "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML. Raw HTML in the source is escaped by the cleaner, not run."""
    if not text:
        return ""
    # Headings inside an article start at h2: the page's only h1 is the title.
    html = markdown.markdown(text, extensions=["sane_lists", "smarty"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return clean_html(html)


def render_inline(text: str) -> str:
    """Markdown for one short line (a timeline entry, a caption): no wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def html_to_text(value: str) -> str:
    """Sanitised HTML to plain text (entities decoded), for meta tags, feeds, JSON-LD, snippets."""
    return " ".join(html_lib.unescape(strip_tags(value or "")).split())
