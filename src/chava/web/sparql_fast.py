"""Plain SPARQL GETs answered before Flask runs, by the function the Flask route calls.

A query text never seen before costs about 1.2 ms over HTTP through Flask (lookup query, 1M
statements), of which Flask's request and response machinery takes about 0.35 ms. This WSGI
layer answers `GET /sparql?...` itself with chava.web.sparql_answer.answer, refusals and errors
included; other requests (POST, HEAD, OPTIONS, the editor without a query) go to Flask, whose
route calls the same function. A browser's request gets its HTML page (results or error) from
the app's templates, in a request context made for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from chava.sparql.endpoint import QueryService
from chava.web.replies import Reply, status_reply
from chava.web.response_cache import CACHEABLE
from chava.web.sparql_answer import (
    HANG_UP,
    PATHS,
    Limits,
    SparqlRequest,
    SparqlSite,
    answer,
    answer_async,
)

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SparqlFastPath:
    """Wraps the Flask WSGI app; answers SPARQL GETs carrying a query without it."""

    def __init__(
        self,
        app: WSGIApp,
        service_of: Callable[[dict[str, Any]], QueryService],
        site_of: Callable[[dict[str, Any]], SparqlSite],
        limits: Limits,
    ) -> None:
        self.app = app
        self.service_of = service_of
        """The QueryService of the build a request runs on (from its WSGI environ)."""
        self.site_of = site_of
        """The pages of the site, for a request (rendered only when a browser asks)."""
        self.limits = limits

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not is_fast(environ):
            return self.app(environ, start_response)
        request = SparqlRequest.from_environ(environ)
        try:
            reply = answer(request, self.service_of(environ), self.site_of(environ), self.limits)
        except Exception:  # a bug: logged, a 500 without details (as Flask reports one)
            reply = _bug(request, environ)
        if reply.cacheable:
            environ[CACHEABLE] = True  # replayed by chava.web.response_cache next time
        return reply.send(start_response)

    async def answer_async(self, environ: dict[str, Any]) -> Answered:
        """The answer to a request is_async_fast accepts, computed in the event loop (the
        query runs with no thread waiting for it): the same answer function's steps."""
        request = SparqlRequest.from_environ(environ)
        hang_up = environ.get(HANG_UP)
        try:
            reply = await answer_async(
                request,
                self.service_of(environ),
                self.site_of(environ),
                self.limits,
                hang_up=hang_up if callable(hang_up) else None,
            )
        except Exception:  # a bug: logged, a 500 without details (as Flask reports one)
            reply = _bug(request, environ)
        if reply.cacheable:
            environ[CACHEABLE] = True
        started: list[Any] = []
        body = reply.send(lambda status, headers, *_rest: started.extend((status, headers)))
        return started[0], started[1], b"".join(body)


Answered = tuple[str, list[tuple[str, str]], bytes]
"""A WSGI status line, its headers and the body."""


def is_fast(environ: dict[str, Any]) -> bool:
    """Whether this layer answers the request itself: a GET to /sparql carrying a query."""
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and environ.get("PATH_INFO") in PATHS
        and "query=" in environ.get("QUERY_STRING", "")
    )


def is_async_fast(environ: dict[str, Any]) -> bool:
    """is_fast, for a machine (no HTML asked for): answered in the event loop by the gateway.

    A browser's results page is rendered from templates, which may take long with many rows:
    it stays on a thread of the SPARQL lane, like every other request to /sparql.
    """
    if not is_fast(environ):
        return False
    accept = str(environ.get("HTTP_ACCEPT") or "").lower()
    return "html" not in accept and "format=htm" not in environ.get("QUERY_STRING", "").lower()


def _bug(request: SparqlRequest, environ: dict[str, Any]) -> Reply:
    logger.exception("unexpected error on GET %s", environ.get("PATH_INFO"))
    return status_reply(
        500,
        "InternalServerError",
        "internal error; see the server log",
        accept=request.accept,
        site=None,
    )
