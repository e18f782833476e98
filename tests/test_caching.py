"""
The anonymous page cache (timeline.site.page_cache): what is cached, for whom, with which headers,
and that no stale page is ever served once a change has committed. Also the static files' headers.
"""

import datetime as dt
import io
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, CommentStatus
from comments.services import moderate
from tests.factories import NOW, make_article, make_story, make_tag, make_update, make_user
from timeline import services
from timeline.models import Status
from timeline.site import page_cache as caching

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, in a local-memory cache and a generation file of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"default-{tmp_path.name}",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pages-{tmp_path.name}",
        },
    }
    settings.PAGE_CACHE = {
        **settings.PAGE_CACHE,
        "ENABLED": True,
        "GENERATION_FILE": tmp_path / "generation",
    }
    caches["pages"].clear()
    return caches["pages"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """
    Run a block as if its transaction committed (the page cache acts on commit).

    The test's own transaction never commits, so the invalidation its set-up registered would
    never run; it is dropped first, else the block's writes would count on it (one
    invalidation per transaction) and none would run either.
    """

    def block():
        drop_pending_invalidations()
        return django_capture_on_commit_callbacks(execute=True)

    return block


def drop_pending_invalidations():
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] is not caching._bump
    ]


def queries_for(client, url):
    """How many queries serving `url` took: none when it came from the page cache."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def closed_article(**overrides):
    """An article without a comment form: the same page for every reader."""
    return make_article(comments_open=False, **overrides)


class TestWhatIsCached:
    def test_an_anonymous_reader_is_served_the_cached_page_without_a_query(
        self, client, page_cache, django_assert_num_queries
    ):
        closed_article(title="Reactor four")
        first = client.get(HOME)
        with django_assert_num_queries(0):
            second = client.get(HOME)
        assert second.status_code == 200
        assert second.content == first.content
        assert "Reactor four" in second.text

    def test_cacheable_pages_say_so_to_browsers_and_cdns(self, client, page_cache):
        response = client.get(HOME)
        control = response["Cache-Control"]
        assert {"public", "max-age=60", "s-maxage=300"} <= set(control.replace(" ", "").split(","))
        assert "Cookie" in response["Vary"]
        assert response["ETag"].startswith('W/"')
        assert response["Last-Modified"]

    def test_a_head_request_is_answered_from_the_cache(
        self, client, page_cache, django_assert_num_queries
    ):
        client.get(HOME)
        with django_assert_num_queries(0):
            response = client.head(HOME)
        assert response.status_code == 200

    def test_a_matching_etag_gets_304(self, client, page_cache):
        etag = client.get(HOME)["ETag"]
        response = client.get(HOME, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag

    def test_an_unchanged_page_since_last_modified_gets_304(self, client, page_cache):
        modified = client.get(HOME)["Last-Modified"]
        assert client.get(HOME, headers={"If-Modified-Since": modified}).status_code == 304

    def test_a_cached_page_keeps_the_csp_nonce_it_was_rendered_with(self, client, page_cache):
        article = closed_article()
        client.get(article.get_absolute_url())
        response = client.get(article.get_absolute_url())
        nonce = re.search(r'nonce="([^"]+)"', response.text).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]

    def test_a_page_that_does_not_exist_is_not_cached(self, client, page_cache):
        client.get("/articles/no-such-article/")
        assert client.get("/articles/no-such-article/").status_code == 404
        assert not page_cache._cache  # nothing stored

    def test_nothing_is_cached_when_the_page_cache_is_off(self, client, settings, page_cache):
        settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": False}
        response = Client().get(HOME)
        assert "public" not in response.get("Cache-Control", "")
        assert not page_cache._cache


class TestNeverCachedFor:
    def test_signed_in_editors_get_a_fresh_private_page(
        self, client, page_cache, django_assert_max_num_queries
    ):
        closed_article(title="Cached for readers")
        client.get(HOME)
        editor = Client()
        editor.force_login(make_user())
        response = editor.get(HOME)
        assert "public" not in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert not response.has_header("ETag")

    def test_an_editor_never_gets_the_copy_cached_for_readers(self, client, page_cache):
        article = closed_article(title="Published title")
        client.get(article.get_absolute_url())
        editor = Client()
        editor.force_login(make_user())
        make_update(article, status=Status.DRAFT, body="A draft readers must not see.")
        assert "A draft readers must not see." in editor.get(article.get_absolute_url()).text
        assert "A draft readers must not see." not in client.get(article.get_absolute_url()).text

    def test_a_staff_preview_is_never_stored_nor_shown_to_readers(self, client, page_cache):
        draft = closed_article(status=Status.DRAFT, title="Secret draft")
        editor = Client()
        editor.force_login(make_user())
        preview = editor.get(draft.get_absolute_url())
        assert "Secret draft" in preview.text
        assert "no-store" in preview["Cache-Control"]
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_the_admin_is_never_cached(self, client, page_cache):
        response = client.get("/admin/login/")
        assert "public" not in response.get("Cache-Control", "")
        assert not page_cache._cache

    def test_a_post_is_never_answered_from_the_cache(self, client, page_cache):
        article = make_article()
        client.get(article.get_absolute_url())
        response = client.post(
            f"{article.get_absolute_url()}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "Thank you."},
        )
        assert response.status_code == 302

    def test_a_page_holding_a_visitors_csrf_token_is_never_stored(self, page_cache):
        """A future form with a token would be personal: each visitor gets their own render."""
        renders = []

        def view(request):
            renders.append(request)
            return HttpResponse(f"<form><input value='{get_token(request)}'></form>")

        middleware = caching.PageCacheMiddleware(view)
        first = middleware(RequestFactory().get("/a-form/"))
        second = middleware(RequestFactory().get("/a-form/"))
        assert len(renders) == 2
        assert first.content != second.content
        assert not page_cache._cache


class TestCommentForm:
    """The comment form holds no per-visitor token: its page is public; shared caches keep it."""

    def test_every_reader_gets_the_same_public_page_and_can_comment(self, page_cache):
        article = make_article()
        first = Client().get(article.get_absolute_url())  # someone else's visit fills the cache
        reader = Client(enforce_csrf_checks=True)
        page = reader.get(article.get_absolute_url())
        assert page.status_code == 200
        assert page.content == first.content
        assert "public" in page["Cache-Control"] and "s-maxage=" in page["Cache-Control"]
        assert not page.cookies
        assert 'id="comment-form"' in page.text and "csrfmiddlewaretoken" not in page.text
        response = reader.post(
            f"{article.get_absolute_url()}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "I was there."},
            HTTP_ORIGIN="http://testserver",
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        assert response.status_code == 302

    def test_the_cached_form_page_is_served_without_a_query(
        self, page_cache, django_assert_num_queries
    ):
        article = make_article()
        Client().get(article.get_absolute_url())
        with django_assert_num_queries(0):
            assert Client().get(article.get_absolute_url()).status_code == 200

    def test_the_thank_you_notice_is_shown_to_its_reader_only(self, page_cache):
        article = make_article()
        url = article.get_absolute_url()
        Client().get(url)
        reader = Client()
        response = reader.post(
            f"{url}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "I was there."},
            follow=True,
        )
        assert "awaiting moderation" in response.text
        assert "awaiting moderation" not in Client().get(url).text


class TestInvalidation:
    """Guards the one promise of the cache: once a change has committed, no page is stale."""

    def test_an_edited_article_shows_at_once_on_every_page_listing_it(
        self, client, page_cache, committed
    ):
        tag = make_tag(slug="chernobyl")
        article = closed_article(title="Old title")
        article.tags.add(tag)
        pages = [HOME, article.get_absolute_url(), tag.get_absolute_url(), "/feed/"]
        for url in pages:
            assert "Old title" in client.get(url).text
        with committed():
            article.title = "New title"
            article.save()
        for url in pages:
            text = client.get(url).text
            assert "New title" in text, url
            assert "Old title" not in text, url

    def test_a_new_update_shows_at_once(self, client, page_cache, committed):
        article = closed_article()
        client.get(article.get_absolute_url())
        with committed():
            services.add_update(article=article, body="The trial begins.", publish=True, now=NOW)
        assert "The trial begins." in client.get(article.get_absolute_url()).text

    def test_a_tag_added_shows_at_once(self, client, page_cache, committed):
        article = closed_article()
        client.get(article.get_absolute_url())
        with committed():
            article.tags.add(make_tag(name="Nuclear power"))
        assert "Nuclear power" in client.get(article.get_absolute_url()).text

    def test_a_comment_approved_by_a_moderator_shows_at_once(self, client, page_cache, committed):
        """Moderation writes with QuerySet.update(), which sends no signal: it says so itself."""
        article = make_article()
        comment = Comment.objects.create(
            article=article, name="Ann", email="ann@example.org", body="I remember that night."
        )
        assert "I remember that night." not in client.get(article.get_absolute_url()).text
        with committed():
            moderate(comments=Comment.objects.filter(pk=comment.pk), status=CommentStatus.APPROVED)
        assert "I remember that night." in client.get(article.get_absolute_url()).text

    def test_a_deleted_article_is_gone_at_once(self, client, page_cache, committed):
        article = closed_article(title="Soon gone")
        client.get(HOME)
        with committed():
            article.delete()
        assert "Soon gone" not in client.get(HOME).text

    def test_a_scheduled_article_published_by_run_schedule_shows_at_once(
        self, client, page_cache, committed
    ):
        closed_article(story=make_story(), status=Status.SCHEDULED, title="Due", publish_at=NOW)
        assert "Due" not in client.get(HOME).text
        with committed():
            call_command("run_schedule", now=NOW + dt.timedelta(minutes=1), stdout=io.StringIO())
        assert "Due" in client.get(HOME).text

    def test_pages_cached_while_a_write_is_in_flight_are_dropped_when_it_commits(
        self, client, page_cache, committed, django_assert_max_num_queries
    ):
        article = closed_article(title="Before")
        with committed():
            article.title = "After"
            article.save()
            client.get(HOME)
            with django_assert_max_num_queries(0):
                client.get(HOME)  # cached: the generation only moves at commit
        assert queries_for(client, HOME)  # rendered again: the copy made in flight was dropped

    def test_a_transaction_invalidates_once_however_many_rows_it_writes(
        self, django_capture_on_commit_callbacks
    ):
        article = make_article()
        drop_pending_invalidations()
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            for n in range(3):
                make_update(article, body=f"Update {n}")
        assert callbacks.count(caching._bump) == 1

    def test_history_rows_and_other_apps_do_not_invalidate(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            make_user()
        assert caching._bump not in callbacks

    def test_a_bump_in_another_process_reaches_this_one(
        self, client, page_cache, settings, django_assert_max_num_queries
    ):
        """Every process of the host reads the same generation file."""
        closed_article(title="Shared")
        client.get(HOME)
        caching.FileGeneration(settings.PAGE_CACHE["GENERATION_FILE"]).bump()
        assert queries_for(client, HOME)  # rendered afresh: the cached copy was dropped


class TestSharedCache:
    """With a shared cache (Redis in production) the generation lives in that cache."""

    @pytest.fixture
    def shared_pages(self, settings, tmp_path):
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "pages"),
            },
        }
        settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": True}
        caches["pages"].clear()
        return caches["pages"]

    def test_servers_sharing_the_cache_all_see_a_change(self, shared_pages, committed):
        article = closed_article(title="First")
        one, two = Client(), Client()
        one.get(HOME)
        assert "First" in two.get(HOME).text
        with committed():
            article.title = "Second"
            article.save()
        assert "Second" in one.get(HOME).text
        assert "Second" in two.get(HOME).text

    def test_a_lost_generation_key_never_brings_back_old_pages(self, shared_pages, committed):
        article = closed_article(title="Old")
        Client().get(HOME)
        with committed():
            article.title = "New"
            article.save()
        shared_pages.delete(caching.GENERATION_KEY)  # evicted, or Redis restarted
        assert "New" in Client().get(HOME).text


class TestCacheFailures:
    """A cache that errors or is unreachable costs speed, never a page."""

    def test_a_failing_cache_falls_back_to_rendering(self, client, page_cache, monkeypatch):
        def broken(*args, **kwargs):
            raise ConnectionError("cache down")

        monkeypatch.setattr(page_cache, "get", broken)
        monkeypatch.setattr(page_cache, "set", broken)
        closed_article(title="Still served")
        for _ in range(2):
            response = client.get(HOME)
            assert response.status_code == 200
            assert "Still served" in response.text

    def test_a_dead_redis_takes_nothing_down(self, settings, committed):
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "newsroom.cache.FailSoftRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
                "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
            },
        }
        settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": True}
        article = closed_article(title="Served without Redis")
        response = Client().get(HOME)
        assert response.status_code == 200
        assert "Served without Redis" in response.text
        with committed():  # the invalidation fails soft too: the write stands
            article.title = "Edited without Redis"
            article.save()
        assert "Edited without Redis" in Client().get(HOME).text


class TestStaticFiles:
    def test_hashed_static_files_are_served_compressed_and_cached_for_a_year(
        self, settings, tmp_path
    ):
        """What `collectstatic` makes in production: hashed names, gzip, immutable."""
        settings.STATIC_ROOT = tmp_path / "static"
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        call_command("collectstatic", "--no-input", verbosity=0)
        from django.templatetags.static import static

        url = static("css/site.css")
        assert re.search(r"site\.[0-9a-f]{12}\.css$", url)
        response = Client().get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "gzip"
