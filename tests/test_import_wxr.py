"""The WordPress export reader and the import_wordpress command's dry run."""

import datetime
import subprocess
import sys
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from timeline.imports import wxr

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
ROOT = Path(__file__).parent.parent


class TestReader:
    def test_posts_only_with_their_metadata(self):
        items = list(wxr.read(FIXTURES / "block_editor.xml"))
        assert [(i.wp_id, i.slug, i.status) for i in items] == [
            (101, "paris-attacks", "publish"),
            (102, "chernobyl", "publish"),
            (103, "archive-note", "draft"),
        ]
        paris = items[0]
        assert paris.site == "https://daily.example.org"
        assert paris.author == "Lucie Moreau"
        assert paris.link == "https://daily.example.org/2016/11/13/paris-attacks/"
        assert paris.published == datetime.datetime(2016, 11, 13, 8, tzinfo=datetime.UTC)
        assert paris.modified == datetime.datetime(2022, 6, 29, 17, 30, tzinfo=datetime.UTC)
        assert [c.name for c in paris.categories] == ["Europe", "On This Day"]
        assert [t.slug for t in paris.tags] == ["paris", "terrorism"]

    def test_only_approved_comments_and_never_an_email(self):
        paris = next(wxr.read(FIXTURES / "block_editor.xml"))
        assert [(c.wp_id, c.author, c.parent_id) for c in paris.comments] == [
            (11, "Nadia", None),
            (15, "Omar", 11),
        ]
        assert paris.comments[0].text == "Thank you for remembering them."
        assert not any("@" in repr(c) for c in paris.comments)

    def test_unpublished_dates_and_unknown_logins(self):
        market = [i for i in wxr.read(FIXTURES / "classic_editor.xml") if i.slug == "market-day"]
        assert market[0].published is None
        assert market[0].author == "someone-gone"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("not_xml.xml", "not well-formed XML"),
            ("not_wxr.xml", "not a WordPress export"),
            ("entity.xml", "declares a DTD or entities"),
            ("external_entity.xml", "declares a DTD or entities"),
            ("unknown_encoding.xml", "encoding “x-made-up-8” is unknown"),
            ("truncated.xml", "not well-formed XML"),
        ],
    )
    def test_bad_files_are_refused_with_one_sentence(self, name, message):
        with pytest.raises(wxr.WXRError, match=message) as caught:
            list(wxr.read(FIXTURES / name))
        assert "\n" not in str(caught.value)

    def test_a_file_over_the_limit_is_refused_before_reading(self):
        with pytest.raises(wxr.WXRError, match="over the 0 MB import limit"):
            list(wxr.read(FIXTURES / "block_editor.xml", max_bytes=100))

    def test_memory_stays_flat_on_a_long_export(self, tmp_path):
        """Streaming: reading 10,000 posts holds about as much memory as reading a few."""
        path = tmp_path / "long.xml"
        source = (FIXTURES / "block_editor.xml").read_text()
        head, post = source.split("<item>")[0], source.split("<item>")[-1].split("</item>")[0]
        with path.open("w") as out:
            out.write(head)
            for number in range(10_000):
                out.write(f"<item>{post.replace('>103<', f'>{number}<')}</item>")
            out.write("</channel></rss>")
        tracemalloc.start()
        count = sum(1 for _ in wxr.read(path))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == 10_000
        assert path.stat().st_size > 7_000_000
        assert peak < 2_000_000


class TestCommand:
    def test_dry_run_prints_the_report(self):
        out = StringIO()
        call_command(
            "import_wordpress", str(FIXTURES / "block_editor.xml"), "--dry-run", stdout=out
        )
        report = out.getvalue()
        assert "paris-attacks (WordPress post 101, publish)" in report
        assert (
            "recognised: quotes 2, lede 1, related 2, updates 2, headings 1, timeline 5" in report
        )
        assert "Later that winter — Memorials of flowers cover the squares." in report
        assert "[timeline line whose date was not understood]" in report
        assert report.rstrip().endswith("3 posts read; nothing written (dry run).")

    def test_only_some_slugs(self):
        out = StringIO()
        call_command(
            "import_wordpress",
            str(FIXTURES / "classic_editor.xml"),
            "--dry-run",
            "--only",
            "voices",
            stdout=out,
        )
        assert "voices (WordPress post 202" in out.getvalue()
        assert "berlin-wall" not in out.getvalue()
        assert "1 post read" in out.getvalue()

    def test_long_passages_are_cut_in_the_report(self):
        out = StringIO()
        call_command(
            "import_wordpress", str(FIXTURES / "classic_editor.xml"), "--dry-run", stdout=out
        )
        assert (
            "    - The announcement at the evening press conference was unclear about when the new…"
            in (out.getvalue())
        )

    def test_a_bad_file_is_a_command_error(self):
        with pytest.raises(CommandError, match=r"truncated\.xml: The file is not well-formed XML"):
            call_command("import_wordpress", str(FIXTURES / "truncated.xml"), "--dry-run")

    def test_a_bad_file_gives_one_line_and_no_traceback(self):
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_wordpress",
                str(FIXTURES / "entity.xml"),
                "--dry-run",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.strip().count("\n") == 0
        assert "declares a DTD or entities" in result.stderr
        assert "Traceback" not in result.stderr
