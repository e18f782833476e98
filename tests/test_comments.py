"""Readers' comments: posting, moderation, spam protection, and what readers get to see."""

import datetime as dt
import re
import time
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentStatus
from tests.factories import NOW, make_article, make_user
from tests.test_xss import PAYLOADS, assert_inert
from timeline.models import Status

pytestmark = pytest.mark.django_db

THANK_YOU = "Thank you — your comment is awaiting moderation."
CSS = Path(django_settings.BASE_DIR) / "static" / "css" / "site.css"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The rate limit lives in the cache: give each test an empty one of its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-comments",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article():
    return make_article(title="The night the lights went out")


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def form_data(**overrides):
    return {
        "name": "Jo Reader",
        "email": "jo@example.org",
        "body": "I remember that night.",
        "website": "",
        **overrides,
    }


def post(client, article, **overrides):
    return client.post(post_url(article), form_data(**overrides), REMOTE_ADDR="198.51.100.7")


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def make_comment(article, **overrides):
    fields = {
        "article": article,
        "name": "Jo Reader",
        "email": "jo@example.org",
        "body": "A comment.",
        "status": CommentStatus.APPROVED,
    }
    return Comment.objects.create(**{**fields, **overrides})


def comments_section(html):
    return html[html.index('id="comments"') :]


class TestPosting:
    def test_a_new_comment_waits_for_moderation_and_the_reader_is_told_so(self, client, article):
        response = post(client, article)

        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#comments"
        comment = Comment.objects.get()
        assert comment.status == CommentStatus.PENDING
        assert (comment.article, comment.name, comment.email) == (
            article,
            "Jo Reader",
            "jo@example.org",
        )
        html = page(client, article)
        assert THANK_YOU in unescape(html)
        assert "I remember that night." not in html
        # The thank-you is shown once, not on every later visit.
        assert THANK_YOU not in unescape(page(client, article))

    def test_the_address_is_stored_only_as_a_keyed_hash(self, client, article, settings):
        post(client, article)
        post(client, article)
        first, second = Comment.objects.order_by("pk")
        assert first.ip_hash == second.ip_hash == services.hash_ip("198.51.100.7")
        assert len(first.ip_hash) == 64 and "198.51.100.7" not in first.ip_hash
        settings.SECRET_KEY = "another-key-entirely-for-this-test"
        assert services.hash_ip("198.51.100.7") != first.ip_hash

    def test_user_agent_is_cut_short_and_kept_printable(self, client, article):
        client.post(post_url(article), form_data(), HTTP_USER_AGENT="x" * 500)
        client.post(post_url(article), form_data(), HTTP_USER_AGENT="Bot\x00/1\r\n")
        assert [c.user_agent for c in Comment.objects.order_by("pk")] == ["x" * 200, "Bot/1"]

    def test_behind_a_proxy_the_address_the_proxy_saw_is_hashed(self, client, article, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        client.post(
            post_url(article),
            form_data(),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
        assert Comment.objects.get().ip_hash == services.hash_ip("203.0.113.9")

    def test_the_form_has_no_token_and_the_page_sets_no_cookie(self, article):
        """The article page is the same for every reader, so a CDN may keep it."""
        response = Client(enforce_csrf_checks=True).get(article.get_absolute_url())
        assert 'id="comment-form"' in response.text
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_SEC_FETCH_SITE": "same-origin"},
            {"HTTP_ORIGIN": "http://testserver"},
            {"HTTP_REFERER": "http://testserver/articles/x/"},
            {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://www.example.org"},
        ],
        ids=["fetch-metadata", "origin", "referer-only", "trusted-sibling"],
    )
    def test_a_post_from_our_own_page_is_taken(self, article, settings, headers):
        settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(post_url(article), form_data(), **headers)
        assert response.status_code == 302
        assert Comment.objects.count() == 1

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://attacker.example"},
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_ORIGIN": "https://attacker.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_ORIGIN": "https://testserver"},  # our host, another scheme
            {"HTTP_REFERER": "https://attacker.example/page"},
            {},
        ],
        ids=[
            "cross-site",
            "cross-site-no-origin",
            "foreign-origin",
            "null-origin",
            "other-scheme",
            "foreign-referer",
            "no-headers",
        ],
    )
    def test_a_post_from_another_site_is_refused(self, article, headers):
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(post_url(article), form_data(), **headers)
        assert response.status_code == 403
        assert "Traceback" not in response.text
        assert Comment.objects.count() == 0

    def test_only_post_is_allowed(self, client, article):
        assert client.get(post_url(article)).status_code == 405

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
    def test_unpublished_articles_take_no_comments(self, client, status):
        article = make_article(status=status, publish_at=NOW + dt.timedelta(days=1))
        assert post(client, article).status_code == 404
        assert not Comment.objects.exists()


class TestInvalidInput:
    @pytest.mark.parametrize(
        ("overrides", "error"),
        [
            ({"email": "not-an-address"}, "Enter a valid email address."),
            ({"name": ""}, "This field is required."),
            ({"body": "   "}, "This field is required."),
            ({"body": "x" * 5001}, "Ensure this value has at most 5000 characters"),
        ],
    )
    def test_errors_are_shown_with_the_readers_text_kept(self, client, article, overrides, error):
        data = {"body": "My long, careful memory of that night.", **overrides}
        response = post(client, article, **data)
        html = response.content.decode()
        assert response.status_code == 200
        assert error in unescape(html)
        assert unescape(data["body"].strip()) in unescape(html)
        assert 'name="robots" content="noindex"' in html
        assert not Comment.objects.exists()

    def test_a_missing_field_is_an_error_not_a_crash(self, client, article):
        response = client.post(post_url(article), {"name": "Jo"})
        assert response.status_code == 200
        assert not Comment.objects.exists()


class TestWhatReadersSee:
    def test_approved_comments_show_oldest_first_with_name_and_date(self, client, article):
        make_comment(article, name="Second", body="Later.", created_at=NOW)
        make_comment(article, name="First", body="Earlier.", created_at=NOW - dt.timedelta(days=1))
        html = comments_section(page(client, article))
        assert "2 comments" in html
        assert html.index("First") < html.index("Earlier.") < html.index("Second")
        assert '<time datetime="2026-11-13T10:00:00+01:00">November 13 2026, 10:00</time>' in html

    def test_the_email_address_is_never_shown(self, client, article):
        make_comment(article, email="secret@example.org")
        assert "secret@example.org" not in page(client, article)

    @pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.SPAM])
    def test_pending_and_spam_comments_are_hidden(self, client, article, status):
        make_comment(article, body="Not for readers.", status=status)
        html = page(client, article)
        assert "Not for readers." not in html
        assert "No comments yet." in html

    def test_comments_of_other_articles_are_not_shown(self, client, article):
        make_comment(make_article(), body="Elsewhere.")
        assert "Elsewhere." not in page(client, article)

    def test_reader_text_is_inert_and_line_breaks_become_paragraphs(self, client, article):
        make_comment(article, name=PAYLOADS[1], body=f"{PAYLOADS[0]}\n\n{PAYLOADS[2]}")
        html = page(client, article)
        assert_inert(html)
        assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html

    def test_the_form_asks_for_name_email_and_text(self, client, article):
        html = comments_section(page(client, article))
        for name in ("name", "email", "body"):
            assert f'name="{name}"' in html
        assert f'action="{post_url(article)}"' in html

    def test_each_article_form_posts_to_its_own_article(self, client, article):
        """The blank form is rendered once per process; each article puts its address in."""
        other = make_article(title="Another")
        for shown in (article, other, article):
            html = comments_section(page(client, shown))
            assert html.count('action="') == 1
            assert f'action="{post_url(shown)}"' in html

    def test_frozen_edition_snapshots_have_no_comment_form(self, client):
        from timeline import services as editorial

        article = make_article(status=Status.DRAFT)
        editorial.publish_article(article=article, now=NOW - dt.timedelta(days=400))
        editorial.cut_manual_edition(article=article, suffix="a verdict", now=NOW)
        snapshot = article.editions.get(kind="original").get_absolute_url()
        assert 'id="comment-form"' not in client.get(snapshot).content.decode()


class TestSpamProtection:
    def test_honeypot_is_hidden_by_a_css_class_not_an_inline_style(self, client, article):
        html = page(client, article)
        trap = re.search(
            r'<div class="comment-form__trap" aria-hidden="true">(.*?)</div>', html, re.S
        )
        assert trap and 'name="website"' in trap.group(1)
        assert 'tabindex="-1"' in trap.group(1)
        assert "style=" not in html
        assert re.search(r"\.comment-form__trap\s*\{[^}]*position:\s*absolute", CSS.read_text())

    def test_a_filled_honeypot_is_silently_dropped(self, client, article):
        response = post(client, article, website="https://spam.example")
        assert response.status_code == 302
        assert not Comment.objects.exists()
        assert THANK_YOU in unescape(page(client, article))

    def test_sixth_comment_in_ten_minutes_from_one_address_is_refused(self, client, article):
        for n in range(services.RATE_LIMIT):
            assert post(client, article, body=f"Comment {n}").status_code == 302
        response = post(client, article, body="One too many.")
        assert response.status_code == 429
        html = unescape(response.content.decode())
        assert "Please wait a little" in html
        assert "One too many." in html
        assert Comment.objects.count() == services.RATE_LIMIT
        other = client.post(post_url(article), form_data(), REMOTE_ADDR="192.0.2.1")
        assert other.status_code == 302

    def test_the_limit_lifts_after_ten_minutes(self, client, article, monkeypatch):
        for n in range(services.RATE_LIMIT):
            post(client, article, body=f"Comment {n}")
        assert post(client, article).status_code == 429
        later = time.time() + services.RATE_WINDOW + 1
        monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))
        assert post(client, article).status_code == 302

    def test_closed_comments_hide_the_form_and_refuse_posts(self, client):
        article = make_article(comments_open=False)
        make_comment(article, body="From before closing.")
        html = page(client, article)
        assert "Comments are closed on this article." in html
        assert 'id="comment-form"' not in html
        assert "From before closing." in html

        response = post(client, article, body="Let me in.")
        assert response.status_code == 403
        body = unescape(response.content.decode())
        assert "Comments are closed on this article" in body
        assert "Let me in." in body
        assert not Comment.objects.filter(body="Let me in.").exists()


class TestModeration:
    def test_changelist_title_counts_what_awaits_moderation(self, admin_client, article):
        for _ in range(3):
            make_comment(article, status=CommentStatus.PENDING)
        make_comment(article, status=CommentStatus.SPAM)
        html = admin_client.get(reverse("admin:comments_comment_changelist")).content.decode()
        assert "Comments — 3 awaiting moderation" in html
        # The status filter shows a count for each status.
        assert "Awaiting moderation (3)" in html
        assert "Spam (1)" in html

    def test_approve_action_publishes_and_records_who_and_when(self, admin_client, article):
        pending = make_comment(article, body="Worth reading.", status=CommentStatus.PENDING)
        response = admin_client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [pending.pk]},
            follow=True,
        )
        assert "1 comment approved." in response.content.decode()
        pending.refresh_from_db()
        assert pending.status == CommentStatus.APPROVED
        assert pending.moderated_by.is_superuser and pending.moderated_at is not None
        assert "Worth reading." in page(admin_client, article)

    def test_mark_spam_action_hides_an_approved_comment(self, admin_client, client, article):
        comment = make_comment(article, body="Buy now.")
        admin_client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "mark_spam", "_selected_action": [comment.pk]},
        )
        comment.refresh_from_db()
        assert comment.status == CommentStatus.SPAM
        assert "Buy now." not in page(client, article)

    def test_delete_action_removes_the_comment(self, admin_client, article):
        comment = make_comment(article)
        admin_client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
        )
        assert not Comment.objects.exists()

    def test_search_finds_by_email_and_text(self, admin_client, article):
        make_comment(article, name="Findme", email="needle@example.org")
        make_comment(article, name="Other", body="haystack")
        url = reverse("admin:comments_comment_changelist")
        html = admin_client.get(url, {"q": "needle@"}).content.decode()
        assert "Findme" in html and "Other" not in html
        html = admin_client.get(url, {"q": "haystack"}).content.decode()
        assert "Other" in html and "Findme" not in html

    def test_changing_the_status_in_the_form_records_the_moderator(self, client, article):
        editor = make_user(is_superuser=True)
        client.force_login(editor)
        comment = make_comment(article, status=CommentStatus.PENDING)
        url = reverse("admin:comments_comment_change", args=[comment.pk])
        data = {
            "article": article.pk,
            "name": comment.name,
            "email": comment.email,
            "body": comment.body,
            "status": CommentStatus.APPROVED,
        }
        assert client.post(url, data).status_code == 302
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (CommentStatus.APPROVED, editor)

    def test_readers_cannot_moderate(self, client, article):
        comment = make_comment(article, status=CommentStatus.PENDING)
        client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", "_selected_action": [comment.pk]},
        )
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PENDING

    def test_a_bad_status_is_refused_by_the_database(self, article):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            make_comment(article, status="published")


class TestQueryCount:
    def test_fifty_approved_comments_cost_no_more_than_none(
        self, client, article, django_assert_max_num_queries
    ):
        """The comments come in one query however many there are: guards against N+1 queries."""
        from tests.test_views import TestQueryCounts

        page(client, article)  # once to warm per-process caches, which are not the point here
        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES) as none:
            page(client, article)
        Comment.objects.bulk_create(
            Comment(
                article=article,
                name=f"Reader {n}",
                email=f"r{n}@example.org",
                body=f"Comment {n}.",
                status=CommentStatus.APPROVED,
                created_at=NOW + dt.timedelta(minutes=n),
            )
            for n in range(50)
        )
        with django_assert_max_num_queries(TestQueryCounts.ARTICLE_PAGE_QUERIES) as fifty:
            html = page(client, article)
        assert len(fifty) == len(none)
        assert "50 comments" in html and "Reader 49" in html
