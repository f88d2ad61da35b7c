"""The outermost WSGI layer: the public host, security headers, and SPARQL's per-client limits.

Every response leaves through here, the ones replayed by chava.web.response_cache and answered
by chava.web.sparql_fast included, so each carries the same security headers (their values are
chava.web.response_rules'):

- `Content-Security-Policy`: scripts, styles, fonts, images and connections from this origin
  only (images may also be `data:` URLs; one inline style of the vendored editor is allowed by
  its hash), no inline script, no plugins, no framing, no `<base>`; a `javascript:` link that
  slipped into a page runs nothing.
- `X-Content-Type-Options: nosniff`: a browser never reads a dump or a result as HTML.
- `Referrer-Policy`: other sites see at most this server's origin.

With `public_base_url` set, the request's Host header and scheme are replaced by the
configured ones before anything reads them, so links, `Location` headers, JSON-LD URLs and the
SPARQL base IRI never reflect a Host header a client made up.

SPARQL queries (`/sparql` with a query) count against the client's request rate and query-time
budget (chava.sparql.clients.ClientLedger) before anything else, cached answers included: a
client over either is answered 429 with Retry-After, reported here as every error is
(chava.web.replies: JSON, or the error page for a browser).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from chava.config import Settings
from chava.errors import PublisherError, TooManyRequestsError
from chava.sparql.clients import ClientLedger
from chava.web.origin import public_origin
from chava.web.response_cache import Replaying
from chava.web.response_rules import with_security_headers
from chava.web.sparql_answer import PATHS

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ErrorReporter = Callable[[PublisherError, dict[str, Any], StartResponse], Iterable[bytes]]
"""Answers a WSGI request with the report of an error (chava.web.app builds it)."""


def is_sparql_query(environ: dict[str, Any]) -> bool:
    """Whether the request asks /sparql to run a query (the editor and description do not)."""
    if environ.get("PATH_INFO") not in PATHS:
        return False
    if environ.get("REQUEST_METHOD") == "POST":
        return True
    query_string = environ.get("QUERY_STRING", "")
    return "query=" in query_string or "update=" in query_string


class HardenedApp:
    """Wraps the app's WSGI stack (*app*, its replay cache); *report* answers a 429."""

    def __init__(
        self, app: Replaying, report: ErrorReporter, settings: Settings, ledger: ClientLedger
    ) -> None:
        self.app = app
        self.report = report
        self.ledger = ledger
        self.origin = public_origin(settings.public_base_url)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self._publicise(environ)
        secured = _secured(start_response)
        if is_sparql_query(environ):
            try:
                self.ledger.admit(environ.get("REMOTE_ADDR") or "unknown")
            except TooManyRequestsError as error:
                return self.report(error, environ, secured)
        return self.app(environ, secured)

    async def answer_async(
        self, environ: dict[str, Any]
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """A SPARQL GET answered in the event loop with the same layers, or None: then call
        the app (on a thread). The gateway asks only for chava.web.sparql_fast.is_async_fast
        requests; a client the ledger refuses goes to the app, which refuses it again and
        reports the 429 (a refusal is not counted)."""
        self._publicise(environ)
        try:
            self.ledger.admit(environ.get("REMOTE_ADDR") or "unknown")
        except TooManyRequestsError:
            return None
        status, headers, body = await self.app.answer_async(environ)  # type: ignore[attr-defined]
        return int(status.split(" ", 1)[0]), with_security_headers(headers), body

    def replay(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes] | None:
        """The replayed answer with the same layers, or None: then call the app.

        Cheap enough for chava.web.gateway to run in its event loop, without a thread. A SPARQL
        query is counted against the client's rate only when it is answered here; one the
        ledger refuses goes to the app, which refuses it again and reports the 429.
        """
        self._publicise(environ)
        entry = self.app.lookup(environ)
        if entry is None:
            return None
        if is_sparql_query(environ):
            try:
                self.ledger.admit(environ.get("REMOTE_ADDR") or "unknown")
            except TooManyRequestsError:
                return None
        return self.app.replay(entry, environ, start_response, with_security_headers)

    def _publicise(self, environ: dict[str, Any]) -> None:
        if self.origin is not None:
            scheme, host = self.origin
            environ["wsgi.url_scheme"] = scheme
            environ["HTTP_HOST"] = host
            environ.pop("HTTP_X_FORWARDED_HOST", None)


def _secured(start_response: StartResponse) -> StartResponse:
    def secured(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        return start_response(status, with_security_headers(headers), *rest)

    return secured
