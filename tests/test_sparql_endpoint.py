"""QueryService.prepare: the dataset a query runs on, its format, its ETag; and the result cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import ConfigError, QueryError
from chava.formats import CSV, JSON_LD, SPARQL_JSON, TURTLE
from chava.lru_cache import BoundedLRU
from chava.sparql.contract import QueryJob
from chava.sparql.endpoint import QueryService
from chava.sparql.protocol import QueryRequest

ASSERTED = "https://w3id.org/chava/graph/asserted"
ONTOLOGY = "https://w3id.org/chava/graph/ontology"
SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"


@pytest.fixture
def service(bundled_build: tuple[Settings, Build]) -> Iterator[QueryService]:
    settings, build = bundled_build
    service = QueryService(settings, build)
    yield service
    service.close()


def dataset_of(job: QueryJob) -> tuple[Any, ...]:
    """(union, default graphs, named graphs), None for what the job leaves unsaid."""

    def listed(graphs: tuple[str, ...] | None) -> list[str] | None:
        return None if graphs is None else list(graphs)

    return (job.union or None, listed(job.default_graphs), listed(job.named_graphs))


@pytest.mark.parametrize(
    ("request_", "configured", "expected"),
    [
        (QueryRequest(SELECT), (), (True, None, None)),
        (QueryRequest(SELECT), (ASSERTED,), (None, [ASSERTED], None)),
        (QueryRequest(f"SELECT * FROM <{ONTOLOGY}> {{ ?s ?p ?o }}"), (), (None, None, None)),
        (QueryRequest(SELECT, (ONTOLOGY,)), (ASSERTED,), (None, [ONTOLOGY], [])),
        (QueryRequest(SELECT, (), (ONTOLOGY,)), (), (None, [], [ONTOLOGY])),
        (
            QueryRequest(f"SELECT * FROM <{ASSERTED}> {{ ?s ?p ?o }}", (ONTOLOGY,)),
            (),
            (None, [ONTOLOGY], []),
        ),
    ],
)
def test_the_dataset_protocol_beats_from_which_beats_the_configured_default(
    bundled_build: tuple[Settings, Build],
    request_: QueryRequest,
    configured: tuple[str, ...],
    expected: tuple[Any, ...],
) -> None:
    settings, build = bundled_build
    service = QueryService(dataclasses.replace(settings, sparql_default_graphs=configured), build)
    prepared = service.prepare(request_, accept=None, requested_format=None)
    assert dataset_of(prepared.job) == expected


@pytest.mark.parametrize(
    ("query", "accept", "requested", "expected"),
    [
        (SELECT, None, None, SPARQL_JSON),
        (SELECT, "text/csv", None, CSV),
        ("CONSTRUCT WHERE { ?s ?p ?o }", None, None, TURTLE),
        ("DESCRIBE <https://w3id.org/chava/id/body/comite-de-pilotage>", None, "json", JSON_LD),
    ],
)
def test_prepare_negotiates_by_query_form(
    service: QueryService, query: str, accept: str | None, requested: str | None, expected: Any
) -> None:
    prepared = service.prepare(QueryRequest(query), accept=accept, requested_format=requested)
    assert prepared.format is expected
    assert bool(prepared.job.prefixes) == (prepared.screened.form in ("CONSTRUCT", "DESCRIBE"))


def test_etags_differ_by_query_dataset_and_format(service: QueryService) -> None:
    def etag(request: QueryRequest, accept: str | None = None) -> str:
        return service.prepare(request, accept=accept, requested_format=None).etag

    base = etag(QueryRequest(SELECT))
    assert base == etag(QueryRequest(SELECT))
    assert base != etag(QueryRequest(SELECT + " "))
    assert base != etag(QueryRequest(SELECT, (ASSERTED,)))
    assert base != etag(QueryRequest(SELECT), accept="text/csv")


def test_a_configured_default_graph_is_what_queries_see(
    bundled_build: tuple[Settings, Build],
) -> None:
    settings, build = bundled_build
    only_data = dataclasses.replace(settings, sparql_default_graphs=(ASSERTED,))
    service = QueryService(only_data, build)
    try:
        ontology_terms = (
            "ASK { <https://w3id.org/learning-city/def/core#Theme> a ?type }",
            "ASK { GRAPH ?g { <https://w3id.org/learning-city/def/core#Theme> a ?type } }",
        )
        answers = [
            service.run(
                service.prepare(QueryRequest(query), accept=None, requested_format=None),
                client="test",
            ).body
            for query in ontology_terms
        ]
        assert answers == [b'{"head":{},"boolean":false}', b'{"head":{},"boolean":true}']
    finally:
        service.close()


def test_the_result_cache_evicts_the_least_recent_and_skips_huge_values() -> None:
    cache: BoundedLRU[str] = BoundedLRU(100)
    cache.put("a", "A", 20)
    cache.put("b", "B", 20)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C", 20)
    cache.put("d", "D", 20)
    cache.put("e", "E", 25)
    assert cache.get("b") is None
    assert cache.get("a") == "A"
    cache.put("huge", "H", 26)  # more than a quarter of the capacity: never cached
    assert cache.get("huge") is None
    assert len(BoundedLRU[str](0)) == 0


@pytest.mark.parametrize("setting", ["sparql_default_graphs", "sparql_service_allowlist"])
def test_graph_and_endpoint_settings_must_be_absolute_iris(
    bundled_build: tuple[Settings, Build], setting: str
) -> None:
    settings, build = bundled_build
    overrides: dict[str, Any] = {setting: ("not an iri",)}
    with pytest.raises(ConfigError, match=setting):
        QueryService(dataclasses.replace(settings, **overrides), build)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graphs_must_be_absolute_iris(service: QueryService, parameter: str) -> None:
    request = (
        QueryRequest(SELECT, ("relative",))
        if parameter == "default-graph-uri"
        else QueryRequest(SELECT, (), ("not an iri",))
    )
    with pytest.raises(QueryError, match=parameter):
        service.prepare(request, accept=None, requested_format=None)
