"""The outermost WSGI layer: the public host, security headers, and SPARQL's per-client limits.

Every response leaves through here, the ones replayed by chava.web.response_cache and answered
by chava.web.sparql_fast included, so each carries the same security headers:

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
client over either is answered 429 with Retry-After by the Flask route, which reports it like
any other refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from chava.config import Settings
from chava.errors import ConfigError, TooManyRequestsError
from chava.sparql.clients import ClientLedger
from chava.web.response_cache import Replaying
from chava.web.sparql_fast import PATHS, RUN_FAILURE

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

YASGUI_GRIP_STYLE: Final = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
"""The one inline style the vendored editor adds: its results table's column grips (constant)."""
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' {YASGUI_GRIP_STYLE}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: Final = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
_SECURITY_NAMES: Final = frozenset(name.lower() for name, _value in SECURITY_HEADERS)
_SECURITY_LENGTHS: Final = frozenset(len(name) for name in _SECURITY_NAMES)


def with_security_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """*headers* with the security headers set (replacing any the app set)."""
    # Called on every response: compare lengths first, lower-case only a likely name.
    kept = [
        (name, value)
        for name, value in headers
        if len(name) not in _SECURITY_LENGTHS or name.lower() not in _SECURITY_NAMES
    ]
    return [*kept, *SECURITY_HEADERS]


def public_origin(public_base_url: str) -> tuple[str, str] | None:
    """The (scheme, host[:port]) of *public_base_url*, or None when it is empty."""
    if not public_base_url:
        return None
    parts = urlsplit(public_base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(
            f"public_base_url: {public_base_url!r} is not an origin such as "
            "https://data.example.org (http or https, a host, no path)"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(f"public_base_url: {public_base_url!r} has a query, fragment or user")
    return parts.scheme, parts.netloc


def is_sparql_query(environ: dict[str, Any]) -> bool:
    """Whether the request asks /sparql to run a query (the editor and description do not)."""
    if environ.get("PATH_INFO") not in PATHS:
        return False
    if environ.get("REQUEST_METHOD") == "POST":
        return True
    query_string = environ.get("QUERY_STRING", "")
    return "query=" in query_string or "update=" in query_string


class HardenedApp:
    """Wraps the app's WSGI stack (*app*, its replay cache); *refusals* reports a 429."""

    def __init__(
        self, app: Replaying, refusals: WSGIApp, settings: Settings, ledger: ClientLedger
    ) -> None:
        self.app = app
        self.refusals = refusals
        self.ledger = ledger
        self.origin = public_origin(settings.public_base_url)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self._publicise(environ)
        secured = _secured(start_response)
        if is_sparql_query(environ):
            try:
                self.ledger.admit(environ.get("REMOTE_ADDR") or "unknown")
            except TooManyRequestsError as error:
                environ[RUN_FAILURE] = error  # raised by the /sparql route, reported by Flask
                return self.refusals(environ, secured)
        return self.app(environ, secured)

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
