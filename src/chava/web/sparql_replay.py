"""Replay cached /sparql GET responses in front of Flask: a repeated query costs a dict lookup.

The graph changes only at build time and an app serves one build, so the response to a GET of a
deterministic query depends on the request alone: its Host (the base IRI), query string and
Accept header. The /sparql route marks such responses (`MARK`); this WSGI middleware keeps them,
headers as sent after every hook, and answers the next identical request (200, or 304 when
If-None-Match names the ETag) without running Flask. Everything else passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from werkzeug.http import parse_etags

from chava.sparql.cache import ResultCache

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MARK: Final = "chava.sparql.replayable"
"""Environ key the route sets (to the response's ETag) when the response may be replayed."""
PATHS: Final = frozenset({"/sparql", "/sparql/"})


@dataclass(frozen=True)
class _Recorded:
    etag: str
    headers: list[tuple[str, str]]
    body: bytes


class SparqlReplay:
    """WSGI middleware replaying marked /sparql GET responses, at most *capacity* bytes of them."""

    def __init__(self, application: WSGIApplication, capacity: int) -> None:
        self.application = application
        self.cache: ResultCache[_Recorded] = ResultCache(capacity)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") not in PATHS:
            return self.application(environ, start_response)
        key = "\x00".join(
            (
                environ.get("HTTP_HOST", ""),
                environ.get("QUERY_STRING", ""),
                environ.get("HTTP_ACCEPT", ""),
            )
        )
        recorded = self.cache.get(key)
        if recorded is not None:
            return _replay(recorded, environ, start_response)
        return self._record(key, environ, start_response)

    def _record(
        self, key: str, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        sent: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Callable[..., Any]:
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, *args)

        chunks = self.application(environ, capture)
        etag = environ.get(MARK)
        if etag is None or not str(sent.get("status", "")).startswith("200"):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self.cache.put(key, _Recorded(str(etag), list(sent["headers"]), body), len(body))
        return [body]


def _replay(
    recorded: _Recorded, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    condition = environ.get("HTTP_IF_NONE_MATCH")
    if condition and parse_etags(condition).contains(recorded.etag):
        headers = [
            (name, value)
            for name, value in recorded.headers
            if name.lower() not in ("content-length", "content-type")
        ]
        start_response("304 NOT MODIFIED", headers)
        return []
    start_response("200 OK", recorded.headers)
    return [recorded.body]
