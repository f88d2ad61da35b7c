"""Tests of the WSGI response cache: replay, conditional hits, HEAD, what is never kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.test import Client
from werkzeug.wrappers import Response

from chava.web.response_cache import CACHEABLE, ResponseCache


class CountingApp:
    """Answers with a body naming how often it ran; cacheable unless the path says not."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        status = 404 if environ["PATH_INFO"] == "/missing" else 200
        if environ["PATH_INFO"] != "/private":
            environ[CACHEABLE] = True
        response = Response(f"call {self.calls}", status=status, headers={"ETag": '"abc"'})
        return response(environ, start_response)


def test_repeated_requests_are_replayed_without_the_app() -> None:
    app = CountingApp()
    client = Client(ResponseCache(app, 1 << 20))
    assert client.get("/x").get_data() == b"call 1"
    assert client.get("/x").get_data() == b"call 1"
    assert app.calls == 1
    assert client.get("/x", headers={"Accept": "text/html"}).get_data() == b"call 2"
    assert client.get("/x?page=2").get_data() == b"call 3"


def test_a_hit_still_answers_if_none_match_and_head() -> None:
    app = CountingApp()
    client = Client(ResponseCache(app, 1 << 20))
    client.get("/x")
    not_modified = client.get("/x", headers={"If-None-Match": 'W/"zzz", "abc"'})
    assert not_modified.status_code == 304
    assert not_modified.get_data() == b""
    head = client.head("/x")
    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == "6"
    assert app.calls == 1


def test_errors_uncacheable_routes_and_head_first_are_not_kept() -> None:
    app = CountingApp()
    client = Client(ResponseCache(app, 1 << 20))
    for path in ("/missing", "/private"):
        client.get(path)
        client.get(path)
    client.head("/y")
    client.get("/y")
    assert app.calls == 6
    client.post("/x")
    client.post("/x")
    assert app.calls == 8


def test_a_zero_size_cache_keeps_nothing() -> None:
    app = CountingApp()
    client = Client(ResponseCache(app, 0))
    client.get("/x")
    client.get("/x")
    assert app.calls == 2
