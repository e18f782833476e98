"""
What a shared cache in front (Varnish, a CDN) may keep, for whom, with which headers and keys
(httpcache.middleware), and which keys each write purges (timeline.site.surrogate_keys). The
same against a real Varnish: tests/test_http_cache.py. Also the static files' headers.
"""

import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from comments.models import Comment, CommentStatus
from comments.services import moderate
from httpcache import keys as surrogate_keys
from httpcache.middleware import SharedCacheMiddleware
from tests.factories import (
    make_article,
    make_category,
    make_entry,
    make_story,
    make_tag,
    make_update,
    make_user,
)
from timeline.models import Status
from timeline.site import surrogate_keys as keys

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def varnish_keys(settings):
    """Responses name their keys in the xkey header, as they do in front of Varnish."""
    settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}


def closed_article(**overrides):
    """An article without a comment form: the same page for every reader."""
    return make_article(comments_open=False, **overrides)


def shown_keys(response):
    return set(response["xkey"].split())


def control(response):
    return set(response.get("Cache-Control", "").replace(" ", "").split(","))


class TestWhatIsShared:
    def test_public_pages_say_so_to_browsers_and_shared_caches(self, client):
        response = client.get(HOME)
        assert {"public", "max-age=0", "s-maxage=86400"} <= control(response)
        assert response["ETag"]

    def test_a_matching_etag_gets_304(self, client):
        closed_article()
        etag = client.get(HOME)["ETag"]
        response = client.get(HOME, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""

    def test_a_public_page_carries_nothing_per_visitor(self, client):
        """No nonce, no token, no cookie: the copy a shared cache keeps fits every reader."""
        article = make_article()
        first, second = (
            Client().get(article.get_absolute_url()),
            client.get(article.get_absolute_url()),
        )
        assert first.content == second.content
        assert "nonce" not in first["Content-Security-Policy"]
        assert not re.search(r"nonce=", first.text)
        assert not first.cookies

    def test_a_page_that_does_not_exist_is_not_shared(self, client):
        response = client.get("/articles/no-such-article/")
        assert response.status_code == 404
        assert "public" not in control(response)

    def test_a_page_that_names_no_keys_is_not_shared(self):
        """The safe default: only views that say what they show may be kept."""
        response = SharedCacheMiddleware(lambda request: HttpResponse("hello"))(
            RequestFactory().get("/something/")
        )
        assert "public" not in control(response)


class TestNeverSharedFor:
    def test_signed_in_editors_get_a_fresh_private_page(self, client):
        closed_article(title="Cached for readers")
        editor = Client()
        editor.force_login(make_user())
        response = editor.get(HOME)
        assert "public" not in control(response)
        assert "private" in control(response)

    def test_a_staff_preview_is_never_stored(self):
        draft = closed_article(status=Status.DRAFT, title="Secret draft")
        editor = Client()
        editor.force_login(make_user())
        preview = editor.get(draft.get_absolute_url())
        assert "Secret draft" in preview.text
        assert "no-store" in control(preview)

    def test_the_admin_is_never_shared(self, client):
        response = client.get("/admin/login/")
        assert "public" not in control(response)

    def test_a_post_is_never_shared(self, client):
        article = make_article()
        response = client.post(
            f"{article.get_absolute_url()}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "Thank you."},
        )
        assert response.status_code == 302
        assert "public" not in control(response)

    def test_a_page_holding_a_visitors_csrf_token_is_never_shared(self):
        """A future form with a token would be personal: a page that sets the cookie is not kept."""

        def view(request):
            surrogate_keys.add(request, "home")
            return HttpResponse(f"<form><input value='{get_token(request)}'></form>")

        from django.middleware.csrf import CsrfViewMiddleware

        stack = SharedCacheMiddleware(CsrfViewMiddleware(view))
        response = stack(RequestFactory().get("/a-form/"))
        assert response.cookies
        assert "public" not in control(response)


class TestCommentForm:
    """The comment form holds no per-visitor token: its page is public; shared caches keep it."""

    def test_every_reader_gets_the_same_public_page_and_can_comment(self):
        article = make_article()
        first = Client().get(article.get_absolute_url())
        reader = Client(enforce_csrf_checks=True)
        page = reader.get(article.get_absolute_url())
        assert page.content == first.content
        assert "public" in control(page)
        assert not page.cookies
        assert 'id="comment-form"' in page.text and "csrfmiddlewaretoken" not in page.text
        response = reader.post(
            f"{article.get_absolute_url()}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "I was there."},
            HTTP_ORIGIN="http://testserver",
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        assert response.status_code == 302

    def test_the_thank_you_notice_is_shown_to_its_reader_only(self):
        article = make_article()
        url = article.get_absolute_url()
        reader = Client()
        response = reader.post(
            f"{url}comments/",
            {"name": "Ann", "email": "ann@example.org", "body": "I was there."},
            follow=True,
        )
        assert "awaiting moderation" in response.text
        # The reader's page with the notice sets the messages cookie: never shared.
        assert "public" not in control(response)
        assert "awaiting moderation" not in Client().get(url).text


@pytest.mark.usefixtures("varnish_keys")
class TestPagesNameWhatTheyShow:
    def test_the_article_page_names_the_article_its_story_and_timeline(self, client):
        article = closed_article()
        related = make_article(title="Another")
        article.related_links.create(target=related, order=1)
        response = client.get(article.get_absolute_url())
        assert {
            keys.article(article.pk),
            keys.story(article.story_id),
            keys.timeline(article.story_id),
            keys.article(related.pk),
            "site",
        } <= shown_keys(response)

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("/", {"home"}),
            ("/feed/", {"feed"}),
            ("/feed/atom/", {"feed"}),
            ("/archive/", {"archive"}),
            ("/on-this-day/04-26/", {"otd", "otd-04-26", "otd-04"}),
            ("/search/?q=reactor", {"search"}),
            ("/sitemap.xml", {"sitemap"}),
        ],
    )
    def test_listings_name_their_keys(self, client, url, expected):
        closed_article()
        assert expected <= shown_keys(client.get(url))

    def test_tag_category_and_story_pages_name_theirs(self, client):
        tag, category = make_tag(), make_category()
        article = closed_article(category=category)
        article.tags.add(tag)
        story = article.story
        assert keys.tag(tag.pk) in shown_keys(client.get(tag.get_absolute_url()))
        assert keys.tag(tag.pk) in shown_keys(client.get(f"{tag.get_absolute_url()}feed/"))
        assert keys.category(category.pk) in shown_keys(client.get(category.get_absolute_url()))
        assert {keys.story(story.pk), keys.story_articles(story.pk), keys.timeline(story.pk)} <= (
            shown_keys(client.get(story.get_absolute_url()))
        )
        assert keys.story_articles(story.pk) in shown_keys(
            client.get(f"{story.get_absolute_url()}feed/")
        )

    def test_keys_stay_off_the_header_without_a_shared_cache(self, client, settings):
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "none"}
        assert not client.get(HOME).has_header("xkey")


@pytest.fixture
def purged(settings, monkeypatch, django_capture_on_commit_callbacks):
    """The keys purged once the block's transaction commits (what would go to Varnish)."""
    settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
    sent = []
    monkeypatch.setattr("httpcache.purge.send", lambda batch: sent.append(set(batch)))

    class Block:
        def __enter__(self):
            from httpcache import purge

            purge._pending("default").clear()  # set-up's own writes never commit
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            self.capture.__exit__(*exc)
            self.keys = set().union(*sent) if sent else set()

    return Block


class TestWritesPurgeWhatTheyChange:
    def test_an_update_purges_its_article_story_listings_and_its_day(self, purged):
        tag = make_tag()
        article = closed_article()
        article.tags.add(tag)
        other = closed_article(title="Untouched", story=make_story(title="Other story"))
        with purged() as block:
            make_update(article, dated_at=article.published_at.replace(month=4, day=27, hour=12))
        assert {
            keys.article(article.pk),
            keys.story_articles(article.story_id),
            keys.tag(tag.pk),
            "home",
            "feed",
            "otd-04-27",
        } <= block.keys
        assert keys.article(other.pk) not in block.keys
        assert keys.story_articles(other.story_id) not in block.keys
        # The story's own fields did not change: its other articles' pages stay cached.
        assert keys.story(article.story_id) not in block.keys

    def test_a_comment_approval_purges_only_its_article(self, purged):
        article = make_article()
        comment = Comment.objects.create(
            article=article, name="Ann", email="ann@example.org", body="Hello"
        )
        with purged() as block:
            moderate(comments=Comment.objects.filter(pk=comment.pk), status=CommentStatus.APPROVED)
        assert block.keys == {keys.article(article.pk)}

    def test_a_timeline_entry_purges_its_timeline_and_its_days(self, purged):
        story = make_story()
        with purged() as block:
            make_entry(story, date="1986-04-26")
        assert {keys.timeline(story.pk), "otd-04-26", "otd-04"} <= block.keys
        assert keys.story(story.pk) not in block.keys

    def test_moving_an_entry_purges_the_day_it_left(self, purged):
        entry = make_entry(make_story(), date="1986-04-26")
        with purged() as block:
            entry.date = "1986-05-01"
            entry.save()
        assert {"otd-04-26", "otd-05-01"} <= block.keys

    def test_a_tag_added_purges_the_tag_and_the_article(self, purged):
        article, tag = closed_article(), make_tag()
        with purged() as block:
            article.tags.add(tag)
        assert {keys.tag(tag.pk), keys.article(article.pk)} <= block.keys

    def test_a_transaction_purges_once_however_many_rows_it_writes(self, purged, settings):
        article = closed_article()
        with purged() as block:
            for number in range(3):
                make_update(article, headline=f"Update {number}")
        assert keys.article(article.pk) in block.keys

    def test_nothing_is_worked_out_without_a_shared_cache(self, settings):
        """Without a cache in front, a save pays no query for keys (the default, the demo)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        article = closed_article()

        def queries_of_a_save():
            with CaptureQueriesContext(connection) as queries:
                article.summary = f"Changed {len(queries)}"
                article.save()
            return len(queries)

        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "none"}
        without = queries_of_a_save()
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
        assert queries_of_a_save() > without


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
