"""SPARQL GETs answered before Flask: the same answers, headers and errors as the route.

Both call chava.web.sparql_answer.answer; nothing is handed from one to the other (issue 15).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.test import Client, EnvironBuilder

from chava.sparql.endpoint import QueryService
from chava.web import sparql_answer
from chava.web.hardening import HardenedApp
from chava.web.response_cache import ResponseCache
from chava.web.served_build import PinBuild
from chava.web.sparql_answer import SparqlRequest
from chava.web.sparql_fast import SparqlFastPath, is_async_fast
from chava.web.sparql_state import SERVICE_KEY
from tests.sparql_support import CONSTRUCT, SELECT, url

ALL = "SELECT * WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
ASSERTED = "https://w3id.org/chava/graph/asserted"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app_settings() -> dict[str, Any]:
    """A result cap of 5: cut results too."""
    return {"sparql_max_results": 5}


def paths(app: Flask) -> tuple[SparqlFastPath, Any]:
    """The fast path (below the hardening, build pinning and replay layers) and Flask."""
    hardened = app.wsgi_app
    assert isinstance(hardened, HardenedApp)
    pin = hardened.app
    assert isinstance(pin, PinBuild)  # each request pinned to its build, above the replay
    replay = pin.app
    assert isinstance(replay, ResponseCache)
    fast = replay.app
    assert isinstance(fast, SparqlFastPath)
    return fast, fast.app


def answer(wsgi: Any, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    response = Client(wsgi).get(path, headers=headers)
    return response.status_code, dict(response.headers), response.get_data()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (url(SELECT), {}),
        (url(SELECT), {"Accept": "text/csv"}),
        (url(SELECT, format="tsv"), {}),
        (url(SELECT), {"Accept": "application/sparql-results+xml;q=0.9, text/csv;q=0.5"}),
        (url(CONSTRUCT), {"Accept": "text/turtle"}),
        (url(CONSTRUCT, format="jsonld"), {}),
        (url("ASK { ?s ?p ?o }"), {}),
        (url(ALL), {}),  # cut at the cap: truncation headers
        (url(GRAPHS, **{"default-graph-uri": ASSERTED}), {}),
        (url(GRAPHS, **{"named-graph-uri": ASSERTED}), {}),
        (url("SELECT (RAND() AS ?r) WHERE {}"), {}),  # never cached: no-store
        (url("SELECT ?s WHERE { ?s ?p <relative> } LIMIT 1"), {}),  # base IRI: the endpoint
    ],
)
def test_the_fast_path_answers_as_the_flask_route_does(
    app: Flask, path: str, headers: dict[str, str]
) -> None:
    fast, flask_wsgi = paths(app)
    status, fast_headers, body = answer(fast, path, headers)
    flask_status, flask_headers, flask_body = answer(flask_wsgi, path, headers)
    assert status == flask_status == 200
    if "RAND" in path:  # a new random number each time: only the length may differ
        del fast_headers["Content-Length"], flask_headers["Content-Length"]
        body = flask_body
    assert fast_headers == flask_headers
    assert body == flask_body


PLAIN_GETS = [
    (url(SELECT), {}),
    (url(SELECT), {"Accept": "text/csv"}),
    (url(CONSTRUCT), {"Accept": "text/turtle"}),
    (url(ALL), {}),  # cut at the cap: truncation headers
    (url(GRAPHS, **{"named-graph-uri": ASSERTED}), {}),
    (url("SELECT * WHERE { ?s ?p }"), {}),  # the worker's syntax error
    (url("SELECT * WHERE {" * 200 + "}" * 200), {}),  # refused by the screen
    (url(SELECT), {"Accept": "image/png"}),  # 406
]


@pytest.mark.parametrize(("path", "headers"), PLAIN_GETS)
def test_the_event_loop_answer_is_the_wsgi_stacks(
    app: Flask, path: str, headers: dict[str, str]
) -> None:
    """What chava.web.gateway answers in its event loop: the same status, headers (security
    headers included) and bytes as the WSGI stack it otherwise runs on a thread."""
    hardened = app.wsgi_app
    assert isinstance(hardened, HardenedApp)
    environ = EnvironBuilder(path=path, headers=list(headers.items())).get_environ()
    assert is_async_fast(environ)
    answered = asyncio.run(hardened.answer_async(environ))
    assert answered is not None
    status, wsgi_headers, body = answer(hardened, path, headers)
    assert (answered[0], dict(answered[1]), answered[2]) == (status, wsgi_headers, body)


def test_browsers_and_other_requests_stay_on_the_lane_threads() -> None:
    """A results page is rendered from templates (it may be long): never in the event loop."""
    for path, headers in [
        (url(SELECT), {"Accept": FIREFOX}),
        (url(SELECT, format="html"), {}),
        ("/sparql", {}),
        ("/sparql/editor?" + urlencode({"query": SELECT}), {}),
    ]:
        assert not is_async_fast(
            EnvironBuilder(path=path, headers=list(headers.items())).get_environ()
        )
    post = EnvironBuilder(path="/sparql", method="POST", data={"query": SELECT})
    assert not is_async_fast(post.get_environ())


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        (url("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"), {}, 400),
        (url(SELECT), {"Accept": "image/png"}, 406),
        (url("SELECT * WHERE {" * 200 + "}" * 200), {}, 400),  # too deep
        ("/sparql?" + urlencode({"update": "DROP ALL"}), {}, 403),
        (url(SELECT) + "&" + urlencode({"query": SELECT}), {}, 400),  # two queries
        (url(SELECT, **{"default-graph-uri": "not an IRI"}), {}, 400),
    ],
)
def test_a_request_refused_before_running_is_reported_the_same_on_both_paths(
    app: Flask,
    path: str,
    headers: dict[str, str],
    status: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[object] = []
    monkeypatch.setattr(QueryService, "run", lambda *arguments, **_: runs.append(arguments))
    fast, flask_wsgi = paths(app)
    refused = answer(fast, path, {"Accept": "application/json", **headers})
    assert refused[0] == status
    assert refused == answer(flask_wsgi, path, {"Accept": "application/json", **headers})
    assert b'"message"' in refused[2]
    assert runs == []


def test_an_error_while_running_is_reported_by_the_fast_path_and_run_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    service: QueryService = app.extensions[SERVICE_KEY]
    runs: list[str] = []
    run = QueryService.run

    def counting(self: QueryService, prepared: Any, *, client: str, gone: Any = None) -> Any:
        runs.append(prepared.screened.text)
        return run(self, prepared, client=client, gone=gone)

    monkeypatch.setattr(QueryService, "run", counting)
    fast, _flask_wsgi = paths(app)
    status, headers, body = answer(fast, url("SELECT * WHERE { ?s ?p }"), {})  # worker: syntax
    assert status == 400
    assert b"syntax error" in body
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert len(runs) == 1
    assert service.pool.worker_pids()  # the workers live on


def test_gets_with_a_query_are_answered_before_flask_and_the_rest_by_the_route(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Conditional GETs too (304 from the ETag); POST, HEAD, the editor and the description go
    to the Flask route, which calls the same function."""
    fast, _flask_wsgi = paths(app)
    answered: list[str] = []
    original = sparql_answer.answer

    def spying(request: SparqlRequest, *arguments: Any) -> Any:
        answered.append(request.method)
        return original(request, *arguments)

    monkeypatch.setattr("chava.web.sparql_fast.answer", spying)
    routed: list[str] = []
    flask_answer = sparql_answer.answer

    def spying_route(request: SparqlRequest, *arguments: Any) -> Any:
        routed.append(request.method)
        return flask_answer(request, *arguments)

    monkeypatch.setattr("chava.web.sparql.answer", spying_route)
    client = Client(fast)
    etag = client.get(url(SELECT)).headers["ETag"]
    assert client.get(url(SELECT), headers={"If-None-Match": etag}).status_code == 304
    assert answered == ["GET", "GET"]
    assert routed == []
    assert client.head(url(SELECT)).status_code == 200
    assert client.post("/sparql", data={"query": SELECT}).status_code == 200
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/sparql/editor").status_code == 200
    assert answered == ["GET", "GET"]
    assert routed == ["HEAD", "POST", "GET"]


def test_a_browser_gets_the_same_results_page_on_both_paths(app: Flask) -> None:
    fast, flask_wsgi = paths(app)
    browser = {"Accept": FIREFOX, "Accept-Language": "en"}
    status, fast_headers, body = answer(fast, url(SELECT), browser)
    flask_status, flask_headers, flask_body = answer(flask_wsgi, url(SELECT), browser)
    assert status == flask_status == 200
    assert fast_headers["Content-Type"] == "text/html; charset=utf-8"
    assert fast_headers == flask_headers
    assert body == flask_body
    assert b"<table" in body


def test_the_endpoint_iri_is_werkzeugs_host_url_and_the_memo_stays_bounded() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    for number in range(200):  # the Host header is the client's to choose
        for host in (f"host-{number}.example:8080", f"host-{number}.example:80"):
            environ = EnvironBuilder(path="/sparql", headers=[("Host", host)]).get_environ()
            expected = Request(environ).host_url + "sparql"
            assert sparql_answer.endpoint_iri_of(environ) == expected
            assert sparql_answer.endpoint_iri_of(environ) == expected  # remembered, unchanged
    assert len(sparql_answer._endpoints) <= sparql_answer._ENDPOINTS_KEPT
