"""
The pictures of a WordPress export brought into our library, before its posts are written.

Every picture the posts show (and each post's featured image) is looked for, once per original
(:func:`timeline.imports.pictures.key`), in one of two places:

- ``media_root``: a copy of the site's ``wp-content/uploads`` folder (what a move usually starts
  with: the files are copied off the old server); a picture's path after ``/uploads/`` is looked
  up under it, and nowhere else;
- ``fetch``: downloaded from the old site, only from the export's own host (and ``hosts``):
  a file of addresses cannot make the server fetch from anywhere it likes.

Each file goes through the library's upload checks (images.uploads.clean_upload: type from the
content, size and pixel limits, metadata stripped) and becomes an Image with the alt text, the
caption and the title WordPress's editors wrote (alt text falls back on the caption, then the
title: the library requires one). A picture brought in before (same source address) is reused,
so importing again brings nothing twice. A picture that cannot be had is named in the result;
its post links to it where it was (timeline.imports.pictures.place).
"""

import dataclasses
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from images.models import Image
from images.uploads import MAX_BYTES, clean_upload, title_from_name
from timeline.imports import pictures, wxr

FETCH_TIMEOUT = 15.0
_FIELD = {name: Image._meta.get_field(name).max_length for name in ("title", "alt_text")}
_SOURCE_MAX = Image._meta.get_field("source_url").max_length


@dataclasses.dataclass
class Options:
    media_root: Path | None = None
    fetch: bool = False
    hosts: frozenset[str] = frozenset()  # more hosts it may fetch from than the export's own


@dataclasses.dataclass
class Wanted:
    url: str  # the address to bring it from: the original when the export names it
    alt: str = ""
    caption: str = ""
    title: str = ""


@dataclasses.dataclass
class Library:
    """What the import may place: :func:`pictures.key` -> Image id, and what it could not."""

    ids: dict[str, int] = dataclasses.field(default_factory=dict)
    by_attachment: dict[int, int] = dataclasses.field(default_factory=dict)
    sources: dict[int, str] = dataclasses.field(default_factory=dict)  # attachment id -> URL
    missing: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (url, why)
    created: int = 0

    def placements(self) -> pictures.Placements:
        return pictures.Placements(
            ids=dict(self.ids), by_attachment=dict(self.by_attachment), sources=dict(self.sources)
        )

    def line(self) -> str:
        if not (self.ids or self.missing):
            return ""
        line = f"Pictures: {self.created} brought in, {len(self.ids) - self.created} already here"
        if self.missing:
            first = "; ".join(f"{url} ({why})" for url, why in self.missing[:3])
            more = f" and {len(self.missing) - 3} more" if len(self.missing) > 3 else ""
            line += f", {len(self.missing)} not brought in: {first}{more}"
        return line + "."


def wanted(path, *, only=frozenset()) -> tuple[dict[str, Wanted], dict[int, str], str]:
    """(key -> Wanted, attachment id -> key, the export's site) of the posts to import."""
    attachments = wxr.attachments(path)
    by_key: dict[str, Wanted] = {}
    attachment_keys: dict[int, str] = {}
    site = ""

    def want(url, *, alt="", caption="", attachment=None):
        if not url:
            return
        found = pictures.key(url)
        known = attachments.get(attachment) if attachment else None
        entry = by_key.setdefault(found, Wanted(url=known.url if known else url))
        entry.alt = entry.alt or alt or (known.alt if known else "")
        entry.caption = entry.caption or caption or (known.caption if known else "")
        entry.title = entry.title or (known.title if known else "")
        if attachment:
            attachment_keys[attachment] = found

    for item in wxr.read(path):
        if only and item.slug not in only:
            continue
        site = site or item.site
        for picture in pictures.find(item.content):
            want(picture.src, alt=picture.alt, caption=picture.caption,
                 attachment=picture.attachment_id)  # fmt: skip
        for attachment_id in pictures.gallery_ids(item.content):
            if shown := attachments.get(attachment_id):
                want(shown.url, attachment=attachment_id)
        if item.thumbnail_id and (featured := attachments.get(item.thumbnail_id)):
            want(featured.url, attachment=featured.wp_id)
    return by_key, attachment_keys, site


def bring(path, options: Options, *, user=None, only=frozenset()) -> Library:
    by_key, attachment_keys, site = wanted(path, only=only)
    library = Library()
    hosts = {urlsplit(site).hostname or ""} | set(options.hosts)
    known = _already_here([w.url for w in by_key.values()])
    for found, want in by_key.items():
        if want.url in known:
            library.ids[found] = known[want.url]
            continue
        try:
            data = _read(want.url, options, hosts)
            library.ids[found] = _store(want, data, user).pk
            library.created += 1
        except (OSError, ValidationError) as exc:
            why = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            library.missing.append((want.url, why))
    library.by_attachment = {
        attachment: library.ids[found]
        for attachment, found in attachment_keys.items()
        if found in library.ids
    }
    library.sources = {
        attachment: by_key[found].url for attachment, found in attachment_keys.items()
    }
    return library


def _already_here(urls) -> dict[str, int]:
    short = [url for url in urls if len(url) <= _SOURCE_MAX]
    rows = Image.objects.filter(source_url__in=short).values_list("source_url", "pk")
    return dict(rows.order_by("pk"))


def _read(url: str, options: Options, hosts: set[str]) -> bytes:
    parts = urlsplit(url)
    if options.media_root is not None:
        _, marker, rest = parts.path.partition("/uploads/")
        root = options.media_root.resolve()
        candidate = (root / (rest if marker else parts.path.lstrip("/"))).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            if candidate.stat().st_size > MAX_BYTES:
                raise OSError("over the library's size limit")
            return candidate.read_bytes()
        if not options.fetch:
            raise OSError(f"not under {options.media_root}")
    if not options.fetch:
        raise OSError("pictures were not asked for (--media-root or --fetch-media)")
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in hosts:
        raise OSError("not on the site the export comes from")
    request = urllib.request.Request(url, headers={"User-Agent": "newsroom-import"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.URLError as exc:
        raise OSError(str(getattr(exc, "reason", exc))) from exc
    if len(data) > MAX_BYTES:
        raise OSError("over the library's size limit")
    return data


@transaction.atomic
def _store(want: Wanted, data: bytes, user) -> Image:
    name = urlsplit(want.url).path.rsplit("/", 1)[-1] or "picture"
    file = clean_upload(SimpleUploadedFile(name, data))
    title = want.title or title_from_name(name)
    image = Image(
        file=file,
        title=title[: _FIELD["title"]],
        alt_text=(want.alt or want.caption or title)[: _FIELD["alt_text"]],
        caption=want.caption,
        source_url=want.url if len(want.url) <= _SOURCE_MAX else "",
        uploaded_by=user,
    )
    image._change_reason = "Imported from WordPress"
    image.save()
    return image
