"""The SPARQL 1.1 Protocol for queries, as a pure function of the HTTP request's parts.

GET with `?query=`, POST form-encoded, POST `application/sparql-query`; `default-graph-uri`
and `named-graph-uri` from the URL (and the form). Updates are refused on every path: this is a
read-only endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from chava.errors import (
    MethodNotAllowedError,
    QueryError,
    UnsupportedMediaTypeError,
    UpdateRefusedError,
)

FORM: Final = "application/x-www-form-urlencoded"
SPARQL_QUERY: Final = "application/sparql-query"
SPARQL_UPDATE: Final = "application/sparql-update"
ALLOWED_METHODS: Final = ("GET", "POST", "OPTIONS")

Parameters = Mapping[str, Sequence[str]]
"""Multi-valued request parameters: a name and every value it was given, in order."""


@dataclass(frozen=True)
class QueryRequest:
    """What a protocol request asks for: one query and the dataset the protocol names."""

    query: str | None
    """None when no query was sent (GET /sparql: the editor or the service description)."""
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    in_url: bool = False
    """The query came in the URL (its length limit answers 414, not 413)."""

    @property
    def names_dataset(self) -> bool:
        """The protocol request names a dataset; it then overrides the query's FROM clauses."""
        return bool(self.default_graph_uris or self.named_graph_uris)


def read_request(
    method: str,
    *,
    content_type: str | None,
    args: Parameters,
    form: Parameters | None = None,
    body: bytes = b"",
) -> QueryRequest:
    """Read a protocol request; raise the 4xx error the protocol calls for."""
    method = method.upper()
    if method not in ("GET", "POST"):
        raise MethodNotAllowedError(
            f"{method} is not a SPARQL query operation; use GET or POST", ALLOWED_METHODS
        )
    _refuse_update(args)
    if method == "GET":
        return _request(args.get("query", ()), args, {}, in_url=True)
    media_type, charset = _parse_content_type(content_type)
    if media_type == FORM:
        fields = form or {}
        _refuse_update(fields)
        if "query" in args:
            raise QueryError("the query was sent twice: in the URL and in the form body")
        return _request(fields.get("query", ()), args, fields, in_url=False)
    if media_type == SPARQL_QUERY:
        if charset not in (None, "utf-8", "utf8"):
            raise UnsupportedMediaTypeError(
                f"the query body must be UTF-8; charset={charset} is not accepted"
            )
        if "query" in args:
            raise QueryError("the query was sent twice: in the URL and in the request body")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise QueryError(f"the query body is not valid UTF-8: {error}") from error
        return _request((text,), args, {}, in_url=False)
    if media_type == SPARQL_UPDATE:
        raise UpdateRefusedError(
            "SPARQL Update is not accepted: this endpoint is read-only and runs queries only"
        )
    shown = media_type or "none"
    raise UnsupportedMediaTypeError(
        f"a POST query must be sent as {FORM} or {SPARQL_QUERY}; Content-Type was {shown}"
    )


def _request(
    queries: Sequence[str], args: Parameters, form: Parameters, *, in_url: bool
) -> QueryRequest:
    if len(queries) > 1:
        raise QueryError(f"{len(queries)} queries were sent; send exactly one")
    default_graphs = (*args.get("default-graph-uri", ()), *form.get("default-graph-uri", ()))
    named_graphs = (*args.get("named-graph-uri", ()), *form.get("named-graph-uri", ()))
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise QueryError("the query is empty")
    return QueryRequest(query, tuple(default_graphs), tuple(named_graphs), in_url)


def _refuse_update(parameters: Parameters) -> None:
    if "update" in parameters:
        raise UpdateRefusedError(
            "SPARQL Update is not accepted: this endpoint is read-only and runs queries only"
        )


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """Return the bare media type (lower-case) and the charset parameter, if any."""
    if not content_type:
        return "", None
    media_type, _separator, parameters = content_type.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _equals, value = parameter.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset
