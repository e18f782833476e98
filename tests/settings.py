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
