"""The dry-run report: per post, what was recognised and every passage left in the body."""

import re

from timeline.imports import pictures, wxr
from timeline.imports import structure as structure_module

PREVIEW = 80


class _EveryPicture(dict):
    """Any picture, as if brought in: placed as ``[image 0]`` (a gallery's as ``[gallery 0]``)."""

    def get(self, key, default=None):
        return 0

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return 0


_EVERY_PICTURE = _EveryPicture()
_PLACED = re.compile(r"\[(image|gallery)[ \d]+\]")


def preview(text: str, width: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def post_report(item: wxr.Item, recovered: structure_module.Structure) -> list[str]:
    counts = recovered.counts()
    counts["pictures"] = (
        len(pictures.find(item.content))
        + len(pictures.gallery_ids(item.content))
        + bool(item.thumbnail_id)
    )
    counts["categories"] = len(item.categories)
    counts["tags"] = len(item.tags)
    counts["comments"] = len(item.comments)
    found = ", ".join(f"{kind} {count}" for kind, count in counts.items() if count)
    lines = [
        f"{item.slug or item.wp_id} (WordPress post {item.wp_id}, {item.status}): {item.title}",
        f"  recognised: {found or 'nothing'}",
    ]
    left = [p for p in recovered.left_in_body() if not _PLACED.fullmatch(p.text)]
    lines.append(f"  left in the body: {len(left)}")
    for passage in left:
        note = f" [{passage.note}]" if passage.note else ""
        lines.append(f"    - {preview(passage.text)}{note}")
    return lines


def report(items, *, only: set[str] | None = None):
    """Yield the report's lines for each post of ``items`` (or only the slugs in ``only``)."""
    posts = 0
    for item in items:
        if only and item.slug not in only:
            continue
        posts += 1
        # Pictures as the import places them, so that they are not listed as left in the body.
        content = pictures.place(item.content, _EVERY_PICTURE)
        content = pictures.place_galleries(content, _EVERY_PICTURE, {})
        yield from post_report(item, structure_module.recover(content))
    yield f"{posts} post{'s' if posts != 1 else ''} read; nothing written (dry run)."
