"""One way to answer a request to /sparql: a function from the request's parts to a Reply.

Both callers use it: the WSGI fast path (chava.web.sparql_fast, plain GETs before Flask runs) and
the Flask route (chava.web.sparql, every other request). It reads the SPARQL 1.1 Protocol request,
refuses what it must (400, 406, 413, 414...), answers 304 from a result's ETag, runs the query on
the build's QueryService, and reports every PublisherError itself: JSON for machines, an HTML
page for browsers. Nothing is handed from one path to the other.

What needs the site (pages rendered from templates, the service description) comes through a
SparqlSite, so this module needs no web framework.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl, urlencode

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler)
from werkzeug.sansio.utils import get_current_url
from werkzeug.wsgi import get_host

from chava.errors import PayloadTooLargeError, PublisherError, QueryError
from chava.formats import SERVICE_DESCRIPTION_FORMATS, Format, results_formats
from chava.negotiate import negotiate
from chava.sparql.endpoint import PreparedQuery, QueryService
from chava.sparql.pool import QueryOutcome
from chava.sparql.protocol import ALLOWED_METHODS, FORM, Parameters, QueryRequest, read_request
from chava.sparql.truncation import TRUNCATION_LINK
from chava.web import response_rules as rules
from chava.web.replies import Reply, error_reply

PATHS: Final = frozenset({"/sparql", "/sparql/"})
CLIENT_GONE: Final = "chava.client_gone"
"""WSGI environ key: a callable telling whether the client has hung up (set by the gateway)."""
_ENDPOINTS_KEPT: Final = 64

_endpoints: dict[tuple[str, str | None, str | None, str | None], str] = {}


def endpoint_iri_of(environ: Mapping[str, Any]) -> str:
    """The endpoint's URL as this request reached it: the base IRI of its query.

    The one construction of it (the ETag of a result depends on it): the request's host URL
    plus `sparql`, as werkzeug builds `request.host_url`; remembered per host.
    """
    key = (
        str(environ.get("wsgi.url_scheme", "http")),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
    )
    iri = _endpoints.get(key)
    if iri is None:
        iri = get_current_url(key[0], get_host(dict(environ))).rstrip("/") + "/sparql"
        if len(_endpoints) >= _ENDPOINTS_KEPT:  # Host is the client's to choose: stay bounded
            _endpoints.clear()
        _endpoints[key] = iri
    return iri


def parse_parameters(text: str) -> dict[str, list[str]]:
    """A query string or form body as werkzeug reads it: invalid bytes stay percent-encoded."""
    parameters: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"):
        parameters.setdefault(name, []).append(value)
    return parameters


@dataclass(frozen=True)
class SparqlRequest:
    """The parts of an HTTP request to /sparql that its answer depends on."""

    method: str
    query_string: str
    """As the WSGI environ has it (latin-1 characters standing for the URL's bytes)."""
    endpoint_iri: str
    accept: str | None = None
    content_type: str | None = None
    content_length: int | None = None
    """As the client declared it (None when chunked or absent)."""
    body: bytes = b""
    """The body as read, at most one byte past the cap (more is not read)."""
    if_none_match: str | None = None
    client: str = "unknown"
    gone: Callable[[], bool] | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], body: bytes = b"") -> SparqlRequest:
        """The parts of a WSGI request (its body read by the caller, if any)."""
        length = environ.get("CONTENT_LENGTH")
        gone = environ.get(CLIENT_GONE)
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")),
            query_string=str(environ.get("QUERY_STRING", "")),
            endpoint_iri=endpoint_iri_of(environ),
            accept=environ.get("HTTP_ACCEPT"),
            content_type=environ.get("CONTENT_TYPE"),
            content_length=int(length) if isinstance(length, str) and length.isdigit() else None,
            body=body,
            if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            client=str(environ.get("REMOTE_ADDR") or "unknown"),
            gone=gone if callable(gone) else None,
        )

    @functools.cached_property
    def args(self) -> dict[str, list[str]]:
        """The URL's parameters (parsed once; do not change the mapping)."""
        # As werkzeug decodes `request.args`: the environ's latin-1 text is the URL's bytes.
        return parse_parameters(self.query_string.encode("latin-1").decode())


@dataclass(frozen=True)
class ResultsPage:
    """What the HTML page of a query's results shows (chava.web.results_table renders it)."""

    query: str
    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    carrier: Format
    """The machine format *body* is in (SPARQL JSON, or N-Triples for graphs)."""
    body: bytes
    truncated: bool
    limit: int
    downloads: tuple[tuple[Format, str], ...]
    """Each machine format offered, with the URL of the same query in it."""
    editor_href: str


class SparqlSite(Protocol):
    """What answering needs from the site around the endpoint: its pages and its description."""

    def editor_page(self) -> str:
        """The query editor (HTML)."""

    def results_page(self, page: ResultsPage) -> str:
        """The HTML page of a query's results."""

    def error_page(self, status: int, kind: str, message: str, error: PublisherError) -> str:
        """The HTML page of an error."""

    def service_description(self, endpoint_iri: str, fmt: Format) -> bytes:
        """The SPARQL service description of the endpoint at *endpoint_iri*, in *fmt*."""

    def page_language(self) -> str:
        """The language pages are rendered in for this request."""


@dataclass(frozen=True)
class Limits:
    """The request sizes the endpoint takes (from the settings)."""

    max_query_bytes: int
    max_body_bytes: int

    @property
    def body_cap(self) -> int:
        """Most body bytes read: a query url-encoded triples at most, within the body cap."""
        return min(self.max_query_bytes * 3 + 4096, self.max_body_bytes)


HANG_UP: Final = "chava.hang_up"
"""WSGI environ key (set by the gateway): an awaitable factory completing when the client
hangs up, raced with the wait for a query worker by answer_async."""


@dataclass(frozen=True)
class _Pending:
    """A request whose answer needs its query run (a worker's or the cache's result)."""

    prepared: PreparedQuery
    headers: rules.Headers


def answer(
    request: SparqlRequest, service: QueryService, site: SparqlSite, limits: Limits
) -> Reply:
    """The reply to *request*: a result, 304, the editor or description, or a reported error."""
    try:
        begun = _begin(request, service, site, limits)
        if isinstance(begun, Reply):
            return begun
        outcome = service.run(begun.prepared, client=request.client, gone=request.gone)
        return _finish(request, service, site, begun, outcome)
    except PublisherError as error:
        return error_reply(error, accept=request.accept, site=site)


async def answer_async(
    request: SparqlRequest,
    service: QueryService,
    site: SparqlSite,
    limits: Limits,
    *,
    hang_up: Callable[[], Awaitable[object]] | None = None,
) -> Reply:
    """answer, from an event loop: the same steps; the query runs with no thread waiting."""
    try:
        begun = _begin(request, service, site, limits)
        if isinstance(begun, Reply):
            return begun
        outcome = await service.run_async(
            begun.prepared, client=request.client, gone=request.gone, hang_up=hang_up
        )
        return _finish(request, service, site, begun, outcome)
    except PublisherError as error:
        return error_reply(error, accept=request.accept, site=site)


def _begin(
    request: SparqlRequest, service: QueryService, site: SparqlSite, limits: Limits
) -> Reply | _Pending:
    """Everything before the query runs: a reply already (refusal, 304...), or what to run."""
    if request.method == "OPTIONS":
        return Reply(204, [*rules.preflight_headers(ALLOWED_METHODS), *rules.cors_headers()])
    query_request = _read(request, limits)
    if query_request.query is None:
        return _describe_or_edit(request, site)
    prepared = service.prepare(
        query_request,
        accept=request.accept,
        requested_format=_first(request.args.get("format")),
        base_iri=request.endpoint_iri,
    )
    is_get = request.method in ("GET", "HEAD")
    validators = rules.Validators(etag=_etag(prepared, site) if prepared.cacheable else None)
    headers = _headers(prepared, is_get=is_get, validators=validators)
    if is_get and rules.is_not_modified(
        validators, if_none_match=request.if_none_match, if_modified_since=None
    ):
        return Reply(304, rules.not_modified_headers(headers))
    return _Pending(prepared, headers)


def _finish(
    request: SparqlRequest,
    service: QueryService,
    site: SparqlSite,
    pending: _Pending,
    outcome: QueryOutcome,
) -> Reply:
    """The reply carrying *outcome*, the result of *pending*'s query."""
    prepared, headers = pending.prepared, list(pending.headers)
    if outcome.truncated:  # said here, never inside the data (see chava.sparql.results)
        headers += _truncation_headers(service, prepared)
    body = outcome.body
    if prepared.format.page:
        body = site.results_page(_results_page(request, service, prepared, outcome)).encode()
    return Reply(200, headers, body, cacheable=request.method == "GET" and prepared.cacheable)


def _read(request: SparqlRequest, limits: Limits) -> QueryRequest:
    """The protocol request, within the size limits (413 past them)."""
    method = "GET" if request.method == "HEAD" else request.method  # HEAD: a GET without body
    if method == "POST":
        cap = limits.body_cap
        declared = request.content_length or 0
        if declared > cap or len(request.body) > cap:
            raise PayloadTooLargeError(
                f"the request body passed {cap} bytes; queries are limited to "
                f"{limits.max_query_bytes} bytes"
            )
    is_form = method == "POST" and _media_type(request.content_type) == FORM
    form: Parameters | None = None
    if is_form:
        form = parse_parameters(request.body.decode("utf-8", "replace"))
    query_request = read_request(
        method,
        content_type=request.content_type,
        args=request.args,
        form=form,
        body=b"" if is_form else request.body,
    )
    if query_request.query is None and method == "POST":
        raise QueryError("no query: send it as `query` (form) or as the request body")
    return query_request


def _describe_or_edit(request: SparqlRequest, site: SparqlSite) -> Reply:
    """Without a query: the editor for people, the service description for machines."""
    chosen = negotiate(
        SERVICE_DESCRIPTION_FORMATS, request.accept, _first(request.args.get("format"))
    )
    if chosen.page:
        body = site.editor_page().encode()
        vary = rules.vary("Accept", "Accept-Language")
    else:
        body = site.service_description(request.endpoint_iri, chosen)
        vary = rules.vary("Accept")
    return Reply(200, [("Content-Type", chosen.content_type), vary, *rules.cors_headers()], body)


def _etag(prepared: PreparedQuery, site: SparqlSite) -> str:
    """The result's ETag; a page's also depends on its language."""
    if prepared.format.page:
        return rules.etag_of(prepared.etag, site.page_language())
    return prepared.etag


def _headers(
    prepared: PreparedQuery, *, is_get: bool, validators: rules.Validators
) -> rules.Headers:
    """Type, Vary, caching (GET: 304 through the ETag, or never stored) and CORS."""
    page = prepared.format.page
    vary = rules.vary("Accept", "Accept-Language") if page else rules.vary("Accept")
    headers = [("Content-Type", prepared.format.content_type), vary]
    if is_get:
        if validators.etag is not None:  # revalidate: 304 via the ETag
            headers += [*validators.headers(), rules.revalidate()]
        else:
            headers.append(rules.never_store())  # RAND(), NOW()...: a new answer each time
    return [*headers, *rules.cors_headers()]


def _truncation_headers(service: QueryService, prepared: PreparedQuery) -> rules.Headers:
    link = rules.link_header([rules.Link(TRUNCATION_LINK, "describedby")])
    assert link is not None
    return [
        (rules.TRUNCATED_HEADER, "true"),
        (rules.LIMIT_HEADER, str(service.settings.sparql_max_results)),
        (rules.BYTE_LIMIT_HEADER, str(prepared.job.max_bytes)),
        link,
    ]


def _results_page(
    request: SparqlRequest, service: QueryService, prepared: PreparedQuery, outcome: QueryOutcome
) -> ResultsPage:
    query = prepared.screened.text
    kept = [
        (name, value)
        for name, values in request.args.items()
        if name in ("default-graph-uri", "named-graph-uri")
        for value in values
    ]
    downloads = tuple(
        (fmt, "/sparql?" + urlencode([("query", query), *kept, ("format", fmt.extension)]))
        for fmt in results_formats(prepared.screened.form)
        if not fmt.page
    )
    return ResultsPage(
        query=query,
        form=prepared.screened.form,
        carrier=prepared.job.format,
        body=outcome.body,
        truncated=outcome.truncated,
        limit=service.settings.sparql_max_results,
        downloads=downloads,
        editor_href="/sparql/editor?" + urlencode({"query": query}),
    )


def _first(values: Sequence[str] | None) -> str | None:
    return values[0] if values else None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").partition(";")[0].strip().lower()
