"""
A post's ``content:encoded`` cut into blocks: paragraphs, headings, quotes, lists, embeds.

Both editors end up here. The block editor wraps each block in ``<!-- wp:name -->`` comments
around ordinary HTML (``<p>``, ``<h2>``, ``<blockquote>``, ``<figure class="wp-block-embed">``);
the comments are dropped and the HTML read. The classic editor stores text with no ``<p>``:
WordPress's ``wpautop`` makes a paragraph of each run of text between blank lines and a line
break of each single newline, and leaves block-level elements (headings, quotes, lists,
iframes) as they are; this module does the same.
"""

import dataclasses
import functools
import html as html_lib
import re
from urllib.parse import urlsplit

from timeline import text as text_module

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_BLOCK_START = re.compile(
    r"<(p|h[1-6]|blockquote|ul|ol|figure|iframe|pre|table|div|hr)\b[^>]*?(/?)>", re.I
)
_EMBED_SHORTCODE = re.compile(
    r"^\s*\[embed[^\]]*\]\s*(\S+?)\s*\[/embed\]\s*$"
    r"|^\s*\[(?:youtube|vimeo|video)[\s=]+(?:src=)?[\"']?(https?://[^\s\"'\]]+)[\"']?[^\]]*\]"
    r"(?:\s*\[/(?:youtube|vimeo|video)\])?\s*$",
    re.I,
)
_BARE_URL = re.compile(r"^\s*(https?://\S+)\s*$")
# WordPress's own audio and video: [audio mp3="…"][/audio], [video width="640" mp4="…"][/video]
_MEDIA_SHORTCODE = re.compile(r"^\s*\[(audio|video)\b([^\]]*)\](?:\s*\[/\1\])?\s*$", re.I)
_MEDIA_SOURCES = ("src", "mp3", "m4a", "ogg", "oga", "wav", "mp4", "m4v", "webm", "ogv", "mov")
_BREAK = re.compile(r"<br\s*/?>|\n", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>(.*?)</li>", re.I | re.S)
_TABLE_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.I | re.S)
_TABLE_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.I | re.S)
_ATTRIBUTE = r"""\b{}\s*=\s*["']([^"']*)["']"""

# Hosts WordPress turns into a player when their URL stands on a line of its own (oEmbed).
PROVIDERS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "dailymotion.com": "Dailymotion",
    "soundcloud.com": "SoundCloud",
    "spotify.com": "Spotify",
    "twitter.com": "Twitter",
    "x.com": "X",
    "tiktok.com": "TikTok",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "flickr.com": "Flickr",
    "ted.com": "TED",
    "archive.org": "Internet Archive",
}


@functools.lru_cache(maxsize=4096)
def html_to_text(html: str) -> str:
    """timeline.text.html_to_text, remembered: a post's fragments are read several times."""
    if "<" not in (html or ""):  # no tag to strip: the same text, without the HTML parser
        return " ".join(html_lib.unescape(html or "").split())
    return text_module.html_to_text(html)


@functools.cache
def _closing(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}\b[^>]*>", re.I)


@dataclasses.dataclass
class Block:
    kind: str  # paragraph, heading, quote, list, embed, other
    html: str
    level: int = 0
    url: str = ""
    title: str = ""

    @functools.cached_property
    def text(self) -> str:
        return html_to_text(self.html)

    def lines(self) -> list[str]:
        """The block's lines as HTML fragments: list items, or text between line breaks."""
        if self.kind == "list":
            return [item for item in _LIST_ITEM.findall(self.html) if html_to_text(item)]
        if self.kind == "table":  # a row's cells as one line: "2017 May 4 — Fire breaks out."
            rows = (_TABLE_CELL.findall(row) for row in _TABLE_ROW.findall(self.html))
            lines = (" — ".join(c.strip() for c in cells if html_to_text(c)) for cells in rows)
            return [line for line in lines if line]
        return [line for line in _BREAK.split(self.html) if html_to_text(line)]


def provider(url: str) -> str:
    """The provider's name for a URL, from its host ("" when not a known one)."""
    host = (urlsplit(url).hostname or "").lower()
    for domain, name in PROVIDERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return ""


def attribute(html: str, name: str) -> str:
    match = re.search(_ATTRIBUTE.format(name), html, re.I)
    return html_lib.unescape(match.group(1)) if match else ""


def split(content: str) -> list[Block]:
    content = _BLOCK_COMMENT.sub("\n\n", content.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[Block] = []
    position = 0
    while match := _BLOCK_START.search(content, position):
        blocks.extend(_loose_text(content[position : match.start()]))
        tag = match.group(1).lower()
        if tag == "hr" or match.group(2):
            position = match.end()
            continue
        end, inner = _element_end(content, tag, match.end())
        blocks.extend(_element(tag, match.group(0), inner))
        position = end
    blocks.extend(_loose_text(content[position:]))
    return blocks


def _element_end(content: str, tag: str, start: int) -> tuple[int, str]:
    """Where the element opened just before ``start`` closes, counting nested same tags."""
    depth = 1
    for match in _closing(tag).finditer(content, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end(), content[start : match.start()]
    return len(content), content[start:]


def _loose_text(text: str) -> list[Block]:
    """Classic-editor text: a paragraph per blank-line-separated run (wpautop)."""
    found = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk or (not html_to_text(chunk) and "[" not in chunk):
            continue
        found.append(_paragraph(chunk.replace("\n", "<br>\n")))
    return found


def _paragraph(inner: str) -> Block:
    text = html_to_text(inner)
    if match := _EMBED_SHORTCODE.match(text):
        url = match.group(1) or match.group(2)
        return Block("embed", inner, url=url)
    if (match := _BARE_URL.match(text)) and provider(match.group(1)):
        return Block("embed", inner, url=match.group(1))
    if match := _MEDIA_SHORTCODE.match(text):
        sources = (attribute(match.group(2), name) for name in _MEDIA_SOURCES)
        if url := next((found for found in sources if found), ""):
            return Block("embed", inner, url=url)
    return Block("paragraph", inner)


def _element(tag: str, opening: str, inner: str) -> list[Block]:
    if tag == "p":
        return [_paragraph(inner.strip())]
    if tag[0] == "h":
        return [Block("heading", inner.strip(), level=int(tag[1]))]
    if tag == "blockquote":
        return [Block("quote", inner.strip())]
    if tag in ("ul", "ol"):
        return [Block("list", f"<{tag}>{inner}</{tag}>")]
    if tag == "iframe":
        return [
            Block("embed", "", url=attribute(opening, "src"), title=attribute(opening, "title"))
        ]
    if tag == "figure" and ("wp-block-embed" in opening or "<iframe" in inner.lower()):
        return [_figure_embed(opening, inner)]
    if tag == "figure" and re.search(r"<(audio|video)\b", inner, re.I):
        return [_figure_media(inner)]
    if tag == "table":
        return [Block("table", f"{opening}{inner}</table>")]
    if tag == "figure" and re.search(r"<(blockquote|table)\b", inner, re.I):
        # A pull quote (wp-block-pullquote): its quote, and a caption under it as the line
        # after a quote is read, for its provenance; a table (wp-block-table) and its caption.
        return split(_FIGCAPTION.sub(r"<p>\1</p>", inner))
    if tag == "div" and not re.search(r"<(p|h[1-6]|blockquote|ul|ol)\b", inner, re.I):
        return _loose_text(inner)
    if tag == "div":
        return split(inner)
    return [Block("other", f"{opening}{inner}</{tag}>")]


_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)


def _figure_media(inner: str) -> Block:
    """The block editor's own audio or video (wp-block-audio, wp-block-video): its file, from
    the player's src or its first <source>, and its caption as the title."""
    caption = _FIGCAPTION.search(inner)
    player = re.search(r"<(?:audio|video)\b[^>]*>", inner, re.I)
    source = re.search(r"<source\b[^>]*>", inner, re.I)
    url = attribute(player.group(0), "src") if player else ""
    url = url or (attribute(source.group(0), "src") if source else "")
    title = html_to_text(caption.group(1)) if caption else ""
    return Block("embed", caption.group(1) if caption else "", url=url, title=title)


def _figure_embed(opening: str, inner: str) -> Block:
    caption = re.search(r"<figcaption\b[^>]*>(.*?)</figcaption>", inner, re.I | re.S)
    title = html_to_text(caption.group(1)) if caption else ""
    if iframe := re.search(r"<iframe\b[^>]*>", inner, re.I):
        url = attribute(iframe.group(0), "src")
        title = title or attribute(iframe.group(0), "title")
    else:
        without_caption = inner[: caption.start()] if caption else inner
        url = html_to_text(without_caption)
    return Block("embed", caption.group(1) if caption else "", url=url, title=title)
