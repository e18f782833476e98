"""
run_schedule killed with SIGKILL midway, then a run whose database connection is cut midway
(what a PostgreSQL restart does to it): the next run finishes the work, and nothing exists
twice.

Real processes on the test database, so PostgreSQL only (SQLite's test database lives in
the test process's memory). bench/faults/faults.py does the same with a real restart.
"""

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.faults import scenario
from timeline.models import Edition, EditionKind

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="other processes need a shared database"
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = f"run_schedule_fault_{os.getpid()}"


def database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def start_run():
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PGAPPNAME": APP_NAME,  # to tell its server sessions from the test's own
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *scenario.RUN],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def runner_sessions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        return [pid for (pid,) in cursor.fetchall()]


def cut_connections():
    with connection.cursor() as cursor:
        for pid in runner_sessions():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def anniversaries(**filters):
    return Edition.objects.filter(kind=EditionKind.ANNIVERSARY, **filters).count()


def test_killed_run_and_cut_run_are_finished_by_the_next_with_no_duplicates():
    scenario.build(recurring=20, scheduled=4)

    killed = start_run()
    wait_for(lambda: anniversaries() >= 3)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=10)
    assert killed.returncode == -signal.SIGKILL
    assert (
        scenario.unfinished()["editions waiting"] or scenario.unfinished()["anniversaries missing"]
    ), "the run finished before it was killed: give it more work"
    # The killed process's server session ends, and with it its advisory lock.
    wait_for(lambda: not runner_sessions())

    cut = start_run()
    wait_for(lambda: anniversaries(status="live") >= 3)
    cut_connections()
    stdout, stderr = cut.communicate(timeout=60)
    assert cut.returncode != 0, "the run finished before its connection was cut"
    assert "failed" in stdout + stderr
    assert any(scenario.unfinished().values())
    wait_for(lambda: not runner_sessions())

    out = StringIO()
    call_command(*scenario.RUN, stdout=out)
    assert "failed" not in out.getvalue()
    assert scenario.unfinished() == dict.fromkeys(scenario.unfinished(), 0)
    assert scenario.duplicates() == []
    assert anniversaries(year=scenario.NOW.year) == 20
    assert anniversaries(status="live") == 20
