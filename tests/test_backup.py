"""
A full story with its revision history survives a backup and a restore: Django's own
dumpdata/loaddata (both databases), and pg_dump/pg_restore as docs/OPERATIONS.md tells the
operator to run them (PostgreSQL).
"""

import os
import re
import shutil
import subprocess
import uuid
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from timeline.models import Article, Story, TimelineEntry

pytestmark = pytest.mark.django_db

# Rebuilt by migrate/flush themselves, or not worth keeping (sessions expire anyway).
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions"]


def backed_up_models():
    skipped = {label.lower() for label in NOT_BACKED_UP}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in skipped
        and model._meta.label_lower not in skipped
    ]


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in backed_up_models()}


def load_demo():
    call_command("load_demo", stdout=StringIO())


def story_as_readers_see_it(client):
    """The article page, less what changes with every response (nonce, form token)."""
    article = Article.objects.filter(story__isnull=False).order_by("pk").first()
    page = client.get(article.get_absolute_url()).content.decode()
    return re.sub(r'(nonce|value)="[A-Za-z0-9_-]{20,}"', r'\1=""', page)


def test_story_with_its_history_survives_dumpdata_and_loaddata(tmp_path, client):
    load_demo()
    before = row_counts()
    article = Article.objects.filter(story__isnull=False).order_by("pk").first()
    reasons = sorted(article.history.values_list("history_change_reason", flat=True))
    assert before["timeline.HistoricalArticle"] > 0 and any(reasons)
    page = story_as_readers_see_it(client)

    backup = tmp_path / "newsroom.json"
    # Models with no table of their own (a home for permissions) have no rows to dump.
    tableless = [m._meta.label for m in apps.get_models() if not m._meta.managed]
    excluded = [f"--exclude={label}" for label in NOT_BACKED_UP + tableless]
    call_command(
        "dumpdata", "--natural-foreign", "--natural-primary", *excluded, output=str(backup)
    )
    if connection.vendor == "postgresql":
        # Inside the test's transaction, deferred foreign-key checks would block TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--no-input", verbosity=0)
    assert Story.objects.count() == TimelineEntry.objects.count() == 0
    if connection.vendor == "postgresql":
        # Back to how loaddata runs outside a test: foreign keys checked once all rows are in
        # (a story may come before the picture it names).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("loaddata", str(backup), verbosity=0)

    assert row_counts() == before
    restored = Article.objects.get(pk=article.pk)
    assert sorted(restored.history.values_list("history_change_reason", flat=True)) == reasons
    assert story_as_readers_see_it(client) == page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore: PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs the PostgreSQL client tools")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_keep_every_row(tmp_path):
    """The commands of docs/OPERATIONS.md, into a fresh database, compared table by table."""
    import psycopg

    load_demo()
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    where = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    who = ["-U", settings["USER"]]
    dump = tmp_path / "newsroom.dump"
    copy = f"restore_{uuid.uuid4().hex[:12]}"
    subprocess.run(
        ["pg_dump", *where, *who, "--format=custom", f"--file={dump}", settings["NAME"]],
        env=env,
        check=True,
    )
    subprocess.run(["createdb", *where, *who, copy], env=env, check=True)
    try:
        restore = ["pg_restore", *where, *who, "--no-owner", "--exit-on-error"]
        subprocess.run([*restore, f"--dbname={copy}", str(dump)], env=env, check=True)
        tables = [model._meta.db_table for model in backed_up_models()]
        params = connection.get_connection_params()
        keep = {"user", "password", "host", "port"}
        with psycopg.connect(
            dbname=copy, **{k: v for k, v in params.items() if k in keep}
        ) as restored:
            for table in tables:
                with connection.cursor() as cursor:
                    cursor.execute(f'SELECT count(*) FROM "{table}"')
                    original = cursor.fetchone()[0]
                count = restored.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                assert count == original, table
            reasons = restored.execute(
                "SELECT count(*) FROM timeline_historicalarticle WHERE history_change_reason <> ''"
            ).fetchone()[0]
            assert reasons > 0
    finally:
        subprocess.run(
            ["dropdb", *where, *who, "--force", "--if-exists", copy], env=env, check=True
        )
