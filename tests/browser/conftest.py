"""
Browser tests: pip's Playwright driving Debian's chromium (Playwright's own browser download
cannot work here). Each test gets a fresh context against pytest-django's live server.

Screenshots go to test-output/ (git-ignored) so a person can look at what the reader saw.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output"

# Playwright's sync API runs an event loop in this thread; Django's async-unsafe guard would
# otherwise refuse the ORM calls that tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class InFlight:
    """
    Requests the live server is still answering. A page closed at the end of a test may leave
    one running (a presence ping, an autosave, a picture); flushing the database under that
    request waits on its locks or fails ("database is locked" on SQLite). Each test waits for
    the server to be idle before its flush.

    Only the live server's threads count: the test client answers in the test's own thread,
    and one of its responses never closed (a test that reads a streaming response only in
    part) would otherwise leave the count up for good, and every browser test after it in the
    process would wait out the timeout. A thread that ended is not waited for either.
    """

    def __init__(self):
        self.threads = set()
        self.idle = threading.Condition()

    def started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.idle:
            self.threads.add(threading.current_thread())

    def finished(self, **kwargs):
        with self.idle:
            self.threads.discard(threading.current_thread())
            self.idle.notify_all()

    def _idle(self):
        self.threads = {thread for thread in self.threads if thread.is_alive()}
        return not self.threads

    def wait(self, seconds=10):
        with self.idle:
            return self.idle.wait_for(self._idle, timeout=seconds)


IN_FLIGHT = InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-tests-in-flight")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-tests-in-flight")


@pytest.fixture(autouse=True)
def live_server_idle_before_flush():
    """Torn down after the test's pages (set up before them), before the database flush."""
    yield
    IN_FLIGHT.wait()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-output/ and return its path."""

    def take(name):
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def violations(page):
    """What the browser refused under the policy, from the console and from the DOM event."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.log('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI))"
    )
    return found
