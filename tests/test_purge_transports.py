"""
The three purge transports speak each cache's protocol: what reaches a (local stand-in for)
Varnish, Fastly's API and Cloudflare's API when keys are purged, soft and hard.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from httpcache import purge


class Recorder(BaseHTTPRequestHandler):
    received: list

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.received.append((self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_POST = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    received = []
    handler = type("Handler", (Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


def headers_of(request):
    return {name.lower(): value for name, value in request[2].items()}


def test_varnish_gets_a_soft_purge_of_the_keys_by_default(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {"BACKEND": "varnish", "PURGE_URLS": [url + "/"]}
    purge.send({"article-12", "story-3"})
    [request] = received
    assert request[0] == "PURGE"
    assert headers_of(request)["xkey-softpurge"] == "article-12 story-3"
    assert "xkey-purge" not in headers_of(request)


def test_varnish_gets_a_hard_purge_when_soft_purges_are_off(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {"BACKEND": "varnish", "PURGE_URLS": [url + "/"], "SOFT_PURGE": False}
    purge.send({"article-12"})
    assert headers_of(received[0])["xkey-purge"] == "article-12"
    assert "xkey-softpurge" not in headers_of(received[0])


def test_fastly_gets_the_surrogate_keys_with_a_soft_purge(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {
        "BACKEND": "fastly",
        "FASTLY_API": url,
        "FASTLY_SERVICE_ID": "svc1",
        "FASTLY_API_TOKEN": "token",
    }
    purge.send({"home", "feed"})
    [request] = received
    assert request[:2] == ("POST", "/service/svc1/purge")
    sent = headers_of(request)
    assert sent["surrogate-key"] == "feed home"
    assert sent["fastly-key"] == "token"
    assert sent["fastly-soft-purge"] == "1"


def test_fastly_hard_purge_has_no_soft_header(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {
        "BACKEND": "fastly",
        "FASTLY_API": url,
        "FASTLY_SERVICE_ID": "svc1",
        "FASTLY_API_TOKEN": "token",
        "SOFT_PURGE": False,
    }
    purge.send({"home"})
    assert "fastly-soft-purge" not in headers_of(received[0])


def test_cloudflare_gets_the_tags_as_json(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {
        "BACKEND": "cloudflare",
        "CLOUDFLARE_API": url,
        "CLOUDFLARE_ZONE_ID": "zone9",
        "CLOUDFLARE_API_TOKEN": "secret",
    }
    purge.send({"tag-5", "home"})
    [request] = received
    assert request[:2] == ("POST", "/zones/zone9/purge_cache")
    assert headers_of(request)["authorization"] == "Bearer secret"
    assert json.loads(request[3]) == {"tags": ["home", "tag-5"]}


def test_long_key_lists_are_split_into_several_requests(endpoint, settings):
    url, received = endpoint
    settings.HTTP_CACHE = {"BACKEND": "varnish", "PURGE_URLS": [url + "/"]}
    purge.send({f"article-{n}" for n in range(purge.KEYS_PER_REQUEST + 5)})
    assert len(received) == 2
    sent = [headers_of(request)["xkey-softpurge"].split() for request in received]
    assert sum(len(keys) for keys in sent) == purge.KEYS_PER_REQUEST + 5
