"""Tests of the format registry."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from chava import formats
from chava.formats import Format


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        (formats.TURTLE, "text/turtle; charset=utf-8"),
        (formats.HTML, "text/html; charset=utf-8"),
        (formats.JSON_LD, "application/ld+json; charset=utf-8"),
        (formats.N_QUADS, "application/n-quads; charset=utf-8"),
        (formats.SPARQL_JSON, "application/sparql-results+json; charset=utf-8"),
    ],
)
def test_content_type_carries_the_charset(fmt: Format, content_type: str) -> None:
    assert fmt.content_type == content_type


def test_every_rdf_format_has_a_matching_engine_syntax() -> None:
    for fmt in formats.RDF_FORMATS:
        assert fmt.rdf_format is not None
        assert fmt.rdf_format.media_type == fmt.media_type
        assert fmt.rdf_format.file_extension == fmt.extension


def test_dataset_formats_are_trig_and_nquads() -> None:
    assert {fmt for fmt in formats.RESOURCE_FORMATS if fmt.supports_datasets} == {
        formats.TRIG,
        formats.N_QUADS,
    }


def test_table_formats_name_a_results_syntax() -> None:
    assert [fmt.results_format for fmt in formats.TABLE_FORMATS] == [
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.CSV,
        ox.QueryResultsFormat.TSV,
    ]


def test_extensions_are_unique_among_resource_formats() -> None:
    extensions = [fmt.extension for fmt in formats.ALL_FORMATS]
    assert len(extensions) == len(set(extensions))


def test_format_for_extension() -> None:
    assert formats.format_for_extension("TTL") is formats.TURTLE
    with pytest.raises(KeyError):
        formats.format_for_extension("csv")
