#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting the environment must give (SECRET_KEY, ALLOWED_HOSTS, ...): one line, no
        # traceback, and a non-zero exit for the shell or cron that ran the command.
        sys.exit(f"{os.path.basename(sys.argv[0])}: {exc}")


if __name__ == "__main__":
    main()
