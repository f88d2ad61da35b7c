"""A computed response (status, headers, body), and the one way an error becomes one.

Framework-free: the SPARQL answer, the hardening layer and the Flask error handlers all report a
PublisherError through `error_reply`, so an error reads the same on every path: JSON
(`{"error", "status", "message"}`) for machines, the site's error page for browsers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from chava.errors import PublisherError
from chava.web import response_rules as rules

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
_REASONS = {
    200: "OK",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    410: "Gone",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Reply:
    """A response computed without a framework."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    cacheable: bool = False
    """The response cache may replay it (chava.web.response_cache)."""

    def send(self, start_response: StartResponse, *, head: bool = False) -> list[bytes]:
        """Start a WSGI response with this reply; its body (none for HEAD and 304)."""
        headers = list(self.headers)
        if self.status not in (204, 304):
            headers.append(("Content-Length", str(len(self.body))))
        start_response(f"{self.status} {_REASONS.get(self.status, 'Unknown')}", headers)
        return [b""] if head or self.status in (204, 304) else [self.body]


class ErrorPages(Protocol):
    """What can render an error as an HTML page (the site's error template)."""

    def error_page(self, status: int, kind: str, message: str, error: PublisherError) -> str:
        """The HTML page of an error."""


def error_reply(error: PublisherError, *, accept: str | None, site: ErrorPages | None) -> Reply:
    """The reply reporting *error*: its status, message, Retry-After and Allow."""
    return status_reply(
        error.http_status,
        type(error).__name__,
        str(error),
        accept=accept,
        site=site,
        error=error,
        retry_after=getattr(error, "retry_after", None),
        allowed=getattr(error, "allowed", ()),
    )


def status_reply(
    status: int,
    kind: str,
    message: str,
    *,
    accept: str | None,
    site: ErrorPages | None,
    error: PublisherError | None = None,
    retry_after: int | None = None,
    allowed: Iterable[str] = (),
    close: bool = False,
) -> Reply:
    """An error reply with *status*: an HTML page when the client wants one and *site* can."""
    allowed = tuple(allowed)
    if site is not None and rules.wants_html(accept):
        try:
            page = site.error_page(status, kind, message, error or PublisherError(message))
        except Exception:  # the page itself failed (a broken build): JSON still says it
            logger.exception("the error page of a %d could not be rendered", status)
        else:
            headers = rules.error_headers(
                html=True, retry_after=retry_after, allowed=allowed, close=close
            )
            return Reply(status, headers, page.encode())
    headers = rules.error_headers(html=False, retry_after=retry_after, allowed=allowed, close=close)
    return Reply(status, headers, rules.error_json(status, kind, message))
