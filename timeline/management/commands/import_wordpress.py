"""
`manage.py import_wordpress EXPORT.xml [--dry-run] [--only SLUG …]`: bring in a WordPress
export (WXR 1.1/1.2).

For now only the reading half exists: ``--dry-run`` prints, per post, what was recognised and
every passage left in the body, so an editor can see what to tidy before importing. The whole
file is read before anything is printed, so a file that breaks off half-way gives one error
line and no partial report. Without ``--dry-run`` the command refuses: the write step is not
built yet.
"""

from django.core.management.base import BaseCommand, CommandError

from timeline.imports import report, wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR). Only --dry-run is available so far."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress's Tools → Export wrote.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )
        parser.add_argument(
            "--only", nargs="+", metavar="SLUG", help="Only the posts with these slugs."
        )

    def handle(self, *args, export, dry_run=False, only=None, **options):
        if not dry_run:
            raise CommandError(
                "Importing is not built yet: only --dry-run (the report) is available."
            )
        try:
            lines = list(report.report(wxr.read(export), only=set(only or ())))
        except wxr.WXRError as exc:
            raise CommandError(f"{export}: {exc}") from None
        self.stdout.write("\n".join(lines))
