"""
Hardening: the production settings pass Django's deploy checks, every response carries the
security headers, the admin is throttled and never cached, sessions expire, and error pages
give nothing away.

Production values are read from the real settings module loaded in a fresh process with a
production environment, then applied to the test run with override_settings, so these tests
check what production runs rather than a copy of it.
"""

import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import timezone

from newsroom.logging import JsonFormatter
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
HOST = "news.example.org"
# What the deploy checks and the headers depend on.
PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
]


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE comes from the browser tests' conftest when they share
        # the process; production never sets it, and the deploy checks rightly complain.
        if key
        not in {
            "TESTING",
            "SECURE_SSL_REDIRECT",
            "SECURE_COOKIES",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def production():
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(done.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def live_settings(production):
    """The production values in force for one test (requests must then say secure=True)."""
    with override_settings(**production, ALLOWED_HOSTS=[HOST, "testserver"]):
        yield production


@pytest.fixture
def superuser():
    return make_user(is_superuser=True)


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def csp_nonce(response):
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


def assert_inline_code_carries_the_nonce(response):
    """No inline script or style runs under the policy unless it has this response's nonce."""
    nonce = csp_nonce(response)
    for tag, attrs in Tags(response.content.decode()).tags:
        assert "style" not in attrs, f"inline style attribute on <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"event handler on <{tag}>"
        if tag == "style" or (tag == "script" and "src" not in attrs):
            if attrs.get("type") in ("application/json",):
                continue
            assert attrs.get("nonce") == nonce, f"<{tag} {attrs}> lacks the nonce"


def assert_no_inline_code_runs(response):
    """No inline script, style or event handler: the policy allows none (no nonce either)."""
    for tag, attrs in Tags(response.content.decode()).tags:
        assert "style" not in attrs, f"inline style attribute on <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"event handler on <{tag}>"
        if tag == "style" or (tag == "script" and "src" not in attrs):
            assert attrs.get("type") in ("application/json", "application/ld+json"), (
                f"inline <{tag} {attrs}>"
            )


class TestDeployChecks:
    def test_production_settings_pass_the_deploy_checks_with_no_warning(self):
        done = manage("check", "--deploy", "--fail-level", "WARNING")
        assert done.returncode == 0, done.stderr
        assert "System check identified no issues" in done.stdout

    def test_deploy_checks_catch_a_weak_secret_key(self):
        """Guards the test above: the checks do run on these settings and can fail."""
        done = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="short")
        assert done.returncode != 0
        assert "security.W009" in done.stderr

    def test_production_refuses_to_start_without_a_secret_key(self):
        done = manage("check", SECRET_KEY="")
        assert done.returncode != 0
        # One line saying what to do, not a traceback.
        assert done.stderr.strip().splitlines() == [
            "manage.py: Set SECRET_KEY in the environment (or DEBUG=1 for local work)."
        ]

    def test_production_values(self, production):
        assert production["DEBUG"] is False
        assert production["SECURE_SSL_REDIRECT"] is True
        assert production["SECURE_HSTS_SECONDS"] >= 31536000
        assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
        assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
        assert production["SESSION_COOKIE_AGE"] <= 12 * 3600
        assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


class TestHeaders:
    def test_public_page_sends_every_security_header(self, client, live_settings):
        article = make_article()
        response = client.get(article.get_absolute_url(), secure=True, HTTP_HOST=HOST)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        # No inline code runs at all: the page's only script is its JSON-LD, a data block.
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert_no_inline_code_runs(response)

    def test_a_public_page_carries_no_nonce(self, client, live_settings):
        """A shared cache serves one copy to every reader: nothing in it may be per visitor."""
        url = make_article().get_absolute_url()
        first = client.get(url, secure=True, HTTP_HOST=HOST)
        second = client.get(url, secure=True, HTTP_HOST=HOST)
        assert "nonce" not in first["Content-Security-Policy"]
        assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
        assert "nonce" not in first.content.decode()

    def test_plain_http_is_sent_to_https_but_health_probes_are_answered(
        self, client, live_settings
    ):
        response = client.get("/", HTTP_HOST=HOST)
        assert response.status_code == 301
        assert response["Location"] == f"https://{HOST}/"
        assert client.get("/healthz", HTTP_HOST=HOST).status_code == 200
        assert client.get("/readyz", HTTP_HOST=HOST).status_code == 200

    def test_behind_the_proxy_https_is_recognised(self, client, live_settings):
        response = client.get("/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200


class TestAdmin:
    def login(self, client, user, **extra):
        return client.post(
            reverse("admin:login"),
            {"username": user.username, "password": user.raw_password, "next": "/admin/"},
            secure=True,
            HTTP_HOST=HOST,
            **extra,
        )

    def test_admin_pages_run_under_the_csp_with_nonces(self, client, live_settings, superuser):
        make_article()
        client.force_login(superuser)
        for url in [
            reverse("admin:index"),
            reverse("admin:timeline_article_changelist"),
            reverse("admin:timeline_article_add"),
            reverse("admin:timeline_story_add"),
        ]:
            response = client.get(url, secure=True, HTTP_HOST=HOST)
            assert response.status_code == 200, url
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
            assert_inline_code_carries_the_nonce(response)

    def test_admin_pages_are_never_stored(self, client, live_settings, superuser):
        login_page = client.get(reverse("admin:login"), secure=True, HTTP_HOST=HOST)
        client.force_login(superuser)
        index = client.get(reverse("admin:index"), secure=True, HTTP_HOST=HOST)
        missing = client.get("/admin/timeline/nothing-here/", secure=True, HTTP_HOST=HOST)
        assert missing.status_code == 404
        for response in (login_page, index, missing):
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]

    def test_session_and_csrf_cookies_are_secure_http_only_and_end_with_the_browser(
        self, client, live_settings, superuser
    ):
        client.get(reverse("admin:login"), secure=True, HTTP_HOST=HOST)
        response = self.login(client, superuser)
        assert response.status_code == 302
        session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
        for cookie in (session, csrf):
            assert cookie["secure"] is True
            assert cookie["httponly"] is True
            assert cookie["samesite"] == "Lax"
        assert session["max-age"] == "" and session["expires"] == ""

    def test_session_expires_on_the_server_after_its_age(self, client, superuser):
        client.force_login(superuser)
        assert client.get(reverse("admin:index")).status_code == 200
        stored = Session.objects.get()
        assert stored.expire_date <= timezone.now() + timezone.timedelta(hours=12, minutes=1)
        Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_weak_passwords_are_refused(self, superuser):
        for weak in ["password", "12345678901", "short", superuser.username + "1"]:
            with pytest.raises(ValidationError):
                validate_password(weak, user=superuser)
        validate_password("correct horse battery staple", user=superuser)


class TestSignInThrottling:
    LOGIN = "/admin/login/"

    def attempt(self, client, username, password, **extra):
        return client.post(
            self.LOGIN,
            {"username": username, "password": password, "next": "/admin/"},
            **extra,
        )

    def fail(self, client, user, **extra):
        """Fail as many times as allowed: the last failure is answered with the lock."""
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = self.attempt(client, user.username, "wrong-password", **extra)
            assert response.status_code == 200
            assert "Please enter the correct username and password" in response.text
        response = self.attempt(client, user.username, "wrong-password", **extra)
        assert response.status_code == 429

    def test_locked_after_the_failure_limit_even_with_the_right_password(self, client):
        user = make_user()
        self.fail(client, user)
        response = self.attempt(client, user.username, user.raw_password)
        assert response.status_code == 429
        assert "Sign-in paused" in response.text
        assert f"paused for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in response.text
        assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        assert "no-store" in response["Cache-Control"]
        assert "_auth_user_id" not in client.session

    def test_lock_is_kept_in_the_database_so_every_app_server_sees_it(self):
        """A fresh client with an empty cache stands for another app server."""
        from axes.models import AccessAttempt
        from django.core.cache import cache

        user = make_user()
        self.fail(Client(), user)
        assert AccessAttempt.objects.get(username=user.username).failures_since_start == (
            settings.AXES_FAILURE_LIMIT
        )
        cache.clear()
        response = self.attempt(Client(), user.username, user.raw_password)
        assert response.status_code == 429

    def test_a_colleague_signs_in_while_another_account_is_locked(self, client):
        locked, colleague = make_user(), make_user()
        self.fail(client, locked)
        response = self.attempt(client, colleague.username, colleague.raw_password)
        assert response.status_code == 302

    def test_the_cool_off_ends_the_lock(self, client):
        from axes.models import AccessAttempt

        user = make_user()
        self.fail(client, user)
        past = timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
        AccessAttempt.objects.update(attempt_time=past)
        assert self.attempt(client, user.username, user.raw_password).status_code == 302

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(self, client):
        user = make_user()
        # The client forges a left-hand entry; the proxy appends the address it really saw.
        self.fail(client, user, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
        locked = self.attempt(
            client,
            user.username,
            user.raw_password,
            HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7",
        )
        assert locked.status_code == 429
        elsewhere = self.attempt(
            client, user.username, user.raw_password, HTTP_X_FORWARDED_FOR="198.51.100.2"
        )
        assert elsewhere.status_code == 302


class TestClientAddress:
    def request(self, forwarded=None, remote="10.0.0.2"):
        from django.test import RequestFactory

        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    def test_without_proxies_the_peer_address_is_used_and_the_header_ignored(self):
        from newsroom.middleware import client_ip

        with override_settings(TRUSTED_PROXY_COUNT=0):
            assert client_ip(self.request("203.0.113.7")) == "10.0.0.2"

    @pytest.mark.parametrize(
        ("proxies", "forwarded", "expected"),
        [
            (1, "203.0.113.7", "203.0.113.7"),
            (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
            (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
            (2, "203.0.113.7", "10.0.0.2"),  # did not come through both proxies
            (1, "not-an-address", "10.0.0.2"),
            (1, "2001:db8::1", "2001:db8::1"),
        ],
    )
    def test_behind_proxies_the_entry_they_appended_is_used(self, proxies, forwarded, expected):
        from newsroom.middleware import client_ip

        with override_settings(TRUSTED_PROXY_COUNT=proxies):
            assert client_ip(self.request(forwarded)) == expected


# ------------------------------------------------------------------ error pages


def boom(request):
    raise RuntimeError(f"secret detail {settings.SECRET_KEY}")


def boom_database(request):
    raise OperationalError("server closed the connection unexpectedly at 10.1.2.3:5432")


urlpatterns = [
    path("boom/", boom),
    path("boom-database/", boom_database),
    path("", include("newsroom.urls")),
]
handler500 = "newsroom.views.server_error"


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def log_lines():
    """What the configured log handler writes, one parsed JSON object a line."""
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    original, handler.stream = handler.stream, stream
    formatter, handler.formatter = handler.formatter, JsonFormatter()
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.stream, handler.formatter = original, formatter


def assert_gives_nothing_away(response):
    text = response.text
    for leak in [
        settings.SECRET_KEY,
        "Traceback",
        "secret detail",
        "RuntimeError",
        "OperationalError",
        "10.1.2.3",
        "DATABASES",
        "INSTALLED_APPS",
        "settings.py",
    ]:
        assert leak not in text


@pytest.mark.urls("tests.test_security")
class TestErrorPages:
    def test_debug_is_off(self):
        assert settings.DEBUG is False

    def test_a_crash_is_a_generic_500_page(self, quiet_client):
        response = quiet_client.get("/boom/")
        assert response.status_code == 500
        assert "Something went wrong" in response.text
        assert_gives_nothing_away(response)

    def test_a_crash_is_logged_once_with_its_traceback_and_request_id(
        self, quiet_client, log_lines
    ):
        response = quiet_client.get("/boom/", HTTP_X_REQUEST_ID="support-ticket-42")
        assert response["X-Request-ID"] == "support-ticket-42"
        errors = [line for line in log_lines() if line["level"] == "ERROR"]
        assert len(errors) == 1
        (error,) = errors
        assert error["request_id"] == "support-ticket-42"
        assert "RuntimeError" in error["exc"]
        assert all(line["request_id"] == "support-ticket-42" for line in log_lines())

    def test_losing_the_database_is_a_503_to_retry(self, quiet_client, log_lines):
        response = quiet_client.get("/boom-database/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "no-store" in response["Cache-Control"]
        assert "Briefly unavailable" in response.text
        assert_gives_nothing_away(response)
        warnings = [line for line in log_lines() if line["level"] in ("WARNING", "ERROR")]
        assert len(warnings) == 1
        assert "database unavailable" in warnings[0]["message"]

    def test_unknown_address_is_a_generic_404(self, quiet_client):
        response = quiet_client.get("/no/such/page/<script>/")
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert "<script>" not in response.text
        assert "urlpatterns" not in response.text and "boom" not in response.text

    def test_unknown_host_is_a_generic_400(self, quiet_client):
        response = quiet_client.get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "Bad request" in response.text
        assert "ALLOWED_HOSTS" not in response.text and "evil.example" not in response.text

    def test_form_sent_without_its_token_is_a_clear_403(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/admin/login/", {"username": "a", "password": "b"})
        assert response.status_code == 403
        assert "This form has expired" in response.text
        assert "CSRF" not in response.text


class TestRequestId:
    def test_a_new_id_is_made_for_each_request(self, client):
        first, second = client.get("/healthz"), client.get("/")
        assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
        assert first["X-Request-ID"] != second["X-Request-ID"]

    @pytest.mark.parametrize("forged", ["x" * 65, "a b", "id\r\nSet-Cookie: x=1", "é", ""])
    def test_an_unsafe_incoming_id_is_replaced(self, client, forged):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])

    def test_access_log_line_names_the_request(self, client, log_lines, caplog):
        caplog.set_level(logging.INFO, logger="newsroom.request")  # whatever LOG_REQUESTS says
        client.get("/", HTTP_X_REQUEST_ID="abc-123")
        (line,) = [line for line in log_lines() if line["logger"] == "newsroom.request"]
        assert line["request_id"] == "abc-123"
        assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
        assert line["duration_ms"] >= 0
        assert time.strptime(line["time"][:19], "%Y-%m-%dT%H:%M:%S")

    def test_djangos_own_error_lines_carry_the_id_too(self, client, log_lines):
        """Django logs a 4xx or 5xx after the middleware has returned: the id is still set."""
        response = client.get("/no/such/page/", HTTP_X_REQUEST_ID="lost-page-7")
        assert response.status_code == 404
        (line,) = [line for line in log_lines() if line["logger"] == "django.request"]
        assert line["request_id"] == "lost-page-7"
