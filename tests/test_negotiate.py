"""Table tests of content negotiation."""

from __future__ import annotations

import pytest

from chava.errors import NotAcceptableError
from chava.formats import (
    HTML,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    RESOURCE_FORMATS,
    SPARQL_JSON,
    TABLE_FORMATS,
    TRIG,
    TURTLE,
    Format,
)
from chava.negotiate import negotiate

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"


@pytest.mark.parametrize(
    ("accept_header", "expected"),
    [
        (FIREFOX, HTML),
        (CHROME, HTML),
        (SAFARI, HTML),
        (CURL, TURTLE),
        ("", TURTLE),
        (None, TURTLE),
        ("   ", TURTLE),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSON_LD),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', JSON_LD),
        ("application/json", JSON_LD),
        ("application/n-triples", N_TRIPLES),
        ("text/plain", N_TRIPLES),
        ("application/rdf+xml", RDF_XML),
        ("application/xml", RDF_XML),
        ("application/trig", TRIG),
        ("application/n-quads", N_QUADS),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", JSON_LD),
        ("text/turtle;q=0.4, application/rdf+xml", RDF_XML),
        ("text/*", TURTLE),
        ("application/*", JSON_LD),
        ("text/html;q=0.1, */*;q=0.9", TURTLE),
        ("TEXT/TURTLE", TURTLE),
        ("text/html;q=abc", TURTLE),  # malformed item dropped by werkzeug: no preference left
        (";;;", TURTLE),
        ("garbage", TURTLE),  # no valid media type at all: no preference
        ("/", TURTLE),
        ("text/turtle;q=0, application/ld+json", JSON_LD),
    ],
)
def test_negotiate_follows_accept_header(accept_header: str | None, expected: Format) -> None:
    assert negotiate(RESOURCE_FORMATS, accept_header) is expected


@pytest.mark.parametrize(
    ("accept_header", "requested", "expected"),
    [
        (FIREFOX, "ttl", TURTLE),
        (FIREFOX, "turtle", TURTLE),
        (FIREFOX, "text/turtle", TURTLE),
        ("text/turtle", "jsonld", JSON_LD),
        ("text/turtle", "JSON-LD", JSON_LD),
        ("text/turtle", "html", HTML),
        ("application/ld+json", "nq", N_QUADS),
        (None, "rdf", RDF_XML),
        ("image/png", "trig", TRIG),  # an explicit choice beats an unsatisfiable Accept
    ],
)
def test_explicit_format_beats_accept_header(
    accept_header: str | None, requested: str, expected: Format
) -> None:
    assert negotiate(RESOURCE_FORMATS, accept_header, requested) is expected


@pytest.mark.parametrize("accept_header", ["image/png", "text/csv", "*/*;q=0", "application/x-foo"])
def test_unsatisfiable_accept_lists_the_offered_types(accept_header: str) -> None:
    with pytest.raises(NotAcceptableError) as raised:
        negotiate(RESOURCE_FORMATS, accept_header)
    assert raised.value.http_status == 406
    assert "text/turtle" in str(raised.value)
    assert "application/ld+json" in str(raised.value)


@pytest.mark.parametrize("requested", ["csv", "xyz", "", "../etc", "x" * 500])
def test_unknown_requested_format_is_not_acceptable(requested: str) -> None:
    with pytest.raises(NotAcceptableError) as raised:
        negotiate(RESOURCE_FORMATS, "*/*", requested)
    assert "ttl (text/turtle)" in str(raised.value)
    assert len(str(raised.value)) < 400


@pytest.mark.parametrize(
    ("accept_header", "expected"),
    [("application/json", SPARQL_JSON), ("*/*", SPARQL_JSON), ("text/csv", TABLE_FORMATS[2])],
)
def test_table_formats_negotiate_too(accept_header: str, expected: Format) -> None:
    assert negotiate(TABLE_FORMATS, accept_header) is expected


def test_nothing_offered_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="nothing offered"):
        negotiate((), "*/*")


def test_a_remembered_choice_is_the_one_made_afresh_and_refusals_repeat() -> None:
    """negotiate remembers its outcome per (offered, Accept): the same answer, each time."""
    from chava.formats import results_formats
    from chava.negotiate import _negotiate

    offered = results_formats("SELECT")
    for accept in (None, "", "*/*", "text/csv", "text/html,*/*;q=0.8", "text/csv;q=0.1, */*"):
        first = negotiate(offered, accept)
        assert negotiate(offered, accept) is first
        assert first == _negotiate(offered, accept)
    for _attempt in range(2):
        with pytest.raises(NotAcceptableError):
            negotiate(offered, "image/png")
    long_header = "text/csv;q=0.5, " * 100 + "application/sparql-results+json"
    assert negotiate(offered, long_header) == _negotiate(offered, long_header)
