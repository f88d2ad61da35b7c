"""Plain SPARQL GETs answered before Flask runs, with the same service and headers as its route.

A query text never seen before costs about 1.2 ms over HTTP through Flask (lookup query, 1M
statements), of which Flask's request and response machinery takes about 0.35 ms. This WSGI
layer answers the common request itself: `GET /sparql?query=...` (with `format`,
`default-graph-uri`, `named-graph-uri` if given) and no `If-None-Match`. Everything else goes to
Flask (chava.web.sparql): other methods, HEAD, conditional requests, no query.

Errors keep Flask's reporting without running anything twice: a request refused before it runs
(400, 406, 413, 414...) is handed to Flask, which checks it again and reports the refusal; an
error raised while the query ran (429, 503, a syntax error found by the worker) is left in the
environ under RUN_FAILURE for the Flask route to raise, so the app's error handlers report it and
the query is not run again (a query stopped at its time limit must not run a second time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler)
from werkzeug.sansio.utils import get_current_url
from werkzeug.wsgi import get_host

from chava.sparql.endpoint import PreparedQuery, QueryService
from chava.sparql.pool import QueryOutcome
from chava.sparql.protocol import read_request
from chava.sparql.results import TRUNCATION_LINK
from chava.web.response_cache import CACHEABLE

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

TRUNCATED_HEADER: Final = "X-Chava-Results-Truncated"
LIMIT_HEADER: Final = "X-Chava-Results-Limit"
BYTE_LIMIT_HEADER: Final = "X-Chava-Results-Byte-Limit"
CORS_HEADERS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        f"ETag, Retry-After, Link, {TRUNCATED_HEADER}, {LIMIT_HEADER}, {BYTE_LIMIT_HEADER}"
    ),
}
RUN_FAILURE: Final = "chava.sparql.failure"
"""WSGI environ key: the exception a query raised while it ran, for the Flask route to raise."""
CLIENT_GONE: Final = "chava.client_gone"
"""WSGI environ key: a callable telling whether the client has hung up (set by the gateway)."""
PATHS: Final = frozenset({"/sparql", "/sparql/"})
_ENDPOINTS_KEPT: Final = 64

_endpoints: dict[tuple[str, str | None, str | None, str | None], str] = {}


def endpoint_iri_of(environ: dict[str, Any]) -> str:
    """The endpoint's URL as this request reached it (the base IRI of its query).

    Exactly Flask's `request.host_url` plus `sparql`, remembered per host: the ETag of a result
    depends on it, so both paths must agree to the character.
    """
    key = (
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
    )
    iri = _endpoints.get(key)
    if iri is None:
        iri = get_current_url(key[0], get_host(environ)).rstrip("/") + "/sparql"
        if len(_endpoints) >= _ENDPOINTS_KEPT:  # Host is the client's to choose: stay bounded
            _endpoints.clear()
        _endpoints[key] = iri
    return iri


def cache_headers(prepared: PreparedQuery) -> list[tuple[str, str]]:
    """ETag and Cache-Control of a GET answer (or of its 304)."""
    if prepared.cacheable:  # revalidate: 304 via the ETag
        return [("ETag", f'"{prepared.etag}"'), ("Cache-Control", "public, no-cache")]
    return [("Cache-Control", "no-store")]  # RAND(), NOW()...: a new answer each time


def result_headers(
    prepared: PreparedQuery, outcome: QueryOutcome, *, is_get: bool, limit: int
) -> list[tuple[str, str]]:
    """The headers of a query's answer: type, caching (GET), truncation, CORS."""
    headers = [("Content-Type", prepared.format.content_type), ("Vary", "Accept")]
    if is_get:
        headers.extend(cache_headers(prepared))
    if outcome.truncated:  # said here, never inside the data (see chava.sparql.results)
        headers.append((TRUNCATED_HEADER, "true"))
        headers.append((LIMIT_HEADER, str(limit)))
        headers.append((BYTE_LIMIT_HEADER, str(prepared.job["max_bytes"])))
        headers.append(("Link", f'<{TRUNCATION_LINK}>; rel="describedby"'))
    headers.extend(CORS_HEADERS.items())
    return headers


class SparqlFastPath:
    """Wraps the Flask WSGI app; answers plain SPARQL GETs with the request's query service."""

    def __init__(self, app: WSGIApp, service_of: Callable[[dict[str, Any]], QueryService]) -> None:
        self.app = app
        self.service_of = service_of
        """The QueryService of the build a request runs on (from its WSGI environ)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") not in PATHS
            or "HTTP_IF_NONE_MATCH" in environ
            or not environ.get("QUERY_STRING")
        ):
            return self.app(environ, start_response)
        try:
            prepared = self._prepare(environ)
        except Exception:  # Flask checks again and reports it (4xx, or 500 for a bug)
            return self.app(environ, start_response)
        if prepared is None:
            return self.app(environ, start_response)
        service = self.service_of(environ)
        try:
            outcome = service.run(
                prepared,
                client=environ.get("REMOTE_ADDR") or "unknown",
                gone=environ.get(CLIENT_GONE),
            )
        except Exception as error:  # reported by the Flask route, never run again
            environ[RUN_FAILURE] = error
            return self.app(environ, start_response)
        if prepared.cacheable:
            environ[CACHEABLE] = True  # replayed by chava.web.response_cache next time
        limit = service.settings.sparql_max_results
        headers = result_headers(prepared, outcome, is_get=True, limit=limit)
        headers.append(("Content-Length", str(len(outcome.body))))
        start_response("200 OK", headers)
        return [outcome.body]

    def _prepare(self, environ: dict[str, Any]) -> PreparedQuery | None:
        """The screened query of this GET, or None when it carries no query."""
        # As werkzeug parses `request.args`: invalid bytes stay percent-encoded.
        text = environ["QUERY_STRING"].encode("latin-1").decode()
        args: dict[str, list[str]] = {}
        for name, value in parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"):
            args.setdefault(name, []).append(value)
        query_request = read_request("GET", content_type=None, args=args)
        if query_request.query is None:
            return None
        formats = args.get("format")
        return self.service_of(environ).prepare(
            query_request,
            accept=environ.get("HTTP_ACCEPT"),
            requested_format=formats[0] if formats else None,
            base_iri=endpoint_iri_of(environ),
        )
