"""
Previews: staff see unpublished work on its public URL; a signed, expiring link shows it to
someone without an account (editorial.preview, editorial.views.shared_preview).
"""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from editorial import preview, roles
from tests.factories import make_article, make_role_user, make_story, make_update, make_user
from timeline import permissions, services
from timeline.models import Status

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def link(article, **kwargs):
    return preview.preview_path(article=article, **kwargs)


@pytest.fixture
def draft():
    return make_article(
        status=Status.DRAFT, title="What the inquiry found", slug="what-the-inquiry-found"
    )


class TestSharedLink:
    def test_someone_without_an_account_reads_the_draft_with_a_banner(self, client, draft):
        response = client.get(link(draft))
        html = response.content.decode()
        assert response.status_code == 200
        assert "What the inquiry found" in html
        assert "Preview — not published." in html and "It is a draft." in html
        assert "This link was shared with you and works until" in html
        assert '<meta name="robots" content="noindex">' in html

    def test_the_page_is_private_unindexed_and_leaks_no_referrer(self, client, draft):
        response = client.get(link(draft))
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_it_shows_unpublished_updates_of_a_published_article(self, client):
        article = make_article()
        make_update(article, body="Words for next year.", status=Status.DRAFT)
        html = client.get(link(article)).content.decode()
        assert "Words for next year." in html
        assert "1 update below is not public yet." in html

    def test_a_scheduled_article_says_when_it_goes_live(self, client):
        publish_at = dt.datetime(2027, 11, 13, 8, 0, tzinfo=dt.UTC)
        article = make_article(status=Status.SCHEDULED, publish_at=publish_at)
        html = client.get(link(article)).content.decode()
        assert "It is scheduled for" in html and "November 13 2027, 09:00 CET" in html

    def test_no_comment_form_on_a_preview(self, client):
        html = client.get(link(make_article())).content.decode()
        assert "comment-form" not in html

    def test_a_link_still_works_just_before_it_expires(self, client, draft):
        made = timezone.now() - dt.timedelta(seconds=preview.max_age()) + HOUR
        assert client.get(link(draft, now=made)).status_code == 200

    def test_an_expired_link_is_gone_with_a_clear_page(self, client, draft):
        made = timezone.now() - dt.timedelta(seconds=preview.max_age()) - HOUR
        response = client.get(link(draft, now=made))
        assert response.status_code == 410
        html = response.content.decode()
        assert "This preview link has expired" in html
        assert "What the inquiry found" not in html
        assert "no-store" in response["Cache-Control"]

    def test_the_lifetime_is_a_setting(self, client, draft, settings):
        settings.PREVIEW_LINK_MAX_AGE = 60
        made = timezone.now() - dt.timedelta(minutes=2)
        assert client.get(link(draft, now=made)).status_code == 410
        assert client.get(link(draft)).status_code == 200

    @pytest.mark.parametrize(
        "tamper",
        [
            pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature"),
            pytest.param(lambda t: "x" + t, id="payload"),
            pytest.param(lambda t: t.rsplit(":", 1)[0], id="truncated"),
            pytest.param(lambda t: "not-a-token", id="garbage"),
        ],
    )
    def test_a_tampered_link_is_404_with_a_clear_page(self, client, draft, tamper):
        token = preview.make_token(article=draft)
        url = reverse("editorial:shared_preview", kwargs={"token": tamper(token)})
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "This preview link does not work" in html
        assert "What the inquiry found" not in html

    def test_a_link_pointing_at_another_article_cannot_be_forged(self, client, draft):
        """The same payload signed without our salt (as signing.dumps would) is refused."""
        other = make_article(status=Status.DRAFT, title="Secret other draft")
        forged = signing.dumps({"a": other.pk})
        response = client.get(reverse("editorial:shared_preview", kwargs={"token": forged}))
        assert response.status_code == 404

    def test_a_link_to_a_deleted_article_is_404(self, client, draft):
        url = link(draft)
        draft.delete()
        response = client.get(url)
        assert response.status_code == 404
        assert "This preview link does not work" in response.content.decode()

    def test_the_preview_page_costs_a_fixed_number_of_queries(
        self, client, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: the updates and the timeline come in fixed queries."""
        article = make_article()
        for n in range(6):
            make_update(
                article,
                body=f"Update {n}.",
                status=Status.DRAFT,
                dated_at=dt.datetime(2020 + n, 11, 13, tzinfo=dt.UTC),
            )
        url = link(article)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


class TestEditionPreview:
    @pytest.fixture
    def edition(self):
        day = timezone.localdate() + dt.timedelta(days=5)
        story = make_story(title="The flood", event_date=day.replace(year=2000))
        article = make_article(story=story, status=Status.DRAFT, title="The flood of 2000")
        services.publish_article(article=article, now=timezone.now() - dt.timedelta(days=400))
        return services.prepare_anniversary_edition(
            article=article, year=day.year, now=timezone.now()
        )

    def test_a_shared_edition_link_shows_its_title_and_when_it_goes_live(self, client, edition):
        response = client.get(link(edition.article, edition=edition))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<h1 id="article-title" class="article__title">{edition.title}</h1>' in html
        assert f"This is the edition “{edition.title}”, due to go live" in html

    def test_the_edition_title_is_not_saved(self, client, edition):
        client.get(link(edition.article, edition=edition))
        edition.article.refresh_from_db()
        assert edition.article.title == "The flood of 2000"

    def test_staff_preview_an_edition_from_its_admin_page(self, client, edition):
        client.force_login(make_role_user(roles.EDITOR))
        admin_page = client.get(reverse("admin:timeline_edition_change", args=[edition.pk]))
        staff_url = reverse("editorial:edition_preview", args=[edition.pk])
        assert staff_url in admin_page.content.decode()
        assert "Share a preview link" in admin_page.content.decode()
        html = client.get(staff_url).content.decode()
        assert edition.title in html and "Only staff can see this page." in html

    def test_readers_cannot_use_the_staff_edition_preview(self, client, edition):
        url = reverse("editorial:edition_preview", args=[edition.pk])
        assert client.get(url).status_code == 302  # to the sign-in page
        client.force_login(make_user(is_staff=False))
        assert client.get(url).status_code == 302

    def test_a_deleted_edition_makes_its_link_404(self, client, edition):
        url = link(edition.article, edition=edition)
        edition.delete()
        assert client.get(url).status_code == 404


class TestShareBox:
    def test_editors_copy_a_working_link_from_the_article_form(self, client, draft):
        client.force_login(make_role_user(roles.EDITOR))
        html = client.get(reverse("admin:timeline_article_change", args=[draft.pk])).content
        html = html.decode()
        assert "Share a preview link" in html
        start = html.index('value="http://testserver/preview/') + len('value="http://testserver')
        path = html[start : html.index('"', start)]
        client.logout()
        response = client.get(path)
        assert response.status_code == 200
        assert "What the inquiry found" in response.content.decode()

    def test_contributors_get_no_share_link(self, client, draft):
        contributor = make_role_user(roles.CONTRIBUTOR)
        client.force_login(contributor)
        html = client.get(reverse("admin:timeline_article_change", args=[draft.pk])).content
        assert b"Share a preview link" not in html


class TestStaffPreviewOnThePublicUrl:
    def test_contributors_and_editors_see_drafts_with_the_banner(self, client, draft):
        for role in (roles.CONTRIBUTOR, roles.EDITOR):
            client.force_login(make_role_user(role))
            response = client.get(draft.get_absolute_url())
            assert response.status_code == 200
            assert "Only staff can see this page." in response.content.decode()

    def test_only_active_staff_accounts_may_preview(self):
        assert permissions.can_preview(make_user(is_staff=True))
        assert not permissions.can_preview(make_user(is_staff=True, is_active=False))
        assert not permissions.can_preview(make_user(is_staff=False))
