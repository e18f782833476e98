"""
Losing the database: a request that loses it answers 503 with Retry-After, once; the next
request works again without restarting anything; an editor's save is either committed or
answered with that 503 page, never half-written.

The test client skips Django's request-boundary signals (it keeps the test's connection), so
`next_request()` runs what the WSGI handler runs between requests: close_old_connections(),
which drops a broken connection and arms CONN_HEALTH_CHECKS for the next query.
The restart itself (pg_ctlcluster) is done by bench/faults/faults.py, outside CI.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_article, make_user
from timeline import selectors
from timeline.models import Article

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills a PostgreSQL server connection"
)


def next_request():
    close_old_connections()


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def kill_backend(pid):
    """What a PostgreSQL restart does to one server connection."""
    import psycopg

    params = connection.get_connection_params()
    keep = {"dbname", "user", "password", "host", "port"}
    with psycopg.connect(**{k: v for k, v in params.items() if k in keep}, autocommit=True) as c:
        c.execute("SELECT pg_terminate_backend(%s)", [pid])


def new_article_form(client, **values):
    page = client.get(reverse("admin:timeline_article_add"))
    return form_data(read_form(page.text), **values)


ARTICLE = {"title": "Reactor 4, forty years on", "slug": "reactor-4-forty-years", "body": "Text."}


def assert_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "it may not have been saved" in response.text


@pytest.mark.django_db
class TestSimulatedLoss:
    """
    The database errors as it does when it goes away: on both databases. (Inside the test's
    transaction the connection must stay open, so no request boundary is run here.)
    """

    @pytest.mark.parametrize(
        "error",
        [
            OperationalError,
            connection.Database.OperationalError,
            connection.Database.InterfaceError,
        ],
        ids=["django", "driver", "driver-interface"],
    )
    def test_reader_gets_one_503_then_the_page(self, client, monkeypatch, error):
        """The driver's own errors too: Django does not wrap them everywhere (cursor close)."""
        article = make_article()
        real = selectors.article_page

        def lost(**kwargs):
            monkeypatch.setattr(selectors, "article_page", real)
            raise error("terminating connection due to administrator command")

        monkeypatch.setattr(selectors, "article_page", lost)
        client.raise_request_exception = False
        assert_503(client.get(article.get_absolute_url()))
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_editor_save_that_loses_the_database_is_reported_and_leaves_nothing(
        self, client, monkeypatch
    ):
        client.force_login(make_user(is_superuser=True))
        data = new_article_form(client, **ARTICLE)
        real_save = Article.save

        def save_then_lose_the_connection(self, *args, **kwargs):
            real_save(self, *args, **kwargs)
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(Article, "save", save_then_lose_the_connection)
        client.raise_request_exception = False
        assert_503(client.post(reverse("admin:timeline_article_add"), data))
        assert not Article.objects.filter(slug=ARTICLE["slug"]).exists()
        assert not Article.history.filter(slug=ARTICLE["slug"]).exists()

        monkeypatch.undo()
        response = client.post(reverse("admin:timeline_article_add"), data)
        assert response.status_code == 302
        saved = Article.objects.get(slug=ARTICLE["slug"])
        assert saved.history.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
class TestRealConnectionLoss:
    """The server really drops the connection (pg_terminate_backend), as a restart does."""

    def test_connection_dropped_between_requests_is_replaced_without_an_error(self, client):
        article = make_article()
        assert client.get(article.get_absolute_url()).status_code == 200
        dropped = backend_pid()
        kill_backend(dropped)
        next_request()
        assert client.get(article.get_absolute_url()).status_code == 200
        assert backend_pid() != dropped

    def test_connection_dropped_during_a_request_fails_it_once(self, client, monkeypatch):
        article = make_article()
        real = selectors.article_page

        def dropped_midway(**kwargs):
            monkeypatch.setattr(selectors, "article_page", real)
            kill_backend(backend_pid())
            return real(**kwargs)

        monkeypatch.setattr(selectors, "article_page", dropped_midway)
        client.raise_request_exception = False
        assert_503(client.get(article.get_absolute_url()))
        next_request()
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_editor_save_dropped_midway_is_rolled_back_and_the_retry_commits_once(
        self, client, monkeypatch
    ):
        client.force_login(make_user(is_superuser=True))
        data = new_article_form(client, **ARTICLE)
        real_save = Article.save

        def dropped_while_saving(self, *args, **kwargs):
            kill_backend(backend_pid())
            real_save(self, *args, **kwargs)

        monkeypatch.setattr(Article, "save", dropped_while_saving)
        client.raise_request_exception = False
        assert_503(client.post(reverse("admin:timeline_article_add"), data))
        monkeypatch.undo()
        next_request()
        assert not Article.objects.filter(slug=ARTICLE["slug"]).exists()

        response = client.post(reverse("admin:timeline_article_add"), data)
        assert response.status_code == 302
        assert Article.objects.get(slug=ARTICLE["slug"]).history.count() == 1
        assert get_user_model().objects.count() == 1
