"""
Health probes: /healthz says the process answers, /readyz that the database and the cache do
(503 naming what failed). Both answer a load balancer over plain HTTP, by any host name.
"""

import socket

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import override_settings

from newsroom.cache import FailSoftRedisCache
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:6390/0"


def redis_cache(location, prefix="test-health"):
    """CACHES as production has them with REDIS_URL set (the page cache included)."""
    default = {
        "BACKEND": "newsroom.cache.FailSoftRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    return {"default": default, "pages": {**default, "KEY_PREFIX": f"{prefix}-pages"}}


def redis_is_running(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class BrokenCursor:
    def __init__(self, *args, **kwargs):
        raise OperationalError("connection to server at 10.1.2.3, port 5432 failed")


class TestHealthz:
    def test_answers_ok_without_touching_the_database(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok\n"
        assert response["Content-Type"].startswith("text/plain")
        assert "no-store" in response["Cache-Control"]

    def test_answers_while_the_database_is_down(self, client, monkeypatch):
        monkeypatch.setattr(connections["default"], "cursor", BrokenCursor)
        assert client.get("/healthz").status_code == 200

    @override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["news.example.org"])
    @pytest.mark.parametrize("path", ["/healthz", "/readyz"])
    def test_load_balancer_probes_by_address_over_plain_http(self, client, path):
        response = client.get(path, HTTP_HOST="10.0.3.17:8000")
        assert response.status_code == 200
        # Every other address still insists on the host name and on HTTPS.
        assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
        assert client.get("/", HTTP_HOST="news.example.org").status_code == 301


class TestReadyz:
    def test_ready_when_database_and_cache_answer(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["failed"]) == ("ok", [])
        assert body["checks"]["database"] == body["checks"]["cache"] == "ok"
        assert set(body["checks"].values()) == {"ok"}
        assert "no-store" in response["Cache-Control"]

    def test_names_the_database_when_it_is_down_and_keeps_the_detail_to_the_log(
        self, client, monkeypatch, caplog
    ):
        monkeypatch.setattr(connections["default"], "cursor", BrokenCursor)
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["failed"] == ["database"]
        assert body["checks"]["cache"] == "ok"
        assert "10.1.2.3" not in response.text
        assert "10.1.2.3" in caplog.text

    @override_settings(CACHES=redis_cache(CLOSED_PORT_REDIS))
    def test_names_the_cache_when_redis_is_down(self, client):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failed"] == ["cache", "cache:pages"]
        assert response.json()["checks"]["database"] == "ok"

    @pytest.mark.skipif(not redis_is_running(), reason="needs redis-server on 127.0.0.1:6379")
    @override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/0"))
    def test_ready_with_a_real_redis(self, client):
        assert client.get("/readyz").json()["checks"]["cache"] == "ok"


class TestRedisDown:
    @pytest.fixture(autouse=True)
    def redis_down(self, settings, monkeypatch):
        settings.CACHES = redis_cache(CLOSED_PORT_REDIS)
        # The log allowance is the process's: start each test with it unspent.
        monkeypatch.setattr(FailSoftRedisCache, "_next_report", 0.0)

    def test_pages_are_still_served(self, client, settings):
        """Every page reads the cache that is down (the timeline fragment, the rate limit)."""
        article = make_article()
        for url in ["/", article.get_absolute_url(), article.story.get_absolute_url(), "/feed/"]:
            assert client.get(url).status_code == 200, url

    def test_reads_miss_and_writes_are_dropped(self):
        cache = caches["default"]
        assert cache.get("k", "default") == "default"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.has_key("k") is False
        assert cache.get_or_set("k", lambda: "computed") == "computed"
        assert cache.incr("counter") == 1
        assert cache.delete("k") is False

    def test_one_log_line_per_interval_not_one_per_call(self, caplog):
        for _ in range(50):
            caches["default"].get("k")
            caches["pages"].get("k")
        lines = [r for r in caplog.records if r.name == "newsroom.cache"]
        assert len(lines) == 1
        assert "serving without the cache" in lines[0].getMessage()

    def test_readiness_check_still_raises(self):
        with pytest.raises(Exception, match="6390"):
            caches["default"].check()


@pytest.mark.skipif(not redis_is_running(), reason="needs redis-server on 127.0.0.1:6379")
@override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/0", prefix="test-health-up"))
def test_fail_soft_cache_is_a_real_cache_while_redis_is_up():
    cache = caches["default"]
    try:
        cache.set("k", {"a": 1}, 30)
        assert cache.get("k") == {"a": 1}
        assert cache.add("n", 1) is True
        assert cache.incr("n") == 2
    finally:
        cache.delete_many(["k", "n"])
