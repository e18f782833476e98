"""
`manage.py import_wordpress EXPORT.xml [--dry-run] [--only SLUG …]`: bring in a WordPress
export (WXR 1.1/1.2).

``--dry-run`` prints, per post, what was recognised and every passage left in the body, so an
editor can see what to tidy before importing. Without it the posts are written (see
timeline.services.imports): the whole file is read and checked first, so a bad file gives one
error line and changes nothing; then new posts are written a batch at a time, each post whole
or not at all (one the database refuses is rolled back alone and named in the summary line).
Importing the same file again updates what changed and duplicates nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from comments.imports import import_comments
from timeline.imports import report, wxr
from timeline.services import imports


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

    def handle(self, *args, export, dry_run=False, only=None, **options):
        only = frozenset(only or ())
        try:
            if dry_run:
                lines = list(report.report(wxr.read(export), only=set(only)))
                self.stdout.write("\n".join(lines))
                return
            totals = imports.import_file(export, only=only, on_comments=import_comments)
        except wxr.WXRError as exc:
            raise CommandError(f"{export}: {exc}") from None
        self.stdout.write(totals.line())
