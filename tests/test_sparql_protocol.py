"""Reading SPARQL 1.1 Protocol requests: what each combination of method, type and body means."""

from __future__ import annotations

import pytest

from chava.errors import (
    MethodNotAllowedError,
    PublisherError,
    QueryError,
    UnsupportedMediaTypeError,
    UpdateRefusedError,
)
from chava.sparql.protocol import QueryRequest, read_request

ASK = "ASK {}"
G1 = "http://example.org/g1"
G2 = "http://example.org/g2"


@pytest.mark.parametrize(
    ("method", "content_type", "args", "form", "body", "expected"),
    [
        ("GET", None, {"query": [ASK]}, None, b"", QueryRequest(ASK, in_url=True)),
        ("GET", None, {}, None, b"", QueryRequest(None, in_url=True)),
        (
            "GET",
            None,
            {"query": [ASK], "default-graph-uri": [G1, G2], "named-graph-uri": [G2]},
            None,
            b"",
            QueryRequest(ASK, (G1, G2), (G2,), in_url=True),
        ),
        (
            "POST",
            "application/x-www-form-urlencoded",
            {"default-graph-uri": [G1]},
            {"query": [ASK], "named-graph-uri": [G2]},
            b"",
            QueryRequest(ASK, (G1,), (G2,)),
        ),
        (
            "POST",
            "application/x-www-form-urlencoded; charset=UTF-8",
            {},
            {"query": [ASK]},
            b"",
            QueryRequest(ASK),
        ),
        ("POST", "application/sparql-query", {}, None, ASK.encode(), QueryRequest(ASK)),
        (
            "POST",
            "application/sparql-query; charset=utf-8",
            {"named-graph-uri": [G1]},
            None,
            'ASK { FILTER("é" != "e") }'.encode(),
            QueryRequest('ASK { FILTER("é" != "e") }', (), (G1,)),
        ),
    ],
)
def test_read_request_accepts_the_three_protocol_operations(
    method: str,
    content_type: str | None,
    args: dict[str, list[str]],
    form: dict[str, list[str]] | None,
    body: bytes,
    expected: QueryRequest,
) -> None:
    assert read_request(method, content_type=content_type, args=args, form=form, body=body) == (
        expected
    )


@pytest.mark.parametrize(
    ("method", "content_type", "args", "form", "body", "error", "status"),
    [
        ("PUT", None, {"query": [ASK]}, None, b"", MethodNotAllowedError, 405),
        ("DELETE", None, {}, None, b"", MethodNotAllowedError, 405),
        ("GET", None, {"query": [ASK, ASK]}, None, b"", QueryError, 400),
        ("GET", None, {"query": ["  "]}, None, b"", QueryError, 400),
        ("GET", None, {"update": ["CLEAR ALL"]}, None, b"", UpdateRefusedError, 403),
        ("POST", "text/plain", {}, None, ASK.encode(), UnsupportedMediaTypeError, 415),
        ("POST", None, {}, None, b"query=ASK%20%7B%7D", UnsupportedMediaTypeError, 415),
        (
            "POST",
            "application/sparql-query; charset=UTF-16",
            {},
            None,
            ASK.encode("utf-16"),
            UnsupportedMediaTypeError,
            415,
        ),
        ("POST", "application/sparql-query", {}, None, b"ASK {\xff}", QueryError, 400),
        (
            "POST",
            "application/sparql-query",
            {"query": [ASK]},
            None,
            ASK.encode(),
            QueryError,
            400,
        ),
        (
            "POST",
            "application/x-www-form-urlencoded",
            {"query": [ASK]},
            {"query": [ASK]},
            b"",
            QueryError,
            400,
        ),
        (
            "POST",
            "application/x-www-form-urlencoded",
            {},
            {"update": ["CLEAR NAMED", "CLEAR DEFAULT"]},
            b"",
            UpdateRefusedError,
            403,
        ),
        ("POST", "application/sparql-update", {}, None, b"CLEAR ALL", UpdateRefusedError, 403),
    ],
)
def test_read_request_refuses_what_the_protocol_refuses(
    method: str,
    content_type: str | None,
    args: dict[str, list[str]],
    form: dict[str, list[str]] | None,
    body: bytes,
    error: type[PublisherError],
    status: int,
) -> None:
    with pytest.raises(error) as raised:
        read_request(method, content_type=content_type, args=args, form=form, body=body)
    assert raised.value.http_status == status
    assert str(raised.value)


def test_protocol_dataset_is_named_only_when_graphs_are_given() -> None:
    assert not QueryRequest(ASK).names_dataset
    assert QueryRequest(ASK, named_graph_uris=(G1,)).names_dataset
