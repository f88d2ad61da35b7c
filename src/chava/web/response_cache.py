"""A WSGI layer answering repeated resource requests from memory, before Flask runs at all.

A resource response is a pure function of the build (its id, set in the environ by the layer
above), the path, the query string and the request headers it varies on (Accept,
Accept-Language) plus the Host (JSON-LD names the context on this server). Routes opt in by
setting `CACHEABLE` in the WSGI environ; only 200 answers to GET are kept. Hits still honour
`If-None-Match` (304, by chava.web.response_rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from chava.lru_cache import BoundedLRU
from chava.web import response_rules as rules

CACHEABLE = "chava.cacheable"
"""WSGI environ key a route sets to True when its response may be replayed."""
BUILD_ID = "chava.build_id"
"""WSGI environ key: the id of the build the request runs on (part of the cache key)."""

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class _Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    validators: rules.Validators
    outer_headers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """The headers as a wrapping layer rewrites them, computed once (see replay)."""


class Replaying(Protocol):
    """A WSGI layer that can answer a repeated request from memory (ResponseCache, or a layer
    wrapping one): `lookup`, then `replay` the entry, without calling anything below."""

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]: ...

    def lookup(self, environ: dict[str, Any]) -> _Entry | None: ...

    def replay(
        self,
        entry: _Entry,
        environ: dict[str, Any],
        start_response: StartResponse,
        rewrite: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None,
    ) -> Iterable[bytes]: ...


class ResponseCache:
    """Wraps a WSGI app; bounded by bytes (least recently used entries go first)."""

    def __init__(self, app: WSGIApp, max_bytes: int) -> None:
        self.app = app
        self.entries = BoundedLRU[_Entry](max_bytes)

    def lookup(self, environ: dict[str, Any]) -> _Entry | None:
        """The stored answer to this request, or None (nothing below is called either way)."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or self.entries.max_bytes <= 0:
            return None
        if "HTTP_IF_MODIFIED_SINCE" in environ:
            return None
        return self.entries.get(_key(environ))

    @staticmethod
    def replay(
        entry: _Entry,
        environ: dict[str, Any],
        start_response: StartResponse,
        rewrite: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None,
    ) -> Iterable[bytes]:
        """Answer with *entry* (found by lookup): 200, or 304 on a matching If-None-Match.

        *rewrite* (a pure function of the headers) is applied once per entry and remembered.
        """
        headers = entry.headers
        if rewrite is not None:
            rewritten = entry.outer_headers.get("rewritten")
            if rewritten is None:
                rewritten = entry.outer_headers["rewritten"] = rewrite(headers)
            headers = rewritten
        return _replay(entry, environ, start_response, headers)

    async def answer_async(
        self, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """The app's answer_async (a SPARQL GET in the event loop), kept as __call__ keeps one.

        The lookup was made already (the gateway replays hits before asking).
        """
        status, headers, body = await self.app.answer_async(environ)  # type: ignore[attr-defined]
        if environ.get(CACHEABLE) and status.startswith("200") and self.entries.max_bytes > 0:
            validators = rules.Validators(rules.quoted_etag(headers))
            entry = _Entry(status, list(headers), body, validators)
            self.entries.put(_key(environ), entry, len(body) + 512)
        return status, headers, body

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or self.entries.max_bytes <= 0:
            return self.app(environ, start_response)
        key = _key(environ)
        entry = self.entries.get(key)
        if entry is not None and "HTTP_IF_MODIFIED_SINCE" not in environ:
            return _replay(entry, environ, start_response, entry.headers)
        if method != "GET":
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, *rest)

        result = self.app(environ, capture)
        if not (environ.get(CACHEABLE) and captured.get("status", "").startswith("200")):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = list(captured["headers"])
        validators = rules.Validators(rules.quoted_etag(headers))
        entry = _Entry(captured["status"], headers, body, validators)
        self.entries.put(key, entry, len(body) + 512)
        return [body]


def _key(environ: dict[str, Any]) -> tuple[Any, ...]:
    return (
        environ.get(BUILD_ID),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT"),
        environ.get("HTTP_ACCEPT_LANGUAGE"),
        environ.get("HTTP_HOST"),
        environ.get("wsgi.url_scheme"),
    )


def _replay(
    entry: _Entry,
    environ: dict[str, Any],
    start_response: StartResponse,
    headers: list[tuple[str, str]],
) -> Iterable[bytes]:
    if rules.is_not_modified(
        entry.validators, if_none_match=environ.get("HTTP_IF_NONE_MATCH"), if_modified_since=None
    ):
        start_response("304 NOT MODIFIED", rules.not_modified_headers(headers))
        return [b""]
    start_response(entry.status, headers)
    return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]
