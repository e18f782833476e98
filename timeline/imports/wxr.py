"""
Read a WordPress export (WXR 1.1/1.2, the file Tools → Export writes), one post at a time.

The file is parsed as a stream (lxml ``iterparse``; each ``<item>`` is dropped once read), so a
10,000-post export takes as little memory as a 10-post one. The parser never resolves entities,
never loads a DTD and never reaches the network; a file that declares a DTD at all is refused,
since a WordPress export never has one and entity tricks (billion laughs, external entities)
need one.

Every refusal is a :class:`WXRError` whose message is one sentence for the editor.
"""

import codecs
import dataclasses
import datetime
import html
import os
import re

from lxml import etree

from timeline import text as text_module

DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_WP_NAMESPACE = re.compile(r"^http://wordpress\.org/export/1\.\d+/$")
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']""")
# Reader comments only: pingbacks and trackbacks are other sites' notices, not replies.
_COMMENT_TYPES = {"", "comment"}


class WXRError(ValueError):
    """The file cannot be imported. ``str(exc)`` is one sentence meant for the editor."""


@dataclasses.dataclass(frozen=True)
class Term:
    name: str
    slug: str


@dataclasses.dataclass(frozen=True)
class Comment:
    """An approved reader comment. The commenter's e-mail is never read."""

    wp_id: int
    parent_id: int | None
    author: str
    date: datetime.datetime | None
    text: str


@dataclasses.dataclass(frozen=True)
class Item:
    """One WordPress post, as the export holds it."""

    wp_id: int
    site: str
    title: str
    slug: str
    status: str
    author: str
    published: datetime.datetime | None
    modified: datetime.datetime | None
    link: str
    content: str
    categories: tuple[Term, ...] = ()
    tags: tuple[Term, ...] = ()
    comments: tuple[Comment, ...] = ()
    thumbnail_id: int | None = None  # its featured image: an Attachment's wp_id
    excerpt: str = ""  # the summary its editors wrote (Excerpt), as plain text


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A picture of the WordPress media library: where it is and what its editors wrote."""

    wp_id: int
    url: str
    title: str
    caption: str
    alt: str


def attachments(path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[int, Attachment]:
    """The export's media library items by ``wp:post_id`` (raises as :func:`read` does)."""
    return {found.wp_id: found for found in read(path, max_bytes=max_bytes, kind="attachment")}


def read(path, *, max_bytes: int = DEFAULT_MAX_BYTES, kind: str = "post"):
    """Yield each post (``wp:post_type`` post) of the export at ``path`` as an :class:`Item`.

    Pages, attachments and menu items are skipped. Raises :class:`WXRError` when the file is
    too large, not XML, not a WordPress export, declares a DTD or entities, or names an
    encoding Python does not know; a file that breaks off half-way raises when the reader
    reaches the break, after the posts before it.
    """
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise WXRError(f"Cannot read {os.path.basename(path)}: {exc.strerror}.") from None
    if size > max_bytes:
        raise WXRError(
            f"The file is {size / 1_048_576:.0f} MB, over the {max_bytes / 1_048_576:.0f} MB "
            "import limit."
        )
    _check_encoding(path)
    try:
        yield from _items(path, kind)
    except etree.XMLSyntaxError as exc:
        raise WXRError(f"The file is not well-formed XML ({_describe(exc)}).") from None
    except LookupError as exc:
        raise WXRError(f"The file's encoding is unknown ({exc}).") from None


def _describe(exc: etree.XMLSyntaxError) -> str:
    message = re.sub(r", line \d+, column \d+$", "", str(exc.msg or exc).split("\n")[0])
    message = message.rstrip(".")
    return f"line {exc.lineno}: {message}" if exc.lineno else message


def _check_encoding(path: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(200)
    if match := _DECLARED_ENCODING.match(head):
        name = match.group(1).decode("ascii", "replace")
        try:
            codecs.lookup(name)
        except LookupError:
            raise WXRError(f"The file's encoding “{name}” is unknown.") from None


def _items(path: str, kind: str = "post"):
    context = etree.iterparse(
        path,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    wp = None
    site = ""
    authors: dict[str, str] = {}
    depth = 0
    for event, element in context:
        if event == "start":
            depth += 1
            if depth == 1:
                wp = _check_root(element)
            continue
        depth -= 1
        tag = element.tag
        if depth == 2 and tag == "link" and not site:
            site = (element.text or "").strip()
        elif depth == 2 and tag == f"{{{wp}}}author":
            login = _text(element, f"{{{wp}}}author_login")
            authors[login] = _plain(element, f"{{{wp}}}author_display_name") or login
            _drop(element)
        elif depth == 2 and tag == "item":
            if _text(element, f"{{{wp}}}post_type") == kind:
                read_one = _item if kind == "post" else _attachment
                yield read_one(element, wp, site, authors)
            _drop(element)
        elif depth == 1 and tag == "channel":
            return
    if wp is not None:
        raise WXRError("The file is not a WordPress export: it has no <channel>.")


def _check_root(root) -> str:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise WXRError("The file declares a DTD or entities, which a WordPress export never does.")
    wp = next((uri for uri in root.nsmap.values() if _WP_NAMESPACE.match(uri or "")), None)
    if root.tag != "rss" or wp is None:
        raise WXRError(
            "The file is XML but not a WordPress export (no RSS root with the wp: namespace)."
        )
    return wp


def _drop(element) -> None:
    """Free what has been read: the element's children and every sibling before it."""
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]


def _text(element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _plain(element, tag: str) -> str:
    """A plain-text field (a title, a name): WordPress keeps them with HTML entities in them
    (``&#8212;``, ``&amp;``, ``&#8217;``), which are characters to us."""
    return html.unescape(_text(element, tag))


def _date(value: str) -> datetime.datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=datetime.UTC)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _item(element, wp: str, site: str, authors: dict[str, str]) -> Item:
    wp_id = _int(_text(element, f"{{{wp}}}post_id"))
    if wp_id is None:
        raise WXRError("A post in the file has no numeric wp:post_id.")
    login = _text(element, _DC_CREATOR)
    categories, tags = [], []
    for term in element.iterfind("category"):
        found = Term(name=html.unescape((term.text or "").strip()), slug=term.get("nicename", ""))
        if term.get("domain") == "category":
            categories.append(found)
        elif term.get("domain") == "post_tag":
            tags.append(found)
    return Item(
        wp_id=wp_id,
        site=site,
        title=_plain(element, "title"),
        slug=_text(element, f"{{{wp}}}post_name"),
        status=_text(element, f"{{{wp}}}status"),
        author=authors.get(login, login),
        published=_date(_text(element, f"{{{wp}}}post_date_gmt")),
        modified=_date(_text(element, f"{{{wp}}}post_modified_gmt")),
        link=_text(element, "link"),
        content=element.findtext(_CONTENT) or "",
        categories=tuple(categories),
        tags=tuple(tags),
        comments=tuple(_comments(element, wp)),
        thumbnail_id=_int(_meta(element, wp).get("_thumbnail_id", "")),
        excerpt=" ".join(text_module.html_to_text(_excerpt(element)).split()),
    )


def _excerpt(element) -> str:
    """The excerpt's text (its namespace carries the export's version: found by its name)."""
    found = next((child for child in element if child.tag.endswith("}encoded")
                  and "excerpt" in child.tag), None)  # fmt: skip
    return (found.text or "").strip() if found is not None else ""


def _meta(element, wp: str) -> dict[str, str]:
    return {
        _text(meta, f"{{{wp}}}meta_key"): _text(meta, f"{{{wp}}}meta_value")
        for meta in element.iterfind(f"{{{wp}}}postmeta")
    }


def _attachment(element, wp: str, site: str, authors: dict[str, str]) -> Attachment:
    wp_id = _int(_text(element, f"{{{wp}}}post_id"))
    if wp_id is None:
        raise WXRError("An attachment in the file has no numeric wp:post_id.")
    return Attachment(
        wp_id=wp_id,
        url=_text(element, f"{{{wp}}}attachment_url"),
        title=_plain(element, "title"),
        caption=html.unescape(_excerpt(element)),
        alt=html.unescape(_meta(element, wp).get("_wp_attachment_image_alt", "")),
    )


def _comments(element, wp: str):
    for comment in element.iterfind(f"{{{wp}}}comment"):
        if _text(comment, f"{{{wp}}}comment_approved") != "1":
            continue
        if _text(comment, f"{{{wp}}}comment_type") not in _COMMENT_TYPES:
            continue
        parent = _int(_text(comment, f"{{{wp}}}comment_parent"))
        yield Comment(
            wp_id=_int(_text(comment, f"{{{wp}}}comment_id")) or 0,
            parent_id=parent or None,
            author=_plain(comment, f"{{{wp}}}comment_author"),
            date=_date(_text(comment, f"{{{wp}}}comment_date_gmt")),
            text=comment.findtext(f"{{{wp}}}comment_content") or "",
        )
