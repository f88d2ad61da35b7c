"""Result writers: every format, lossless, cut at the row or byte cap into valid documents."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from chava import formats
from chava.sparql.results import write_boolean, write_solutions, write_triples
from chava.sparql.truncation import TRUNCATION_LINK

BIG = 1 << 30
TABLE_FORMATS = [
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
]
GRAPH_FORMATS = [
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TRIG,
]

EX = "http://example.org/"
FORMAT_OF: dict[object, formats.Format] = {
    **{fmt.results_format: fmt for fmt in formats.TABLE_FORMATS},
    **{fmt.rdf_format: fmt for fmt in formats.RDF_FORMATS},
}
"""The registry's format of each engine syntax (the writers take formats)."""


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    for index in range(10):
        store.add(
            ox.Quad(
                ox.NamedNode(f"{EX}s{index}"),
                ox.NamedNode(f"{EX}p"),
                ox.Literal(f"line {index}\nwith\ttabs", language="fr"),
                ox.NamedNode(f"{EX}g"),
            )
        )
    xsd = "http://www.w3.org/2001/XMLSchema#"
    typed = [
        ("1", "int"),
        ("01", "integer"),
        ("1.50", "decimal"),
        ("1E0", "double"),
        ("TRUE", "boolean"),
        ("2020-09", "gYearMonth"),
        ("x", "string"),
    ]
    for index, (value, datatype) in enumerate(typed):
        store.add(
            ox.Quad(
                ox.NamedNode(f"{EX}t{index}"),
                ox.NamedNode(f"{EX}p"),
                ox.Literal(value, datatype=ox.NamedNode(xsd + datatype)),
                ox.NamedNode(f"{EX}g"),
            )
        )
    return store


def _select(store: ox.Store) -> ox.QuerySolutions:
    answer = store.query(
        "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s", use_default_graph_as_union=True
    )
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def _construct(store: ox.Store) -> ox.QueryTriples:
    answer = store.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(answer, ox.QueryTriples)
    return answer


@pytest.mark.parametrize("results_format", TABLE_FORMATS)
def test_uncut_select_results_are_what_pyoxigraph_writes(
    store: ox.Store, results_format: ox.QueryResultsFormat
) -> None:
    body, truncated = write_solutions(
        _select(store), FORMAT_OF[results_format], limit=17, max_bytes=BIG
    )
    assert not truncated
    assert body == _select(store).serialize(format=results_format)


@pytest.mark.parametrize("results_format", TABLE_FORMATS)
@pytest.mark.parametrize("cap", ["rows", "bytes"])
def test_cut_select_results_are_valid_documents_of_whole_rows(
    store: ox.Store, results_format: ox.QueryResultsFormat, cap: str
) -> None:
    """Finding 12: nothing is appended to the data; every parser reads a cut result cleanly."""
    whole = _select(store).serialize(format=results_format) or b""
    limit, max_bytes = (4, BIG) if cap == "rows" else (BIG, len(whole) // 2)
    body, truncated = write_solutions(
        _select(store), FORMAT_OF[results_format], limit=limit, max_bytes=max_bytes
    )
    assert truncated
    count = len(_rows_of(body, results_format))
    assert 0 < count < 17
    if cap == "rows":
        assert count == 4
    else:
        assert len(body) <= max_bytes + len(TRUNCATION_LINK) + 32  # the head's link, no more
    assert b"truncated" not in body.replace(TRUNCATION_LINK.encode(), b"")


def _rows_of(body: bytes, results_format: ox.QueryResultsFormat) -> list[list[str]]:
    """The rows of *body* as a standard reader sees them: pyoxigraph's parser (which raises on
    anything after the results), or Python's csv module for CSV (which pyoxigraph cannot read)
    and TSV too; each must take every record for a row of data, the header aside."""
    if results_format != ox.QueryResultsFormat.CSV:
        parsed = ox.parse_query_results(body, format=results_format)
        assert isinstance(parsed, ox.QuerySolutions)
        solutions = [[str(value) for value in row] for row in parsed]
        if results_format != ox.QueryResultsFormat.TSV:
            return solutions
    if results_format == ox.QueryResultsFormat.CSV:
        reader = csv.reader(io.StringIO(body.decode(), newline=""))
    else:
        reader = csv.reader(
            io.StringIO(body.decode(), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    records = list(reader)
    assert records[0] in (["s", "o"], ["?s", "?o"])
    assert all(len(record) == 2 for record in records)
    if results_format == ox.QueryResultsFormat.TSV:
        assert len(records) - 1 == len(solutions)
    return records[1:]


def test_cut_json_results_link_to_the_truncation_note_from_their_head(store: ox.Store) -> None:
    body, truncated = write_solutions(
        _select(store), FORMAT_OF[ox.QueryResultsFormat.JSON], limit=3, max_bytes=BIG
    )
    document = json.loads(body)
    assert truncated
    assert set(document) == {"head", "results"}
    assert len(document["results"]["bindings"]) == 3
    assert document["head"] == {"vars": ["s", "o"], "link": [TRUNCATION_LINK]}
    assert document["results"]["bindings"][0]["o"]["value"] == "line 0\nwith\ttabs"


def test_cut_xml_results_link_to_the_truncation_note(store: ox.Store) -> None:
    body, truncated = write_solutions(
        _select(store), FORMAT_OF[ox.QueryResultsFormat.XML], limit=3, max_bytes=BIG
    )
    root = ET.fromstring(body)
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert truncated
    assert root.find(f"{namespace}head/{namespace}link").get("href") == TRUNCATION_LINK  # type: ignore[union-attr]
    assert len(root.findall(f"{namespace}results/{namespace}result")) == 3


def test_a_byte_cap_below_one_row_leaves_the_header_alone(store: ox.Store) -> None:
    body, truncated = write_solutions(
        _select(store), FORMAT_OF[ox.QueryResultsFormat.TSV], limit=BIG, max_bytes=10
    )
    assert truncated
    assert body == b"?s\t?o\n"
    assert _rows_of(body, ox.QueryResultsFormat.TSV) == []


def test_boolean_results(store: ox.Store) -> None:
    answer = store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(answer, ox.QueryBoolean)
    assert json.loads(write_boolean(answer, formats.SPARQL_JSON))["boolean"] is True


@pytest.mark.parametrize("rdf_format", GRAPH_FORMATS)
def test_graph_results_round_trip_and_cut_into_valid_documents(
    store: ox.Store, rdf_format: ox.RdfFormat
) -> None:
    prefixes = {"ex": EX}
    whole, truncated = write_triples(
        _construct(store), FORMAT_OF[rdf_format], limit=17, max_bytes=BIG, prefixes=prefixes
    )
    assert not truncated
    assert len(list(ox.parse(whole, format=rdf_format))) == 17
    cut, truncated = write_triples(
        _construct(store), FORMAT_OF[rdf_format], limit=4, max_bytes=BIG, prefixes=prefixes
    )
    assert truncated
    assert len(list(ox.parse(cut, format=rdf_format))) == 4
    assert b"truncated" not in cut
    small, truncated = write_triples(
        _construct(store),
        FORMAT_OF[rdf_format],
        limit=17,
        max_bytes=len(whole) // 2,
        prefixes=prefixes,
    )
    assert truncated
    assert len(small) <= len(whole) // 2
    assert 0 < len(list(ox.parse(small, format=rdf_format))) < 17
