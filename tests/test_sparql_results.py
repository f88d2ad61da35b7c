"""Result writers: every format, lossless, cut at the cap and saying so in the body."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from chava.sparql.results import TRUNCATION_LINK, write_boolean, write_solutions, write_triples

EX = "http://example.org/"


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


@pytest.mark.parametrize(
    "results_format",
    [
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.CSV,
        ox.QueryResultsFormat.TSV,
    ],
)
def test_uncut_select_results_are_what_pyoxigraph_writes(
    store: ox.Store, results_format: ox.QueryResultsFormat
) -> None:
    body, truncated = write_solutions(_select(store), results_format, limit=17)
    assert not truncated
    assert body == _select(store).serialize(format=results_format)


def test_cut_json_results_say_so_in_head_link_and_a_top_level_flag(store: ox.Store) -> None:
    body, truncated = write_solutions(_select(store), ox.QueryResultsFormat.JSON, limit=3)
    document = json.loads(body)
    assert truncated
    assert len(document["results"]["bindings"]) == 3
    assert document["head"] == {"vars": ["s", "o"], "link": [TRUNCATION_LINK]}
    assert document["truncated"] is True
    assert document["results"]["bindings"][0]["o"]["value"] == "line 0\nwith\ttabs"


def test_cut_xml_results_link_to_the_truncation_note(store: ox.Store) -> None:
    body, truncated = write_solutions(_select(store), ox.QueryResultsFormat.XML, limit=3)
    root = ET.fromstring(body)
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert truncated
    assert root.find(f"{namespace}head/{namespace}link").get("href") == TRUNCATION_LINK  # type: ignore[union-attr]
    assert len(root.findall(f"{namespace}results/{namespace}result")) == 3


@pytest.mark.parametrize("results_format", [ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV])
def test_cut_csv_and_tsv_end_with_a_comment_line(
    store: ox.Store, results_format: ox.QueryResultsFormat
) -> None:
    body, truncated = write_solutions(_select(store), results_format, limit=4)
    assert truncated
    assert body.rstrip().splitlines()[-1].startswith(b"# results truncated")
    if results_format == ox.QueryResultsFormat.CSV:
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["s", "o"]
        assert len(rows) == 1 + 4 + 1


def test_boolean_results(store: ox.Store) -> None:
    answer = store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(answer, ox.QueryBoolean)
    assert json.loads(write_boolean(answer, ox.QueryResultsFormat.JSON))["boolean"] is True


@pytest.mark.parametrize(
    "rdf_format",
    [
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.N_TRIPLES,
        ox.RdfFormat.JSON_LD,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.N_QUADS,
        ox.RdfFormat.TRIG,
    ],
)
def test_graph_results_round_trip_and_flag_cuts_validly(
    store: ox.Store, rdf_format: ox.RdfFormat
) -> None:
    whole, truncated = write_triples(_construct(store), rdf_format, limit=17, prefixes={"ex": EX})
    assert not truncated
    assert len(list(ox.parse(whole, format=rdf_format))) == 17
    cut, truncated = write_triples(_construct(store), rdf_format, limit=4, prefixes={"ex": EX})
    assert truncated
    assert len(list(ox.parse(cut, format=rdf_format))) == 4  # the note keeps the syntax valid
    assert b"results truncated" in cut
