"""Test settings: the real settings module with the environment a test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ["TESTING"] = "1"
os.environ.setdefault("TASKS_BACKEND", "immediate")

from newsroom.settings import *  # noqa: F403

# Hashing passwords properly is slow on purpose; tests only need it to work.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests serve static files from the finders; there is no collectstatic output to look at.
STATIC_ROOT = None

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default in-memory test database. In memory, the live server's threads
    # share the test's one connection, and concurrent requests (Varnish's background fetches, a
    # page's presence pings) can deadlock inside SQLite; a file gives each thread its own
    # connection, as the embedded demo runs. /dev/shm keeps it in memory all the same.
    import tempfile

    _scratch = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_scratch, f"newsroom-tests-{os.getpid()}.sqlite3")
    }
