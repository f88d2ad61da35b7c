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
from chava.web.replies import status_reply
from chava.web.response_cache import CACHEABLE
from chava.web.sparql_answer import PATHS, Limits, SparqlRequest, SparqlSite, answer

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
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") not in PATHS
            or "query=" not in environ.get("QUERY_STRING", "")
        ):
            return self.app(environ, start_response)
        request = SparqlRequest.from_environ(environ)
        try:
            reply = answer(request, self.service_of(environ), self.site_of(environ), self.limits)
        except Exception:  # a bug: logged, a 500 without details (as Flask reports one)
            logger.exception("unexpected error on GET %s", environ.get("PATH_INFO"))
            reply = status_reply(
                500,
                "InternalServerError",
                "internal error; see the server log",
                accept=request.accept,
                site=None,
            )
        if reply.cacheable:
            environ[CACHEABLE] = True  # replayed by chava.web.response_cache next time
        return reply.send(start_response)
