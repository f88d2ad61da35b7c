"""Lexical screening: depth, updates, SERVICE, query form, dataset clauses, sizes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chava.errors import PayloadTooLargeError, QueryError, URITooLongError
from chava.sparql.screen import check_size, screen_query

ALLOWED = "http://allowed.example/sparql"


@pytest.mark.parametrize(
    ("query", "form", "has_dataset", "deterministic"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, True),
        ("PREFIX ex: <http://e/> ask { ex:a ?p ?o }", "ASK", False, True),
        ("BASE <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", False, True),
        ("DESCRIBE <http://e/x>", "DESCRIBE", False, True),
        ("SELECT * FROM <http://e/g> { ?s ?p ?o }", "SELECT", True, True),
        ("SELECT * FROM NAMED <http://e/g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", True, True),
        ("SELECT (RAND() AS ?r) {}", "SELECT", False, False),
        ("SELECT (NOW() AS ?r) {}", "SELECT", False, False),
        # Keywords inside strings, IRIs, comments, variables and prefixed names do not count.
        ('SELECT * { ?s ?p "INSERT DATA { ... } SERVICE <x>" }', "SELECT", False, True),
        ("SELECT * { ?s <http://e/DELETE#SERVICE> ?o }", "SELECT", False, True),
        ("# DELETE WHERE { ?s ?p ?o }\nSELECT * { ?s ?p ?o }", "SELECT", False, True),
        ("SELECT ?insert ?from { ?insert ?from ?o }", "SELECT", False, True),
        ("PREFIX ex: <http://e/> SELECT * { ex:LOAD ex:from ex:SERVICE }", "SELECT", False, True),
        ("SELECT * { ?s ?p '''a ) ) ) }\n { { {''' }", "SELECT", False, True),
        ("SELECT * { FILTER(?a < ?b && ?b > ?c) }", "SELECT", False, True),
    ],
)
def test_screen_reads_form_dataset_and_determinism(
    query: str, form: str, has_dataset: bool, deterministic: bool
) -> None:
    screened = screen_query(query, max_depth=10)
    assert (screened.form, screened.has_dataset_clause, screened.deterministic) == (
        form,
        has_dataset,
        deterministic,
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
        ("LOAD <http://example.org/data.ttl>", "read-only"),
        ("DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("CLEAR ALL", "read-only"),
        ("SELECT * {} ; DROP ALL", "read-only"),
        ("SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { SERVICE SILENT <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE"),
        ("PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", "SERVICE"),
        ("PREFIX ex: <http://e/> ex:a ?p ?o", "not a SPARQL query"),
        ("SELECT * WHERE " + "{" * 20 + "}" * 20, "nested more than 10"),
        ("SELECT * { FILTER(" + "(" * 11 + "1" + ")" * 11 + ") }", "nested more than 10"),
        ("SELECT * { ?s ?p " + "[ ?p " * 11 + "]" * 11 + " }", "nested more than 10"),
    ],
)
def test_screen_refuses_updates_service_and_deep_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        screen_query(query, max_depth=10)


def test_service_on_the_allow_list_passes() -> None:
    query = f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}"
    assert screen_query(query, max_depth=10, service_allowlist=(ALLOWED,)).form == "SELECT"
    prefixed = f"PREFIX r: <{ALLOWED[:-6]}> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}"
    assert screen_query(prefixed, max_depth=10, service_allowlist=(ALLOWED,)).form == "SELECT"


def test_ten_thousand_deep_query_is_refused_fast_and_never_reaches_the_parser() -> None:
    deep = "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000
    with pytest.raises(QueryError, match="nested"):
        screen_query(deep, max_depth=100)


def test_the_depth_limit_is_below_what_crashes_pyoxigraph() -> None:
    """The default depth (100) parses fine in pyoxigraph; 10,000 crashes it (in a subprocess)."""
    script = (
        "import pyoxigraph, sys; d = int(sys.argv[1]); "
        "pyoxigraph.Store().query('SELECT * WHERE ' + '{' * d + ' ?s ?p ?o ' + '}' * d)"
    )
    fine = subprocess.run([sys.executable, "-c", script, "100"], check=False, timeout=60)
    crash = subprocess.run(
        [sys.executable, "-c", script, "10000"], check=False, timeout=60, capture_output=True
    )
    assert fine.returncode == 0
    assert crash.returncode < 0  # killed by a signal (stack overflow), not a Python error


@pytest.mark.parametrize(
    ("size", "in_url", "error"),
    [(65, True, URITooLongError), (65, False, PayloadTooLargeError)],
)
def test_check_size_answers_414_in_a_url_and_413_in_a_body(
    size: int, in_url: bool, error: type[Exception]
) -> None:
    check_size("x" * 64, limit=64, in_url=in_url)
    with pytest.raises(error):
        check_size("x" * size, limit=64, in_url=in_url)
    with pytest.raises(error):
        check_size("é" * 33, limit=64, in_url=in_url)  # bytes, not characters


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 1002) + " AS ?x) {}",
        "SELECT * { FILTER(" + " || ".join(["true"] * 502) + ") }",
        "SELECT * { ?s " + "/".join(["<urn:p>"] * 1002) + " ?o }",
    ],
    ids=["sum", "or", "path"],
)
def test_long_operator_chains_are_refused_like_deep_nesting(query: str) -> None:
    with pytest.raises(QueryError, match="chains more than 1000 operators"):
        screen_query(query, max_depth=100)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 1001) + " AS ?x) {}",
        "SELECT * { " + " . ".join(f"?s{i} <urn:p>/<urn:q> ?o" for i in range(2000)) + " }",
        "SELECT * { VALUES ?x { " + " ".join(["-1"] * 900) + " } }",
    ],
    ids=["sum-at-the-limit", "separated-paths", "negative-numbers"],
)
def test_chains_are_counted_per_expression(query: str) -> None:
    assert screen_query(query, max_depth=100).form == "SELECT"


def test_chains_at_the_limit_do_not_crash_pyoxigraph() -> None:
    """1,000 chained operators parse and run; the crash starts between 5,000 and 8,000."""
    script = (
        "import pyoxigraph, sys; n = int(sys.argv[1]); "
        "list(pyoxigraph.Store().query('SELECT (' + '+'.join(['1'] * n) + ' AS ?x) {}'))"
    )
    fine = subprocess.run([sys.executable, "-c", script, "1000"], check=False, timeout=60)
    crash = subprocess.run(
        [sys.executable, "-c", script, "10000"], check=False, timeout=60, capture_output=True
    )
    assert fine.returncode == 0
    assert crash.returncode < 0


@pytest.mark.parametrize(
    "element",
    ["BIND(1 AS ?v{})", "MINUS {{ ?s ?p ?o }}", "VALUES ?v{} {{ 1 }}", "OPTIONAL {{ ?s ?p ?o }}"],
)
def test_groups_with_too_many_elements_are_refused(element: str) -> None:
    """3,500 BINDs (or MINUS, VALUES...) in one group crash pyoxigraph: refused past 1,000."""
    elements = " . ".join(element.format(index) for index in range(1001))
    with pytest.raises(QueryError, match="more than 1000 elements"):
        screen_query(f"SELECT * {{ ?s ?p ?o {elements} }}", max_depth=100)
    fewer = " . ".join(element.format(index) for index in range(400))
    assert screen_query(f"SELECT * {{ ?s ?p ?o {fewer} }}", max_depth=100).form == "SELECT"


def test_long_values_blocks_are_not_groups() -> None:
    rows = " ".join(f'({index} "{index}")' for index in range(3000))
    query = f"SELECT * {{ VALUES (?n ?label) {{ {rows} }} }}"
    assert screen_query(query, max_depth=100).form == "SELECT"
