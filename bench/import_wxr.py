"""
Benchmark the WordPress import: generate a WXR of N posts (default 10,000; a third with
updates and timelines), import it into a scratch database, print the time and peak memory.

    .venv/bin/python bench/import_wxr.py [N] [--keep PATH]

Budget (issue 11): under 2 minutes and under 300 MB for 10,000 posts. Peak memory is the
process's maximum resident set (ru_maxrss), Django and the database driver included, plus the
largest of its children's (the import builds posts in a second process for a large file; the
sum is an upper bound, as the two share pages). CPU seconds (both processes) are printed next
to the wall-clock time: on a shared machine they say what the import costs when others wait.
The second import of the same file (nothing changed: every post skipped by its digest) is
timed too. The database is a scratch one: a new SQLite file, or, when DATABASE_URL names a
PostgreSQL database, a test_<name> database created for the run and dropped after it.
"""

import argparse
import os
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

    scratch_postgres = not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
    _django.setup()
    from django.db import connection

    from timeline.services import imports

    if scratch_postgres:  # never the named database itself: a test_<name> copy, dropped after
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        first, totals = timed(lambda: imports.import_file(path))
        peak = _peak_mb()
        print(f"first import: {first[0]:.1f} s ({first[1]:.1f} CPU s), {totals.line()}")
        again_time, again = timed(lambda: imports.import_file(path))
        print(f"second import: {again_time[0]:.1f} s ({again_time[1]:.1f} CPU s), {again.line()}")
    finally:
        if scratch_postgres:
            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"].removeprefix("test_"), verbosity=0
            )
    print(
        f"peak memory: {peak[0] + peak[1]:.0f} MB (max RSS of the process {peak[0]:.0f} MB "
        f"+ of its builder child {peak[1]:.0f} MB, shared pages counted twice)"
    )
    print(f"load average (1, 5, 15 min): {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    within = first[0] < 120 and sum(peak) < 300
    print("budget (2 min, 300 MB):", "met" if within else "MISSED")


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb():
    """(this process, its largest child): max resident set, MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return own / 1024, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(run):
    """((wall seconds, CPU seconds of this process and its children), run())"""
    wall, cpu = time.perf_counter(), _cpu()
    result = run()
    return (time.perf_counter() - wall, _cpu() - cpu), result


if __name__ == "__main__":
    main()
