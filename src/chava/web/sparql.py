"""The /sparql endpoint (SPARQL 1.1 Protocol), its query editor and the example query pages.

The route is an adapter: it reads the request's parts, calls chava.web.sparql_answer.answer (the
function the fast path calls too) and sends the Reply.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from chava.web import sparql_pages, state
from chava.web.response_cache import CACHEABLE
from chava.web.sparql_answer import Limits, SparqlRequest, answer
from chava.web.sparql_site import FlaskSparqlSite
from chava.web.sparql_state import query_service

blueprint = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register /sparql and the example pages; the query workers start on the first query.

    Each served build has its own QueryService (chava.web.served_build), closed with it.
    """
    app.register_blueprint(blueprint)
    app.register_blueprint(sparql_pages.blueprint)


def limits() -> Limits:
    """The request sizes /sparql takes, from the app's settings."""
    settings = state.settings()
    return Limits(settings.sparql_max_query_bytes, settings.web_max_body_bytes)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@blueprint.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Answer a SPARQL query, or describe the service (machines) / open the editor (browsers)."""
    reply = answer(_parts(), query_service(), FlaskSparqlSite(), limits())
    if reply.cacheable:  # replayed before Flask by chava.web.response_cache next time
        request.environ[CACHEABLE] = True
    return Response(reply.body, status=reply.status, headers=reply.headers)


def _parts() -> SparqlRequest:
    """The request's parts; a body is read only up to one byte past its cap (413 after)."""
    body = b""
    if request.method == "POST":
        cap = limits().body_cap
        declared = request.content_length
        if declared is None or declared <= cap:
            # werkzeug stops reading a stream at max_content_length without a word (chunked
            # bodies carry no Content-Length): one byte more than the cap tells a long body.
            request.max_content_length = cap + 1
            body = request.stream.read(cap + 1)
    return SparqlRequest.from_environ(request.environ, body)
