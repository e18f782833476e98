import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from httpcache import purge
from notifications import services as notices
from notifications import triggers
from timeline.editions import schedule
from timeline.models import PUBLICATION_YEARS


def aware_datetime(value):
    """--now as an aware moment; a bad one is one line of usage error (exit 2), no traceback."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not an ISO 8601 date-time.") from None
    if not PUBLICATION_YEARS.first <= moment.year <= PUBLICATION_YEARS.last:
        raise argparse.ArgumentTypeError(
            f"“{value}” is outside the years {PUBLICATION_YEARS.first} to {PUBLICATION_YEARS.last}."
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Publish scheduled articles and updates, prepare coming anniversary editions and make "
        "due editions live. Safe to run every few minutes on any number of servers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=aware_datetime,
            help="Act as if it were this moment (ISO 8601; naive means the newsroom's zone).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen.")

    def handle(self, *args, now=None, dry_run=False, **options):
        now = (now or timezone.now()).astimezone(dt.UTC)
        try:
            report = schedule.run(now=now, dry_run=dry_run)
        except Exception as exc:
            raise CommandError(f"run_schedule failed: {exc}") from exc
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(report.summary)
        if not dry_run and not report.busy:
            # Notices are kept to one each by their unique constraint: safe on every server.
            triggers.after_schedule_run(report)
            notices.send_digests(now=now)
        if not dry_run:
            # Purges the shared cache missed while it was down go out now, at the latest.
            delivered, pending = purge.deliver_pending()
            if delivered or pending:
                self.stdout.write(f"Cache purges: {delivered} delivered, {pending} pending.")
        if report.failures:
            raise CommandError(f"{len(report.failures)} action(s) failed: {report.failures[0]}")
