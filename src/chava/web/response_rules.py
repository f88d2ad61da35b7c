"""The rules every HTTP response follows, in one place and without Flask.

Validators (ETag, Last-Modified) and the 304 decision, Cache-Control, Vary, CORS (one preflight
answer, one list of exposed headers), Link, error bodies and the security headers. Routes, the
error handlers, the SPARQL answer (chava.web.sparql_answer), the replay cache, the hardening layer
and the gateway all build their headers here; tests/test_response_rules.py checks that no other
module spells these headers.

Headers are `(name, value)` pairs, as WSGI and RSGI take them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from werkzeug.datastructures import Headers as WerkzeugHeaders
from werkzeug.http import http_date, parse_date, parse_etags
from werkzeug.wrappers import Response as WerkzeugResponse

from chava.negotiate import parse_accept

Headers = list[tuple[str, str]]
T = TypeVar("T", bound=WerkzeugResponse)

# --- CORS: the public, read-only web is readable from any origin ------------------------------

TRUNCATED_HEADER: Final = "X-Chava-Results-Truncated"
"""Set to `true` on a SPARQL result cut at a cap (the data itself never says it)."""
LIMIT_HEADER: Final = "X-Chava-Results-Limit"
BYTE_LIMIT_HEADER: Final = "X-Chava-Results-Byte-Limit"
ALLOWED_REQUEST_HEADERS: Final = (
    "Accept",
    "Accept-Language",
    "Content-Type",
    "If-None-Match",
    "If-Modified-Since",
    "Range",
)
"""What a cross-origin request may send (every route: one preflight answer)."""
EXPOSED_HEADERS: Final = (
    "ETag",
    "Last-Modified",
    "Link",
    "Content-Location",
    "Content-Language",
    "Vary",
    "Retry-After",
    TRUNCATED_HEADER,
    LIMIT_HEADER,
    BYTE_LIMIT_HEADER,
)
"""What a cross-origin script may read besides the safelisted headers (one list for all)."""
PREFLIGHT_MAX_AGE: Final = 86400
READ_METHODS: Final = ("GET", "HEAD", "OPTIONS")


def cors_headers() -> Headers:
    """`Access-Control-*` of every response: any origin may read it."""
    return [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", ", ".join(EXPOSED_HEADERS)),
    ]


def is_preflight(method: str, access_control_request_method: str | None) -> bool:
    """Whether a request is a CORS preflight (OPTIONS naming the method to come)."""
    return method == "OPTIONS" and access_control_request_method is not None


def preflight_headers(allowed_methods: Sequence[str]) -> Headers:
    """The answer to a preflight (and to any OPTIONS) of a route allowing *allowed_methods*."""
    methods = ", ".join(allowed_methods)
    return [
        ("Allow", methods),
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", ", ".join(ALLOWED_REQUEST_HEADERS)),
        ("Access-Control-Max-Age", str(PREFLIGHT_MAX_AGE)),
    ]


# --- validators and conditional requests ------------------------------------------------------


@dataclass(frozen=True)
class Validators:
    """What a representation is checked against: a strong ETag (bare, unquoted) and a date."""

    etag: str | None = None
    last_modified: datetime | None = None

    def headers(self) -> Headers:
        """ETag and Last-Modified of a 200 (or of its 304)."""
        headers: Headers = []
        if self.etag is not None:
            headers.append(("ETag", f'"{self.etag}"'))
        if self.last_modified is not None:
            headers.append(("Last-Modified", http_date(self.last_modified)))
        return headers


def etag_of(*parts: str) -> str:
    """A strong ETag (unquoted) for a representation determined by *parts*."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def quoted_etag(headers: Iterable[tuple[str, str]]) -> str | None:
    """The bare ETag among *headers* (None without one)."""
    for name, value in headers:
        if name.lower() == "etag":
            return value.strip().removeprefix("W/").strip('"')
    return None


def is_not_modified(
    validators: Validators, *, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """Whether a GET or HEAD with these conditions is answered 304 (RFC 9110, 13.1-13.2).

    If-None-Match wins when sent (weak comparison, `*` matches); If-Modified-Since counts only
    without it, against Last-Modified at one-second precision.
    """
    if if_none_match:
        if validators.etag is None:
            return False
        etags = parse_etags(if_none_match)
        return etags.star_tag or etags.contains_weak(validators.etag)
    if if_modified_since and validators.last_modified is not None:
        since = parse_date(if_modified_since)
        if since is None:
            return False
        return validators.last_modified.replace(microsecond=0) <= since
    return False


NOT_MODIFIED_DROPS: Final = frozenset(
    {"content-length", "content-type", "content-language", "content-encoding"}
)


def not_modified_headers(headers: Iterable[tuple[str, str]]) -> Headers:
    """The headers of a 304 answering for a 200 with *headers* (no content description)."""
    return [(name, value) for name, value in headers if name.lower() not in NOT_MODIFIED_DROPS]


# --- caching -----------------------------------------------------------------------------------


def cache_for(max_age: int, *, immutable: bool = False) -> tuple[str, str]:
    """Reusable by anyone for *max_age* seconds (for ever for an immutable document)."""
    return ("Cache-Control", f"public, max-age={max_age}" + (", immutable" if immutable else ""))


def revalidate() -> tuple[str, str]:
    """Cacheable, but checked each time (304 through its ETag)."""
    return ("Cache-Control", "public, no-cache")


def never_store() -> tuple[str, str]:
    """A new answer each time (RAND(), NOW(), /health)."""
    return ("Cache-Control", "no-store")


def private() -> Headers:
    """A page for one person (a form, a steward's session): never stored, varies by cookie."""
    return [never_store(), vary("Cookie")]


def vary(*names: str) -> tuple[str, str]:
    """`Vary`: the request headers the representation depends on."""
    return ("Vary", ", ".join(names))


# --- Link --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One link of a `Link` header (RFC 8288)."""

    url: str
    rel: str
    media_type: str | None = None

    def __str__(self) -> str:
        kind = f'; type="{self.media_type}"' if self.media_type else ""
        return f'<{self.url}>; rel="{self.rel}"{kind}'


def link_header(links: Iterable[Link]) -> tuple[str, str] | None:
    """One `Link` header carrying *links*, or None when there are none."""
    text = ", ".join(str(link) for link in links)
    return ("Link", text) if text else None


# --- errors ------------------------------------------------------------------------------------

JSON_TYPE: Final = "application/json"
HTML_TYPE: Final = "text/html; charset=utf-8"


def wants_html(accept: str | None) -> bool:
    """Whether a client prefers an HTML page to JSON (a browser) for an error or a result."""
    parsed = parse_accept(accept)
    return parsed.best_match([JSON_TYPE, "text/html"]) == "text/html" and parsed["text/html"] > 0


def error_json(status: int, kind: str, message: str) -> bytes:
    """The JSON body of an error: its kind, status and a message for people."""
    return json.dumps({"error": kind, "status": status, "message": message}).encode("utf-8")


def error_headers(
    *,
    html: bool,
    retry_after: int | None = None,
    allowed: Sequence[str] = (),
    close: bool = False,
) -> Headers:
    """The headers of an error response (its body is error_json or an HTML page)."""
    headers: Headers = [("Content-Type", HTML_TYPE if html else JSON_TYPE), vary("Accept")]
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    if allowed:
        headers.append(("Allow", ", ".join(allowed)))
    if close:
        headers.append(("Connection", "close"))
    return [*headers, *cors_headers()]


# --- security ------------------------------------------------------------------------------------

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


def with_security_headers(headers: Iterable[tuple[str, str]]) -> Headers:
    """*headers* with the security headers set (replacing any the app set)."""
    # Called on every response: compare lengths first, lower-case only a likely name.
    kept = [
        (name, value)
        for name, value in headers
        if len(name) not in _SECURITY_LENGTHS or name.lower() not in _SECURITY_NAMES
    ]
    return [*kept, *SECURITY_HEADERS]


# --- applying rules to a response (werkzeug's, which Flask's is) ----------------------------------


_MERGED: Final = frozenset({"vary", "link"})
"""Headers whose values add up (a route's Link to a rule's Link) rather than replace."""


def apply(target: WerkzeugHeaders, headers: Iterable[tuple[str, str]]) -> None:
    """Set *headers* on a response's headers: Vary and Link add up, others replace."""
    for name, value in headers:
        current = target.get(name) if name.lower() in _MERGED else None
        if current:
            parts = [part.strip() for part in current.split(",")]
            if name.lower() == "vary":
                value = ", ".join(dict.fromkeys([*parts, *value.split(", ")]))
            elif value not in current:
                value = f"{current}, {value}"
            else:
                value = current
        target[name] = value


def with_ranges(response: T, environ: Any, size: int) -> T:
    """*response* (a whole file, its validators set) answering the request's Range: 206, 416.

    werkzeug's code does the byte ranges (and If-Range, against the ETag set by these rules).
    """
    response.make_conditional(environ, accept_ranges=True, complete_length=size)
    return response  # make_conditional changes the response itself (and returns it)


def apply_missing(target: WerkzeugHeaders, headers: Iterable[tuple[str, str]]) -> None:
    """Set those of *headers* the response does not have yet (a route's own choice wins)."""
    for name, value in headers:
        if name not in target:
            target[name] = value
