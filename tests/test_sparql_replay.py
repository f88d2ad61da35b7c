"""Replaying cached /sparql GET responses in front of Flask."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from chava.building.builds import Build
from chava.config import Settings
from chava.web.hardening import HardenedApp
from chava.web.response_cache import ResponseCache
from chava.web.served_build import PinBuild
from tests.app_support import close_app, new_app

QUERY = "/sparql?" + urlencode({"query": "SELECT ?s WHERE { ?s a ?type } LIMIT 2"})


@pytest.fixture
def counting(bundled_build: tuple[Settings, Build]) -> Iterator[tuple[Flask, list[str]]]:
    """A fresh app, and the requests that reached what is below its replay layer."""
    settings, build = bundled_build
    app = new_app(settings, build=build)
    routed: list[str] = []  # requests that reached what is below the replay layer
    hardened = app.wsgi_app
    assert isinstance(hardened, HardenedApp)
    pin = hardened.app
    assert isinstance(pin, PinBuild)  # each request pinned to its build, above the replay
    replay = pin.app
    assert isinstance(replay, ResponseCache)
    below = replay.app

    def count(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        routed.append("computed")
        return below(environ, start_response)

    replay.app = count
    yield app, routed
    close_app(app)


def test_a_repeated_get_is_replayed_with_the_same_headers(
    counting: tuple[Flask, list[str]],
) -> None:
    flask_app, routed = counting
    client = flask_app.test_client()
    first = client.get(QUERY)
    second = client.get(QUERY)
    assert routed == ["computed"]
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert dict(second.headers) == dict(first.headers)
    assert second.headers["Access-Control-Allow-Origin"] == "*"


def test_a_replayed_query_answers_304_to_its_etag(counting: tuple[Flask, list[str]]) -> None:
    flask_app, routed = counting
    client = flask_app.test_client()
    etag = client.get(QUERY).headers["ETag"]
    again = client.get(QUERY, headers={"If-None-Match": etag})
    other = client.get(QUERY, headers={"If-None-Match": '"something-else"'})
    assert routed == ["computed"]
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert again.get_data() == b""
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "headers", "routed_twice"),
    [
        ("GET", QUERY, {"Accept": "text/csv"}, False),  # its own entry: then replayed too
        ("POST", "/sparql", {}, True),  # POST is never replayed
        ("GET", "/sparql?" + urlencode({"query": "SELECT (RAND() AS ?r) {}"}), {}, True),
        ("GET", "/sparql?" + urlencode({"query": "SELECT {"}), {}, True),  # errors are not kept
    ],
)
def test_only_identical_deterministic_successful_gets_are_replayed(
    counting: tuple[Flask, list[str]],
    method: str,
    path: str,
    headers: dict[str, str],
    routed_twice: bool,
) -> None:
    flask_app, routed = counting
    client = flask_app.test_client()
    json_body = client.get(QUERY).get_data()
    data = {"query": "SELECT ?s WHERE { ?s a ?type } LIMIT 2"} if method == "POST" else None
    answers = [client.open(path, method=method, headers=headers, data=data) for _time in range(2)]
    assert len(routed) == (3 if routed_twice else 2)
    assert answers[0].get_data() == answers[1].get_data() or routed_twice
    if headers:
        assert answers[1].mimetype == "text/csv"
        assert answers[1].get_data() != json_body
