"""Shared start-up for the benchmark scripts: Django on a scratch database or the named one."""

import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def configure():
    """Django on the database the environment names (a script that writes to it)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

    import django

    django.setup()


def setup():
    """Django on a scratch database (unless DATABASE_URL names one), migrated, logs quiet."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["TESTING"] = "1"  # plain static storage: nothing to collect
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    warnings.filterwarnings("ignore", message="No directory at")

    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    logging.disable(logging.CRITICAL)  # a line per request would drown the figures
    setup_test_environment()
    call_command("migrate", verbosity=0)


def on_bench_data(fragments: str):
    """
    Django in this process as bench/run.py's servers run it (bench.settings; BENCH_FRAGMENTS
    as given unless the environment sets it: "0" the fragment cache off), on the database
    DATABASE_URL names, read only; static files from the finders, logs quiet.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("BENCH_FRAGMENTS", fragments)
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("LOG_REQUESTS", "0")
    os.environ.setdefault("TESTING", "1")  # static files from the finders: no collectstatic

    import django

    django.setup()
