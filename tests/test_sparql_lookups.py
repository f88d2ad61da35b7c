"""Lookups answered in the web process: which queries qualify, and that their answers are the
workers' answers, byte for byte, cut at the same caps, errors included."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import QueryError
from chava.sparql.endpoint import QueryService
from chava.sparql.lexer import tokenize
from chava.sparql.lookups import MAX_LOOKUP_CHARS, is_lookup
from chava.sparql.pool import QueryOutcome
from chava.sparql.protocol import QueryRequest
from chava.sparql.screen import screen_query

BODY = "https://w3id.org/chava/id/body/comite-de-pilotage"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
EX = f"PREFIX ex: <https://w3id.org/chava/id/body/> PREFIX rdfs: <{RDFS}> "

LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{BODY}> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ <{BODY}> ?p ?o }} # request 12",
    f"select * {{ <{BODY}> ?p ?o . }}",
    f"SELECT ?o WHERE {{ <{BODY}> a ?o }} LIMIT 2",
    f"SELECT ?o WHERE {{ <{BODY}> <{RDFS}label> ?o }}",
    EX + "SELECT ?l { ex:comite-de-pilotage rdfs:label ?l }",
    EX + 'SELECT ?p { ex:comite-de-pilotage ?p "Comité de pilotage"@fr }',
    f'SELECT ?p {{ <{BODY}> ?p "x"^^<http://www.w3.org/2001/XMLSchema#string> }}',
    f"SELECT ?p {{ <{BODY}> ?p 42 }}",
    f"SELECT ?p {{ <{BODY}> ?p true }}",
    "BASE <https://w3id.org/chava/id/> SELECT * { <body/comite-de-pilotage> ?p ?o }",
    # A comment hides what would otherwise be read: pyoxigraph skips it too.
    f"SELECT * {{ <{BODY}> ?p ?o # }} ?o ?q ?r\n}}",
]

NOT_LOOKUPS = [
    # A variable or a blank node (a variable in disguise) as the subject: a scan of the store.
    "SELECT * { ?s ?p ?o }",
    "SELECT * { _:b ?p ?o }",
    "SELECT * { [] ?p ?o }",
    f"SELECT * {{ [ ?x <{BODY}> ] ?p ?o }}",
    # Property paths: the closure of a path is not bounded by the answer.
    f"SELECT * {{ <{BODY}> <{RDFS}seeAlso>* ?o }}",
    f"SELECT * {{ <{BODY}> <{RDFS}seeAlso>+ ?o }}",
    f"SELECT * {{ <{BODY}> ^<{RDFS}seeAlso> ?o }}",
    f"SELECT * {{ <{BODY}> <{RDFS}seeAlso>/<{RDFS}seeAlso> ?o }}",
    f"SELECT * {{ <{BODY}> (<{RDFS}seeAlso>) ?o }}",
    f"SELECT * {{ <{BODY}> !<{RDFS}seeAlso> ?o }}",
    f"SELECT * {{ <{BODY}> <{RDFS}seeAlso>? ?o }}",
    f"SELECT * {{ <{BODY}> <{RDFS}seeAlso>|<{RDFS}label> ?o }}",
    # A repeated variable: the scan reads entries it then drops.
    f"SELECT * {{ <{BODY}> ?p ?p }}",
    f"SELECT * {{ <{BODY}> ?p $p }}",
    # More than one pattern, or anything beside it.
    f"SELECT * {{ <{BODY}> ?p ?o . ?o ?q ?r }}",
    f"SELECT * {{ <{BODY}> ?p ?o ; ?q ?r }}",
    f"SELECT * {{ <{BODY}> ?p ?o , ?r }}",
    f"SELECT * {{ <{BODY}> ?p ?o FILTER(false) }}",
    f"SELECT * {{ <{BODY}> ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * {{ <{BODY}> ?p ?o BIND(1 AS ?x) }}",
    f"SELECT * {{ <{BODY}> ?p ?o VALUES ?x {{ 1 }} }}",
    f"SELECT * {{ {{ <{BODY}> ?p ?o }} UNION {{ ?s ?p ?o }} }}",
    f"SELECT * {{ {{ <{BODY}> ?p ?o }} }}",
    f"SELECT * {{ GRAPH ?g {{ <{BODY}> ?p ?o }} }}",
    f"SELECT * {{ SERVICE <http://127.0.0.1:1/> {{ <{BODY}> ?p ?o }} }}",
    f"SELECT * {{ << <{BODY}> ?p ?o >> ?q ?r }}",
    f"SELECT * {{ <{BODY}> ?p << ?a ?b ?c >> }}",
    # Solution modifiers that read every row, a dataset, another query form.
    f"SELECT * {{ <{BODY}> ?p ?o }} ORDER BY ?o",
    f"SELECT DISTINCT * {{ <{BODY}> ?p ?o }}",
    f"SELECT * {{ <{BODY}> ?p ?o }} OFFSET 5",
    f"SELECT * {{ <{BODY}> ?p ?o }} LIMIT 5 OFFSET 5",
    f"SELECT * {{ <{BODY}> ?p ?o }} GROUP BY ?p",
    f"SELECT (COUNT(*) AS ?n) {{ <{BODY}> ?p ?o }}",
    f"SELECT * FROM <https://w3id.org/chava/graph/asserted> {{ <{BODY}> ?p ?o }}",
    "SELECT * { SELECT * { ?s ?p ?o } }",
    f"ASK {{ <{BODY}> ?p ?o }}",
    f"CONSTRUCT WHERE {{ <{BODY}> ?p ?o }}",
    f"DESCRIBE <{BODY}>",
    # Escapes, odd names and long texts: read as the lexer may not read them.
    "SELECT * { <https://w3id.org/chava/id/body/comite\\u002Dde-pilotage> ?p ?o }",
    'SELECT * { <https://w3id.org/x> ?p "a\\"b" }',
    "PREFIX ex: <https://w3id.org/> SELECT * { ex:a.b ?p ?o }",
    "PREFIX ex: <https://w3id.org/> SELECT * { ex:a\\.b ?p ?o }",
    "PREFIX ex: <https://w3id.org/> SELECT * { ex:%41 ?p ?o }",
    "PREFIXex: <https://w3id.org/> SELECT * { ex:a ?p ?o }",
    f"SELECT * {{ <{BODY}> ?p ?o }} #" + "x" * MAX_LOOKUP_CHARS,
    f"SELECT * {{ <{BODY}> A ?o }}",
    f"SELECT {{ <{BODY}> ?p ?o }}",
    f"SELECT * {{ <{BODY}> ?p }}",
    f"SELECT * {{ <{BODY}> ?p ?o",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_are_recognised(query: str) -> None:
    assert is_lookup(query, list(tokenize(query)))
    assert screen_query(query, max_depth=100).lookup


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_queries_that_only_look_bounded_are_not_lookups(query: str) -> None:
    assert not is_lookup(query, list(tokenize(query)))


@pytest.mark.parametrize("query", LOOKUPS)
def test_pyoxigraph_reads_every_lookup_as_one_triple_pattern(query: str) -> None:
    """What the grammar accepts, the engine evaluates as the index scan it stands for."""
    store = ox.Store()
    body, other = ox.NamedNode(BODY), ox.NamedNode("https://w3id.org/chava/id/body/other")
    label = ox.NamedNode(RDFS + "label")
    graph = ox.NamedNode("https://w3id.org/chava/graph/asserted")
    for subject in (body, other):
        for obj in (
            ox.Literal("Comité de pilotage", language="fr"),
            ox.Literal("x"),
            ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
            ox.NamedNode("https://w3id.org/chava/def/Body"),
        ):
            store.add(ox.Quad(subject, label, obj, graph))
        store.add(ox.Quad(subject, ox.NamedNode(RDFS + "comment"), ox.Literal("c"), graph))
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(solutions)
    # Every row is about the one subject: nothing from `other` (no scan beyond the subject).
    assert len(rows) <= len(list(store.quads_for_pattern(body, None, None)))


def test_every_index_entry_a_lookup_reads_is_a_row() -> None:
    """The bound rests on it: no entry is dropped, not even a triple found in several graphs
    (if the engine ever deduplicated the union, the row cap would no longer bound the scan)."""
    store = ox.Store()
    triple = (ox.NamedNode(BODY), ox.NamedNode(RDFS + "label"), ox.Literal("x"))
    graphs = [ox.NamedNode(f"https://w3id.org/chava/graph/g{index}") for index in range(5)]
    for graph in graphs:
        store.add(ox.Quad(*triple, graph))
    query = f"SELECT * {{ <{BODY}> ?p ?o }}"
    assert len(list(store.query(query, use_default_graph_as_union=True))) == 5  # type: ignore[arg-type]
    assert len(list(store.query(query, default_graph=graphs))) == 5  # type: ignore[arg-type]


@pytest.fixture
def services(bundled_build: tuple[Settings, Build]) -> Iterator[dict[str, QueryService]]:
    """The same build served with lookups answered inline and without (every query a worker's)."""
    settings, build = bundled_build
    store = ox.Store.read_only(str(build.store_path))
    made = {
        "inline": QueryService(settings, build, local=store),
        "workers": QueryService(dataclasses.replace(settings, sparql_inline_rows=0), build),
    }
    yield made
    for service in made.values():
        service.close()


def run(service: QueryService, query: str, fmt: str = "srj") -> QueryOutcome:
    prepared = service.prepare(QueryRequest(query), accept=None, requested_format=fmt)
    return service.run(prepared, client="127.0.0.1")


@pytest.mark.parametrize("fmt", ["srj", "srx", "csv", "tsv"])
@pytest.mark.parametrize("query", LOOKUPS[:6])
def test_a_lookup_is_answered_in_process_with_the_workers_bytes(
    services: dict[str, QueryService], query: str, fmt: str
) -> None:
    inline, workers = services["inline"], services["workers"]
    answered = run(inline, query, fmt)
    assert inline.inlined == 1
    assert inline.pool.worker_pids() == []  # no worker was even started
    assert answered == run(workers, query, fmt)
    assert workers.inlined == 0


def test_other_queries_still_run_in_workers(services: dict[str, QueryService]) -> None:
    inline = services["inline"]
    outcome = run(inline, f"SELECT * {{ <{BODY}> ?p ?o . ?o ?q ?r }} LIMIT 3")
    assert inline.inlined == 0
    assert inline.pool.worker_pids()
    assert outcome == run(services["workers"], f"SELECT * {{ <{BODY}> ?p ?o . ?o ?q ?r }} LIMIT 3")


def test_a_lookup_larger_than_the_inline_cap_goes_to_a_worker(
    bundled_build: tuple[Settings, Build], services: dict[str, QueryService]
) -> None:
    settings, build = bundled_build
    store = ox.Store.read_only(str(build.store_path))
    service = QueryService(dataclasses.replace(settings, sparql_inline_rows=2), build, local=store)
    try:
        query = f"SELECT ?p ?o WHERE {{ <{BODY}> ?p ?o }}"
        outcome = run(service, query)
        assert service.inlined == 0
        assert not outcome.truncated
        assert outcome == run(services["workers"], query)
        assert outcome.body.count(b'"p":') > 2
    finally:
        service.close()


@pytest.mark.parametrize(("byte_cap", "inlined"), [(512 * 1024, 3), (16 * 1024 * 1024, 0)])
def test_a_lookup_cut_at_the_endpoint_caps_is_cut_as_a_worker_cuts_it(
    bundled_build: tuple[Settings, Build], byte_cap: int, inlined: int
) -> None:
    """Cut at the endpoint's own caps, in process when they are within the inline caps; when
    the byte cap is larger than the inline one, a cut result is the worker's to write."""
    settings, build = bundled_build
    store = ox.Store.read_only(str(build.store_path))
    capped = dataclasses.replace(settings, sparql_max_results=2, sparql_max_result_bytes=byte_cap)
    inline = QueryService(capped, build, local=store)
    workers = QueryService(dataclasses.replace(capped, sparql_inline_rows=0), build)
    try:
        query = f"SELECT ?p ?o WHERE {{ <{BODY}> ?p ?o }}"
        for fmt in ("srj", "srx", "csv"):
            outcome = run(inline, query, fmt)
            assert outcome.truncated
            assert outcome == run(workers, query, fmt)
        assert inline.inlined == inlined
    finally:
        inline.close()
        workers.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { nowhere:x ?p ?o }",  # an undeclared prefix: a syntax error, with its hint
        "SELECT * { <relative> ?p ?o }",  # no base IRI to resolve it against
    ],
)
def test_a_lookup_that_fails_fails_as_in_a_worker(
    services: dict[str, QueryService], query: str
) -> None:
    assert screen_query(query, max_depth=100).lookup
    messages: list[Any] = []
    for service in services.values():
        with pytest.raises(QueryError) as raised:
            run(service, query)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert services["inline"].inlined == 1


def test_without_a_local_store_or_with_the_setting_at_zero_nothing_is_inlined(
    bundled_build: tuple[Settings, Build],
) -> None:
    settings, build = bundled_build
    store = ox.Store.read_only(str(build.store_path))
    off = QueryService(dataclasses.replace(settings, sparql_inline_rows=0), build, local=store)
    try:
        assert off.local is None
        run(off, LOOKUPS[0])
        assert off.inlined == 0
    finally:
        off.close()
