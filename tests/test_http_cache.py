"""
A real Varnish (Debian's varnishd with the xkey module and deploy/varnish/newsroom.vcl) in
front of the app: pages are kept, a committed write purges exactly the pages that show what it
changed and the others stay cached, and a purge that cannot be delivered never fails the save
and is delivered once the cache is reachable again.

Purges are soft by default: a purged page is stale, the next reader gets the kept copy once
while Varnish fetches the new one, and within a second everyone reads the new one. So "purged"
is asserted as "no longer fresh in the cache" and then "shows the new text within a second".
"""

import dataclasses
import datetime as dt
import gzip
import io
import shutil
import socket
import time
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command

from comments.models import Comment, CommentStatus
from comments.services import moderate
from httpcache.models import PendingPurge
from httpcache.varnish import VARNISHD, Varnish
from tests.factories import make_article, make_story, make_tag, make_update
from timeline import services
from timeline.models import Status

pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def varnish_for(live_server_module):
    if not shutil.which(VARNISHD):
        pytest.fail("These tests need Debian's varnish and varnish-modules (apt-get install).")
    backend = live_server_module.url.removeprefix("http://")
    started = []

    def start(**options):
        varnish = Varnish(listen=f"127.0.0.1:{free_port()}", backend=backend, **options).start()
        started.append(varnish)
        return varnish

    yield start
    for varnish in started:
        varnish.stop()


@pytest.fixture(scope="module")
def live_server_module(request):
    """The app served by a live server thread for the whole module (Varnish's backend)."""
    return request.getfixturevalue("live_server")


@pytest.fixture
def cache(varnish_for, settings):
    varnish = varnish_for()
    settings.HTTP_CACHE = {
        **settings.HTTP_CACHE,
        "BACKEND": "varnish",
        "PURGE_URLS": [f"http://{varnish.listen}/"],
    }
    return Reader(f"http://{varnish.listen}")


@dataclasses.dataclass
class Raw:
    headers: object
    body: bytes


class Reader:
    """A reader's browser pointed at Varnish: what came back, and whether Varnish had it."""

    FRESHNESS_SECONDS = 1.0  # no reader sees a page older than a save more than this after it

    def __init__(self, origin):
        self.origin = origin

    def fetch(self, path, headers=None):
        """(X-Cache, seconds of freshness Varnish had left or None on a miss, body)."""
        headers = {"X-Debug-Keys": "1", **(headers or {})}
        request = urllib.request.Request(self.origin + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            status, ttl = response.headers.get("X-Cache"), response.headers.get("X-Ttl")
            return status, float(ttl) if status == "HIT" else None, response.read().decode()

    def raw(self, path, headers=None):
        """The response as it came over the wire (urllib does not unzip): headers and bytes."""
        headers = {"X-Debug-Keys": "1", **(headers or {})}
        request = urllib.request.Request(self.origin + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return Raw(response.headers, response.read())

    def get(self, path, headers=None):
        status, _, body = self.fetch(path, headers)
        return status, body

    def warm(self, *paths):
        for path in paths:
            self.get(path)
            assert self.hit(path), f"{path} is not kept by Varnish"

    def hit(self, path):
        """Served from the cache, and fresh: nothing purged it."""
        status, ttl, _ = self.fetch(path)
        return status == "HIT" and ttl > 0

    def shows_within(self, path, text, seconds=FRESHNESS_SECONDS):
        """True once `path` shows `text`, polled for `seconds` after the save (the freshness)."""
        deadline = time.monotonic() + seconds
        while True:
            if text in self.fetch(path)[2]:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def published(**overrides):
    return make_article(comments_open=False, **overrides)


class TestVarnishKeepsPublicPages:
    def test_a_public_page_is_served_from_the_cache_the_second_time(self, cache):
        article = published(title="Kept by Varnish")
        first, body = cache.get(article.get_absolute_url())
        assert first == "MISS" and "Kept by Varnish" in body
        assert cache.get(article.get_absolute_url())[0] == "HIT"

    def test_the_keys_stay_between_the_app_and_varnish(self, cache):
        request = urllib.request.Request(cache.origin + "/")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers.get("xkey") is None

    def test_unknown_query_parameters_share_the_one_copy(self, cache):
        """A flood of made-up query strings cannot fill the cache: they map onto one page."""
        published()
        cache.warm("/")
        assert cache.hit("/?utm_source=flood")
        assert cache.hit("/?x=1&y=2")
        cache.get("/search/?q=reactor&utm_medium=x")
        assert cache.hit("/search/?utm_campaign=y&q=reactor")

    def test_a_signed_in_editor_always_goes_through(self, cache):
        published()
        cache.warm("/")
        status, _ = cache.get("/", headers={"Cookie": "sessionid=abc"})
        assert status == "MISS"
        status, _ = cache.get("/", headers={"Cookie": "sessionid=abc"})
        assert status == "MISS"

    def test_pages_go_out_compressed_to_browsers_and_plain_to_others(self, cache):
        article = published(title="Kept compressed")
        path = article.get_absolute_url()
        cache.warm(path)
        plain = cache.raw(path)
        packed = cache.raw(path, {"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert packed.headers["X-Cache"] == plain.headers["X-Cache"] == "HIT"
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in plain.headers
        assert gzip.decompress(packed.body) == plain.body
        assert "Kept compressed" in plain.body.decode()
        assert len(packed.body) < len(plain.body) / 3

    def test_only_the_app_servers_may_purge(self, varnish_for):
        varnish = varnish_for(purgers=("192.0.2.1",))
        request = urllib.request.Request(
            f"http://{varnish.listen}/", method="PURGE", headers={"xkey-purge": "site"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403


class TestExactPurges:
    def test_a_saved_update_purges_what_shows_it_and_nothing_else(self, cache):
        tag, lonely_tag = make_tag(name="Energy"), make_tag(name="Elsewhere")
        article = published(title="Reactor four")
        article.tags.add(tag)
        other_story = make_story(title="Another story", event_date=dt.date(2001, 9, 11))
        other = published(title="Untouched", story=other_story)
        other.tags.add(lonely_tag)
        touched = [
            article.get_absolute_url(),
            article.story.get_absolute_url(),
            "/",
            "/feed/",
            tag.get_absolute_url(),
            "/on-this-day/04-27/",
        ]
        untouched = [
            other.get_absolute_url(),
            other_story.get_absolute_url(),
            lonely_tag.get_absolute_url(),
            "/on-this-day/09-11/",
        ]
        cache.warm(*touched, *untouched)

        update = make_update(
            article,
            headline="An update for the anniversary",
            dated_at=dt.datetime(2026, 4, 27, 10, tzinfo=dt.UTC),
            status=Status.PUBLISHED,
        )

        assert update.pk
        for path in touched:
            assert not cache.hit(path), f"{path} was not purged"
        assert cache.shows_within(article.get_absolute_url(), "update for the anniversary")
        for path in untouched:
            assert cache.hit(path), f"{path} was purged though nothing on it changed"

    def test_a_comment_approval_purges_only_its_article(self, cache):
        article = make_article(title="With comments")
        other = published(title="Another")
        comment = Comment.objects.create(
            article=article, name="Ann", email="ann@example.org", body="Remembering the day."
        )
        cache.warm(article.get_absolute_url(), other.get_absolute_url(), "/")
        moderate(comments=Comment.objects.filter(pk=comment.pk), status=CommentStatus.APPROVED)
        assert not cache.hit(article.get_absolute_url())
        assert cache.shows_within(article.get_absolute_url(), "Remembering the day.")
        assert cache.hit("/")
        assert cache.hit(other.get_absolute_url())

    def test_run_schedule_publishing_an_article_purges_the_listings(self, cache):
        published(title="Already out")
        cache.warm("/", "/feed/")
        due = make_article(title="Due this morning", status=Status.DRAFT)
        services.schedule_article(
            article=due, publish_at=dt.datetime(2026, 4, 26, 7, tzinfo=dt.UTC)
        )
        call_command("run_schedule", "--now", "2026-04-26T08:00:00+00:00", stdout=io.StringIO())
        assert not cache.hit("/")
        assert not cache.hit("/feed/")
        assert cache.shows_within("/", "Due this morning")
        assert cache.shows_within("/feed/", "Due this morning")


class TestCacheDown:
    def test_a_save_succeeds_and_the_purge_waits_until_the_cache_is_back(self, cache, settings):
        article = published(title="Before the outage")
        cache.warm(article.get_absolute_url())
        reachable = settings.HTTP_CACHE["PURGE_URLS"]
        settings.HTTP_CACHE = {
            **settings.HTTP_CACHE,
            "PURGE_URLS": [f"http://127.0.0.1:{free_port()}/"],
        }

        article.title = "During the outage"
        article.save()  # the editor's save stands

        article.refresh_from_db()
        assert article.title == "During the outage"
        assert PendingPurge.objects.count() == 1
        assert cache.hit(article.get_absolute_url())  # the purge did not reach Varnish

        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "PURGE_URLS": reachable}
        call_command("purge_pending", stdout=io.StringIO())

        assert PendingPurge.objects.count() == 0
        assert not cache.hit(article.get_absolute_url())
        assert cache.shows_within(article.get_absolute_url(), "During the outage")

    def test_the_next_delivered_purge_also_delivers_the_ones_kept(self, cache, settings):
        first, second = published(title="First"), published(title="Second")
        cache.warm(first.get_absolute_url(), second.get_absolute_url())
        reachable = settings.HTTP_CACHE["PURGE_URLS"]
        settings.HTTP_CACHE = {
            **settings.HTTP_CACHE,
            "PURGE_URLS": [f"http://127.0.0.1:{free_port()}/"],
        }
        first.title = "First, edited while the cache was away"
        first.save()
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "PURGE_URLS": reachable}
        second.title = "Second, edited once it was back"
        second.save()
        assert PendingPurge.objects.count() == 0
        assert cache.shows_within(first.get_absolute_url(), "edited while the cache was away")


class TestSoftAndHardPurges:
    def test_after_a_soft_purge_one_reader_gets_the_kept_copy_then_everyone_the_new(self, cache):
        """No reader waits for a render after a save: the stale copy covers the refetch."""
        article = published(title="Soft before")
        cache.warm(article.get_absolute_url())
        article.title = "Soft after"
        article.save()
        status, ttl, body = cache.fetch(article.get_absolute_url())
        assert status == "HIT" and ttl <= 0 and "Soft before" in body  # stale, refetching
        assert cache.shows_within(article.get_absolute_url(), "Soft after")
        assert cache.hit(article.get_absolute_url())  # the new copy is kept again

    def test_a_hard_purge_drops_the_page_at_once(self, cache, settings):
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "SOFT_PURGE": False}
        article = published(title="Hard before")
        cache.warm(article.get_absolute_url())
        article.title = "Hard after"
        article.save()
        status, body = cache.get(article.get_absolute_url())
        assert status == "MISS" and "Hard after" in body

    def test_a_stale_copy_is_not_served_longer_than_the_freshness_budget(self, cache):
        article = published(title="Grace before")
        cache.warm(article.get_absolute_url())
        article.title = "Grace after"
        article.save()
        time.sleep(Reader.FRESHNESS_SECONDS + 0.2)  # nobody read it in the meantime
        status, body = cache.get(article.get_absolute_url())
        assert status == "MISS" and "Grace after" in body
