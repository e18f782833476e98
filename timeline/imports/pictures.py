"""
The pictures of a post, as WordPress writes them, and where they go in ours.

WordPress places a picture three ways: the block editor's ``<figure class="wp-block-image">``
(an ``<img>``, perhaps in a link, and a ``<figcaption>``), the classic editor's ``[caption
…]<img …> Caption[/caption]`` shortcode, and a bare ``<img>`` on a line of its own. Before the
post's structure is read, :func:`place` turns each into ``[image N]`` on a line of its own (the
way an editor places a picture of our library; the page shows it with its caption and credit)
when the picture was brought into the library, and otherwise into a link to the picture where it
is, with its caption: nothing is lost, and the import's report says which were not brought.

Inline pictures use a resized copy (``photo-640x427.jpg``, ``photo-scaled.jpg``); :func:`key`
names the original they were made from, so each picture is brought once, whatever its sizes.
"""

import dataclasses
import html as html_lib
import re
from urllib.parse import urlsplit, urlunsplit

_FIGURE = re.compile(r"<figure\b[^>]*\bwp-block-image\b[^>]*>(?P<inner>.*?)</figure>", re.I | re.S)
_CAPTION = re.compile(r"\[caption\b[^\]]*\](?P<inner>.*?)\[/caption\]", re.I | re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_LINKED_IMG = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_RESIZED = re.compile(r"-(?:\d+x\d+|scaled)(?=\.\w+$)", re.I)
_OPENING_P = re.compile(r"<p\b[^>]*>\s*\Z", re.I)
_CLOSING_P = re.compile(r"\s*</p>", re.I)
_ATTACHMENT_ID = re.compile(r"\b(?:wp-image-|attachment_)(\d+)\b")
# The classic editor's gallery: [gallery ids="55,57" columns="2"], the pictures by attachment id.
_GALLERY = re.compile(r"\[gallery\b(?P<attrs>[^\]]*)\]", re.I)


@dataclasses.dataclass(frozen=True)
class Placements:
    """What the pictures brought into the library are: :func:`key` -> Image id, and a
    WordPress attachment id -> Image id (for featured images)."""

    ids: dict[str, int] = dataclasses.field(default_factory=dict)
    by_attachment: dict[int, int] = dataclasses.field(default_factory=dict)
    # attachment id -> where it is, for a gallery's pictures that could not be brought in
    sources: dict[int, str] = dataclasses.field(default_factory=dict)

    def featured(self, attachment_id: int | None) -> int | None:
        return self.by_attachment.get(attachment_id) if attachment_id else None

    def place(self, content: str) -> str:
        """``content`` with its pictures and galleries placed (:func:`place`)."""
        return place_galleries(place(content, self.ids), self.by_attachment, self.sources)

    def placed(self, content: str, thumbnail_id: int | None) -> tuple:
        """The library's pictures a post would show (its own, then its featured one): what
        the post's digest adds, so a post imported before its pictures is imported again."""
        if not (self.ids or self.by_attachment):
            return ()
        found = tuple(self.ids.get(key(picture.src)) for picture in find(content))
        found += tuple(self.by_attachment.get(i) for i in gallery_ids(content))
        found += (self.featured(thumbnail_id),)
        return found if any(image is not None for image in found) else ()


NONE = Placements()


@dataclasses.dataclass(frozen=True)
class Picture:
    src: str  # as written in the post
    alt: str
    caption: str  # plain text
    attachment_id: int | None


def key(url: str) -> str:
    """The picture a URL shows, whatever its size or scheme: the address of its original."""
    parts = urlsplit(url.strip())
    path = _RESIZED.sub("", parts.path)
    return urlunsplit(("", parts.netloc.lower(), path, "", ""))


def _attribute(tag: str, name: str) -> str:
    match = re.search(rf"""\b{name}\s*=\s*(["'])(.*?)\1""", tag, re.I | re.S)
    return html_lib.unescape(match.group(2)).strip() if match else ""


def _text(html: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


def _picture(img: str, caption: str, around: str = "") -> Picture:
    found = _ATTACHMENT_ID.search(f"{_attribute(img, 'class')} {around}")
    return Picture(
        src=_attribute(img, "src"),
        alt=_attribute(img, "alt"),
        caption=caption,
        attachment_id=int(found.group(1)) if found else None,
    )


def find(content: str) -> list[Picture]:
    """Every picture the post shows, in order."""
    return [picture for picture, _start, _end in _placed(content)]


def _placed(content: str):
    """(picture, start, end) of each picture construct in ``content``, in order."""
    taken: list[tuple[int, int]] = []
    found = []
    for pattern in (_FIGURE, _CAPTION):
        for match in pattern.finditer(content):
            inner = match.group("inner")
            img = _IMG.search(inner)
            if not img:
                continue
            if pattern is _FIGURE:
                caption = _FIGCAPTION.search(inner)
                text = _text(caption.group(1)) if caption else ""
            else:
                text = _text(_LINKED_IMG.sub(" ", inner))
            found.append((_picture(img.group(0), text, match.group(0)[:200]), *match.span()))
            taken.append(match.span())
    for match in _LINKED_IMG.finditer(content):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append((_picture(_IMG.search(match.group(0)).group(0), ""), *match.span()))
    return sorted(found, key=lambda item: item[1])


def place(content: str, library: dict[str, int]) -> str:
    """``content`` with each picture as ``[image N]`` (``library``: :func:`key` -> our Image
    id, Placements.ids) on a line of its own, or, when it was not brought in, as a link to
    where it is."""
    out, at = [], 0
    for picture, start, end in _placed(content):
        # The paragraph it stood alone in goes with it: no paragraph inside a paragraph.
        opening = _OPENING_P.search(content, at, start)
        closing = _CLOSING_P.match(content, end)
        if opening and closing:
            start, end = opening.start(), closing.end()
        out.append(content[at:start])
        out.append(_placed_html(picture, library))
        at = end
    out.append(content[at:])
    return "".join(out)


def gallery_ids(content: str) -> list[int]:
    """The attachment ids of every ``[gallery ids="…"]`` of the post, in order."""
    found = []
    for match in _GALLERY.finditer(content):
        ids = _attribute(match.group("attrs"), "ids")
        found += [int(i) for i in re.findall(r"\d+", ids)]
    return found


def place_galleries(content: str, by_attachment: dict[int, int], sources: dict[int, str]):
    """
    Each ``[gallery ids="…"]`` as ``[gallery N M …]`` of the pictures brought into the library
    (by attachment id), each one not brought in a link to where it is; a gallery none of whose
    pictures is known stays as written (the report lists it).
    """

    out, at = [], 0
    for match in _GALLERY.finditer(content):
        ids = re.findall(r"\d+", _attribute(match.group("attrs"), "ids"))
        placed = [by_attachment[int(i)] for i in ids if int(i) in by_attachment]
        links = [
            f'<p>Picture: <a href="{html_lib.escape(sources[int(i)])}">'
            f"{html_lib.escape(sources[int(i)].rsplit('/', 1)[-1])}</a></p>"
            for i in ids
            if int(i) not in by_attachment and int(i) in sources
        ]
        if not placed and not links:
            continue
        start, end = match.span()
        # The paragraph it stood alone in goes with it: no paragraph inside a paragraph.
        opening, closing = _OPENING_P.search(content, at, start), _CLOSING_P.match(content, end)
        if opening and closing:
            start, end = opening.start(), closing.end()
        shown = [f"<p>[gallery {' '.join(map(str, placed))}]</p>"] if placed else []
        out += [content[at:start], "\n\n" + "\n\n".join(shown + links) + "\n\n"]
        at = end
    out.append(content[at:])
    return "".join(out)


def _placed_html(picture: Picture, library: dict[str, int]) -> str:
    image_id = library.get(key(picture.src)) if picture.src else None
    if image_id is not None:
        return f"\n\n<p>[image {image_id}]</p>\n\n"
    words = picture.caption or picture.alt or picture.src.rsplit("/", 1)[-1] or "picture"
    label = html_lib.escape(words)
    if picture.src.startswith(("http://", "https://")):
        return f'\n\n<p>Picture: <a href="{html_lib.escape(picture.src)}">{label}</a></p>\n\n'
    return f"\n\n<p>Picture: {label}</p>\n\n"
