"""
Benchmark the WordPress import: generate a WXR of N posts (default 10,000; a third with
updates and timelines), import it into a scratch database, print the time and peak memory.

    .venv/bin/python bench/import_wxr.py [N] [--keep PATH]

Budget (issue 11): under 2 minutes and under 300 MB for 10,000 posts. Peak memory is the
process's maximum resident set (ru_maxrss), Django and the database driver included. The
second import of the same file (nothing changed: every post skipped by its digest) is timed
too. DATABASE_URL picks the database (a scratch SQLite file by default).
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _django

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>ed</wp:author_login>
<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>
"""
TAIL = "</channel></rss>\n"
MONTHS = ["January", "March", "May", "July", "September", "November"]


def content(n: int) -> str:
    year = 1950 + n % 70
    month = MONTHS[n % len(MONTHS)]
    parts = [
        f"<!-- wp:quote --><blockquote><p>Words said about event {n}, kept.</p></blockquote>"
        "<!-- /wp:quote -->",
        f"<p>Ana Ruiz — Mayor (Example Times, {month} {year + 1})</p>",
        f"<p><strong>{month} 4 {year}</strong> — On this day event {n} happened in the city.</p>",
        f'<p>RELATED POST: <a href="https://bench.example.org/post-{(n + 1) % 10_000}/">'
        f"Post {n + 1}</a></p>",
    ]
    if n % 3 == 0:
        parts += [
            f"<p>UPDATE ({month} 4 {year + 10}) — A new turn {n}. END of UPDATE</p>",
            f"<p>UPDATE ({month} {year + 1}) — The first anniversary. END of UPDATE</p>",
        ]
    parts += [
        "<h2>What happened</h2>",
        f"<p>The first paragraph of the original article {n}, with a few sentences.</p>",
        "<p>The second paragraph tells more. It goes on for a while.</p>",
    ]
    if n % 3 == 0:
        parts.append("<h2>TIMELINE</h2>")
        parts += [f"<p>{year} {month} {day} — Step {day} of the story.</p>" for day in range(1, 7)]
    parts += ["<h2>REFERENCES</h2>", f"<p>Report {n} — Example Gazette, {year}</p>"]
    return "\n".join(parts)


def item(n: int) -> str:
    return f"""<item><title>Post {n}</title><link>https://bench.example.org/post-{n}/</link>
<dc:creator>ed</dc:creator><content:encoded><![CDATA[{content(n)}]]></content:encoded>
<wp:post_id>{n + 1}</wp:post_id><wp:post_date_gmt>2019-05-04 08:00:00</wp:post_date_gmt>
<wp:post_modified_gmt>2020-05-04 08:00:00</wp:post_modified_gmt>
<wp:post_name>post-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="history"><![CDATA[History]]></category>
<category domain="post_tag" nicename="tag-{n % 50}"><![CDATA[{escape(f"Tag {n % 50}")}]]></category>
</item>
"""


def generate(path: Path, posts: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(posts):
            out.write(item(n))
        out.write(TAIL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", nargs="?", type=int, default=10_000)
    parser.add_argument("--keep", help="Write the generated export here and keep it.")
    args = parser.parse_args()
    path = Path(args.keep) if args.keep else Path(tempfile.mkdtemp()) / "export.xml"
    generate(path, args.posts)
    print(f"export: {args.posts} posts, {path.stat().st_size / 1_048_576:.1f} MB ({path})")

    _django.setup()
    from timeline.services import imports

    started = time.perf_counter()
    totals = imports.import_file(path)
    first = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"first import: {first:.1f} s, {totals.line()}")
    started = time.perf_counter()
    again = imports.import_file(path)
    print(f"second import: {time.perf_counter() - started:.1f} s, {again.line()}")
    print(f"peak memory (max RSS of the process): {peak:.0f} MB")
    within = first < 120 and peak < 300
    print("budget (2 min, 300 MB):", "met" if within else "MISSED")


if __name__ == "__main__":
    main()
