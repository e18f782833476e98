"""
`manage.py load_demo`: the demo stories with every part of an "On This Day" post, and two
logins: an editor (the Editor role, as a newsroom's editors have it) and an administrator.

Safe to run again and again: it only saves what differs from the demo data, so a second run
writes nothing. It never changes the demo logins' password once set, unless asked to.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from timeline import demo


class Command(BaseCommand):
    help = "Load (or bring up to date) the demo story, articles and the demo editor account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=(
                "Password for the demo logins, editor and admin (default: $DEMO_EDITOR_PASSWORD, "
                f"else {demo.DEFAULT_PASSWORD!r}). Used only when an account is created."
            ),
        )
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Set the demo logins' password even if the accounts already exist.",
        )

    def handle(self, *args, password=None, reset_password=False, **options):
        password = password or os.environ.get("DEMO_EDITOR_PASSWORD") or demo.DEFAULT_PASSWORD
        try:
            result = demo.load_demo(password=password, reset_password=reset_password)
        # Any failure rolls the whole load back; the operator gets one line (--traceback: all).
        except Exception as exc:
            raise CommandError(f"Could not load the demo content: {_one_line(exc)}") from exc
        self.stdout.write(result.summary())
        for line in result.login_lines(f"{settings.SITE_URL}{reverse('admin:index')}"):
            self.stdout.write(line)


def _one_line(exc):
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__
