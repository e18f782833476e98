"""The dry-run report: per post, what was recognised and every passage left in the body."""

from timeline.imports import structure as structure_module
from timeline.imports import wxr

PREVIEW = 80


def preview(text: str, width: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def post_report(item: wxr.Item, recovered: structure_module.Structure) -> list[str]:
    counts = recovered.counts()
    counts["categories"] = len(item.categories)
    counts["tags"] = len(item.tags)
    counts["comments"] = len(item.comments)
    found = ", ".join(f"{kind} {count}" for kind, count in counts.items() if count)
    lines = [
        f"{item.slug or item.wp_id} (WordPress post {item.wp_id}, {item.status}): {item.title}",
        f"  recognised: {found or 'nothing'}",
    ]
    left = recovered.left_in_body()
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
        yield from post_report(item, structure_module.recover(item.content))
    yield f"{posts} post{'s' if posts != 1 else ''} read; nothing written (dry run)."
