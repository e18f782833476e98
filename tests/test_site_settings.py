"""
The newsroom's settings (name, follow line, handle, editors' zone) edited in the admin: shown on
the public pages and feeds at once, kept with history, read from the cache (no query on a warm
request), named by every page that shows them and purged from the shared cache on save.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from newsroom.views import service_unavailable
from tests.factories import make_article, make_role_user, make_user
from timeline.models import SiteSettings, Story
from timeline.models.site import CACHE_KEY
from timeline.site import surrogate_keys as keys

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:timeline_sitesettings_change", args=[1])


@pytest.fixture(autouse=True)
def no_cached_settings():
    """The cache outlives each test's rolled-back rows: start and leave it empty."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def form_data(**overrides):
    data = {
        "name": "The Evening Example",
        "follow_line": "Read us on every anniversary:",
        "social_handle": "@evening",
        "social_url": "https://social.example/@evening",
        "time_zone": "America/New_York",
        "change_reason": "Renamed",
    }
    data.update(overrides)
    return data


def post_settings(client, user, **overrides):
    client.force_login(user)
    client.get(reverse("admin:timeline_sitesettings_changelist"))  # writes the row
    page = client.get(CHANGE)
    version = page.context["adminform"].form["version"].value()
    return client.post(CHANGE, {**form_data(**overrides), "version": version})


class TestDefaults:
    def test_a_fresh_install_shows_the_server_settings(self, client, settings):
        settings.NEWSROOM = {**settings.NEWSROOM, "name": "The Env Times"}
        article = make_article()
        assert not SiteSettings.objects.exists()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<title>" in html and "The Env Times" in html

    def test_opening_the_admin_writes_the_row_from_the_server_settings(self, client, settings):
        settings.NEWSROOM = {**settings.NEWSROOM, "name": "The Env Times"}
        client.force_login(make_user(is_superuser=True))
        response = client.get(reverse("admin:timeline_sitesettings_changelist"))
        assert response.status_code == 302 and response["Location"] == CHANGE
        row = SiteSettings.objects.get()
        assert row.name == "The Env Times" and row.time_zone == settings.TIME_ZONE


class TestEditedInTheAdmin:
    def test_the_new_name_and_follow_line_show_on_the_article_and_the_feed(self, client):
        article = make_article()
        client.get(article.get_absolute_url())  # the old values cached
        response = post_settings(client, make_user(is_superuser=True))
        assert response.status_code == 302
        client.logout()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Follow The Evening Example" in html
        assert "Read us on every anniversary:" in html
        assert 'href="https://social.example/@evening"' in html
        feed = client.get(reverse("timeline:feed")).content.decode()
        assert "<title>The Evening Example</title>" in feed

    def test_structured_data_names_it_and_an_empty_follow_line_hides_the_box(self, client):
        article = make_article()
        post_settings(client, make_user(is_superuser=True), follow_line="")
        client.logout()
        html = client.get(article.get_absolute_url()).content.decode()
        assert '"name": "The Evening Example"' in html  # the JSON-LD publisher
        assert 'class="follow"' not in html

    def test_each_save_is_kept_in_the_history_with_who_and_why(self, client):
        user = make_user(is_superuser=True)
        post_settings(client, user)
        newest = SiteSettings.history.order_by("-history_date", "-history_id").first()
        assert newest.name == "The Evening Example"
        assert newest.history_user == user and newest.history_change_reason == "Renamed"
        assert (
            client.get(reverse("admin:timeline_sitesettings_history", args=[1])).status_code == 200
        )

    def test_an_unknown_time_zone_is_refused_on_the_form(self, client):
        response = post_settings(client, make_user(is_superuser=True), time_zone="Mars/Olympus")
        assert response.status_code == 200
        assert "is not a time zone name" in response.content.decode()
        assert SiteSettings.objects.get().name != "The Evening Example"

    def test_new_stories_start_in_the_editors_zone(self, client):
        post_settings(client, make_user(is_superuser=True))
        assert Story(title="New").time_zone == "America/New_York"

    def test_an_editor_may_change_them_a_contributor_may_not(self, client):
        assert post_settings(client, make_role_user("Editor")).status_code == 302
        assert SiteSettings.objects.get().name == "The Evening Example"
        client.force_login(make_role_user("Contributor"))
        assert client.get(CHANGE).status_code == 403

    def test_there_is_one_row_nothing_to_add_or_delete(self, client):
        client.force_login(make_user(is_superuser=True))
        client.get(reverse("admin:timeline_sitesettings_changelist"))
        assert client.get(reverse("admin:timeline_sitesettings_add")).status_code == 403
        delete = reverse("admin:timeline_sitesettings_delete", args=[1])
        assert client.get(delete).status_code == 403


class TestCachedRead:
    def test_a_warm_read_costs_no_query_a_cold_one_one(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            SiteSettings.load()
        with django_assert_num_queries(0):
            SiteSettings.load()

    def test_a_save_is_read_back_at_once(self):
        SiteSettings.load()
        row = SiteSettings.get_or_create_row()
        row.name = "Renamed"
        row.save()
        assert SiteSettings.load().name == "Renamed"


@pytest.fixture
def purged(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
    sent = []
    monkeypatch.setattr("httpcache.purge.send", lambda batch: sent.append(set(batch)))
    return sent


class TestSharedCache:
    @pytest.mark.parametrize("url", ["/", "/feed/", "/feed/atom/", "/archive/"])
    def test_pages_that_show_the_settings_name_their_key(self, client, settings, url):
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
        make_article(comments_open=False)
        assert keys.SITE_SETTINGS in client.get(url)["xkey"].split()

    def test_the_article_page_names_it(self, client, settings):
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
        article = make_article(comments_open=False)
        assert keys.SITE_SETTINGS in client.get(article.get_absolute_url())["xkey"].split()

    def test_a_save_purges_it(self, purged, django_capture_on_commit_callbacks):
        row = SiteSettings.get_or_create_row()
        with django_capture_on_commit_callbacks(execute=True):
            row.name = "Renamed"
            row.save()
        assert any(keys.SITE_SETTINGS in batch for batch in purged)


class TestErrorPages:
    def test_the_database_down_page_names_the_newsroom_from_the_cache_alone(
        self, django_assert_num_queries
    ):
        row = SiteSettings.get_or_create_row()
        row.name = "The Evening Example"
        row.save()
        SiteSettings.load()  # cached, as on any served page
        with django_assert_num_queries(0):
            response = service_unavailable()
        assert response.status_code == 503 and "The Evening Example" in response.text
