"""The /sparql endpoint (SPARQL 1.1 Protocol), its query editor and the example query pages."""

from __future__ import annotations

import logging
from typing import Final

from flask import Blueprint, Flask, Response, request

from chava.errors import PayloadTooLargeError, QueryError
from chava.formats import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE
from chava.negotiate import negotiate
from chava.sparql.endpoint import PreparedQuery
from chava.sparql.protocol import FORM, QueryRequest, read_request
from chava.sparql.service_description import describe_service, graph_sizes, serialize_description
from chava.web import sparql_pages, state
from chava.web.rendering import cached
from chava.web.response_cache import CACHEABLE
from chava.web.sparql_fast import (
    CLIENT_GONE,
    CORS_HEADERS,
    RUN_FAILURE,
    cache_headers,
    endpoint_iri_of,
    result_headers,
)
from chava.web.sparql_state import query_service

DESCRIPTION_FORMATS: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)

logger = logging.getLogger(__name__)
blueprint = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register /sparql and the example pages; the query workers start on the first query.

    Each served build has its own QueryService (chava.web.served_build), closed with it.
    """
    app.register_blueprint(blueprint)
    app.register_blueprint(sparql_pages.blueprint)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@blueprint.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Answer a SPARQL query, or describe the service (machines) / open the editor (browsers)."""
    failure = request.environ.pop(RUN_FAILURE, None)
    if failure is not None:  # raised while chava.web.sparql_fast ran this query: report it
        raise failure
    if request.method == "OPTIONS":
        return _with_cors(_preflight())
    query_request = _read_protocol_request()
    if query_request.query is None:
        return _with_cors(_describe_or_edit())
    return _with_cors(_answer(query_request))


def _answer(query_request: QueryRequest) -> Response:
    """Run the query (or answer 304 from its ETag) and label the response."""
    service = query_service()
    prepared = service.prepare(
        query_request,
        accept=request.headers.get("Accept"),
        requested_format=request.args.get("format"),
        base_iri=endpoint_iri(),
    )
    is_get = request.method in ("GET", "HEAD")
    if is_get and prepared.cacheable and prepared.etag in request.if_none_match:
        return _not_modified(prepared)
    outcome = service.run(
        prepared,
        client=request.remote_addr or "unknown",
        gone=request.environ.get(CLIENT_GONE),
    )
    limit = service.settings.sparql_max_results
    headers = result_headers(prepared, outcome, is_get=is_get, limit=limit)
    response = Response(outcome.body, headers=headers)
    if request.method == "GET" and prepared.cacheable:
        # Replayed before Flask by chava.web.response_cache on the next identical request.
        request.environ[CACHEABLE] = True
    return response


def endpoint_iri() -> str:
    """The endpoint's URL as this request reached it (the base IRI of queries)."""
    return endpoint_iri_of(request.environ)


def _read_protocol_request() -> QueryRequest:
    settings = state.settings()
    too_long = settings.sparql_max_query_bytes * 3 + 4096  # url-encoding triples a byte at most
    if request.method == "POST" and (request.content_length or 0) > too_long:
        raise PayloadTooLargeError(
            f"the request body is {request.content_length} bytes; queries are limited to "
            f"{settings.sparql_max_query_bytes} bytes"
        )
    # Chunked bodies carry no Content-Length: the cap holds while the body is read (413).
    # werkzeug stops reading a stream at max_content_length without a word (the form parser
    # too), so read one byte more than the cap: a body that has it is too long. The form is
    # then parsed from these cached bytes, never from a truncated stream.
    cap = min(too_long, settings.web_max_body_bytes)
    request.max_content_length = cap + 1
    is_form = request.method == "POST" and request.mimetype == FORM
    body = request.get_data(cache=True) if request.method == "POST" else b""
    if len(body) > cap:
        raise PayloadTooLargeError(
            f"the request body passed {cap} bytes; queries are limited to "
            f"{settings.sparql_max_query_bytes} bytes"
        )
    query_request = read_request(
        "GET" if request.method == "HEAD" else request.method,  # HEAD is a GET without body
        content_type=request.headers.get("Content-Type"),
        args=request.args.to_dict(flat=False),
        form=request.form.to_dict(flat=False) if is_form else None,
        body=b"" if is_form else body,
    )
    if query_request.query is None and request.method == "POST":
        raise QueryError("no query: send it as `query` (form) or as the request body")
    return query_request


def _describe_or_edit() -> Response:
    chosen = negotiate(
        DESCRIPTION_FORMATS, request.headers.get("Accept"), request.args.get("format")
    )
    if chosen is HTML:
        response = Response(sparql_pages.editor_page(), content_type=HTML.content_type)
    else:
        store = state.published_store()
        sizes = cached(store, "sparql.graph-sizes", lambda: graph_sizes(store))
        withheld = store.build.manifest.get("withheld_graphs") or ()
        triples = describe_service(endpoint_iri(), state.settings(), sizes, withheld)
        response = Response(
            serialize_description(triples, chosen, state.settings()),
            content_type=chosen.content_type,
        )
    response.vary.add("Accept")
    return response


def _not_modified(prepared: PreparedQuery) -> Response:
    return Response(status=304, headers=[*cache_headers(prepared), ("Vary", "Accept")])


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS"
    return response


def _with_cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    return response
