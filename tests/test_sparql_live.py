"""A researcher's script against the real server: `chava serve` (granian) and SPARQLWrapper."""

from __future__ import annotations

import csv
import io
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.serve_support import chava_serve

pytestmark = pytest.mark.server

TIMEOUT = 1.5
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l%d }"
SELECT = """PREFIX lc: <https://w3id.org/learning-city/def/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme ?label WHERE {
  ?theme a lc:Theme ; rdfs:label|skos:prefLabel ?label FILTER(LANG(?label) = "en")
} ORDER BY ?label"""
ASK = "ASK { <https://w3id.org/chava/id/concept/theme/education-et-numerique> ?p ?o }"
CONSTRUCT = """PREFIX lc: <https://w3id.org/learning-city/def/core#>
CONSTRUCT { ?body a lc:GovernanceBody } WHERE { ?body a lc:GovernanceBody }"""


@pytest.fixture(scope="module")
def endpoint(project_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chava serve` on a free port over a fresh build of the bundled publication."""
    environment = {
        "CHAVA_BUILD_DIR": str(tmp_path_factory.mktemp("serve")),
        "CHAVA_SPARQL_TIMEOUT": str(TIMEOUT),
    }
    options = ("--workers", "2", "--threads", "4", "--no-validate")
    with chava_serve(project_root, *options, environment=environment) as base:
        # The query workers start with the web workers; on a busy machine the first may take
        # longer than TIMEOUT (the wait for a free worker): let both web workers get theirs.
        deadline = time.monotonic() + 60
        answered = 0
        while answered < 4:
            assert time.monotonic() < deadline, "no query worker answered within 60 s"
            fresh = f"ASK {{ FILTER({time.monotonic_ns()} > 0) }}"  # never a cached answer
            reply = requests.get(base + "/sparql", params={"query": fresh}, timeout=30)
            answered = answered + 1 if reply.status_code == 200 else 0
            time.sleep(0.1)
        yield base + "/sparql"


def wrapper(endpoint: str, query: str, return_format: str, *, post: bool = False) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    if post:
        sparql.setMethod(POST)
    return sparql


@pytest.mark.parametrize("post", [False, True], ids=["GET", "POST"])
def test_select_in_json(endpoint: str, post: bool) -> None:
    results = cast(dict[str, Any], wrapper(endpoint, SELECT, JSON, post=post).query().convert())
    labels = [row["label"]["value"] for row in results["results"]["bindings"]]
    assert labels == [
        "Culture, art and citizenship",
        "Education and digital technology",
        "Nature, territory and sustainable development",
    ]


def test_select_in_xml_csv_and_tsv(endpoint: str) -> None:
    document = wrapper(endpoint, SELECT, XML).query().convert()
    namespace = "http://www.w3.org/2005/sparql-results#"
    assert len(document.getElementsByTagNameNS(namespace, "result")) == 3  # type: ignore[union-attr]
    table = wrapper(endpoint, SELECT, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(table.decode())))  # type: ignore[union-attr]
    assert rows[0] == ["theme", "label"]
    assert len(rows) == 4
    tsv = wrapper(endpoint, SELECT, TSV).query().convert()
    lines = tsv.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?theme\t?label"
    assert lines[2].endswith('"Education and digital technology"@en')


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_ask(endpoint: str, return_format: str) -> None:
    result = wrapper(endpoint, ASK, return_format).query().convert()
    if return_format == JSON:
        assert cast(dict[str, Any], result)["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("return_format", "rdf_format"),
    [
        (TURTLE, ox.RdfFormat.TURTLE),
        (N3, ox.RdfFormat.TURTLE),
        (JSONLD, None),
        (RDFXML, None),
    ],
)
def test_construct_in_each_format(
    endpoint: str, return_format: str, rdf_format: ox.RdfFormat | None
) -> None:
    response = wrapper(endpoint, CONSTRUCT, return_format).query()
    with warnings.catch_warnings():
        # SPARQLWrapper 2.0 parses JSON-LD into rdflib's deprecated ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        result = response.convert()
    if rdf_format is not None:
        assert isinstance(result, bytes)
        triples = list(ox.parse(result, format=rdf_format))
        assert len(triples) == 6
    else:
        assert isinstance(result, Graph)
        assert len(result) == 6


@pytest.mark.parametrize(
    "media_type",
    ["application/n-triples", "application/n-quads", "application/trig", "application/ld+json"],
)
def test_construct_in_the_other_rdf_formats(endpoint: str, media_type: str) -> None:
    response = requests.post(
        endpoint, data={"query": CONSTRUCT}, headers={"Accept": media_type}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None
    assert len(list(ox.parse(response.content, format=rdf_format))) == 6


def test_a_syntax_error_reaches_the_script_as_a_clear_exception(endpoint: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="syntax error"):
        wrapper(endpoint, "SELECT * WHERE { ?s ", JSON).query()


def test_pages_answer_while_slow_queries_hold_both_web_workers(endpoint: str) -> None:
    """With threads to spare (`--threads 4`), a client's slow queries never hold the pages."""
    site = endpoint.removesuffix("/sparql")
    page = site + "/id/body/comite-de-pilotage"
    assert requests.get(page, headers={"Accept": "text/turtle"}, timeout=30).ok  # warm

    def slow(index: int) -> int:
        return requests.post(endpoint, data={"query": SLOW % index}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=2) as clients:
        running = [clients.submit(slow, index) for index in range(2)]
        time.sleep(0.3)
        start = time.monotonic()
        answer = requests.get(page, headers={"Accept": "text/turtle"}, timeout=30)
        waited = time.monotonic() - start
        statuses = [future.result() for future in running]
    assert answer.ok
    assert waited < 0.5
    assert statuses == [503, 503]


def test_the_client_limit_holds_across_web_worker_processes(endpoint: str) -> None:
    """Whichever of the two web worker processes takes each request, two queries run at most."""

    def slow(index: int) -> int:
        return requests.post(endpoint, data={"query": SLOW % (100 + index)}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as clients:
        statuses = list(clients.map(slow, range(8)))
    assert statuses.count(503) <= 2  # ran until the time limit
    assert statuses.count(429) >= 6
