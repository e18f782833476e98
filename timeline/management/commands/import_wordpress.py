"""
`manage.py import_wordpress EXPORT.xml [--dry-run] [--only SLUG …] [--media-root DIR]
[--fetch-media [--media-host HOST …]]`: bring in a WordPress export (WXR 1.1/1.2).

``--dry-run`` prints, per post, what was recognised and every passage left in the body, so an
editor can see what to tidy before importing. Without it the posts are written (see
timeline.services.imports): the whole file is read and checked first, so a bad file gives one
error line and changes nothing; then new posts are written a batch at a time, each post whole
or not at all (one the database refuses is rolled back alone and named in the summary line).
Importing the same file again updates what changed and duplicates nothing.

Pictures (the posts' own and their featured images) are brought into the library first when
asked (timeline.services.import_pictures): from a copy of the site's ``wp-content/uploads``
(``--media-root``) and/or downloaded from the export's own site (``--fetch-media``). Without
either, each picture is left as a link to where it was, and the summary line says so.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comments.imports import import_comments
from timeline.imports import report, wxr
from timeline.services import import_pictures, imports


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts, their parts, past editions and comments."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress's Tools → Export wrote.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )
        parser.add_argument(
            "--only", nargs="+", metavar="SLUG", help="Only the posts with these slugs."
        )
        parser.add_argument(
            "--media-root",
            metavar="DIR",
            help="A copy of the site's wp-content/uploads: the pictures are brought from it.",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download the pictures from the site the export comes from.",
        )
        parser.add_argument(
            "--media-host",
            nargs="+",
            default=(),
            metavar="HOST",
            help="Other hosts --fetch-media may download from (a CDN the site used).",
        )

    def handle(self, *args, export, dry_run=False, only=None, **options):
        only = frozenset(only or ())
        media = None
        if options.get("media_root") or options.get("fetch_media"):
            root = Path(options["media_root"]) if options.get("media_root") else None
            if root is not None and not root.is_dir():
                raise CommandError(f"--media-root {root}: no such folder.")
            hosts = frozenset(options.get("media_host") or ())
            media = import_pictures.Options(
                media_root=root, fetch=options.get("fetch_media", False), hosts=hosts
            )
        try:
            if dry_run:
                lines = list(report.report(wxr.read(export), only=set(only)))
                self.stdout.write("\n".join(lines))
                return
            totals = imports.import_file(
                export, only=only, on_comments=import_comments, media=media
            )
        except wxr.WXRError as exc:
            raise CommandError(f"{export}: {exc}") from None
        self.stdout.write(totals.line())
