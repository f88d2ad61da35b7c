"""The /sparql route over the bundled build: negotiation, caching, CORS, limits, the editor."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from chava.building.builds import Build
from chava.config import Settings
from chava.sparql.truncation import TRUNCATION_LINK
from tests.sparql_support import CONSTRUCT, SELECT, small_app, url

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app_settings() -> dict[str, Any]:
    """A result cap of 5 (to see cut results) and a 2 KB query limit."""
    return {"sparql_max_results": 5, "sparql_max_query_bytes": 2048}


@pytest.mark.parametrize(
    ("query", "accept", "format_name", "expected"),
    [
        (SELECT, None, None, "application/sparql-results+json"),
        (SELECT, "*/*", None, "application/sparql-results+json"),
        (SELECT, FIREFOX, None, "text/html"),  # a browser: the results page (issue 15)
        (SELECT, "application/xml", None, "application/sparql-results+xml"),
        (SELECT, "application/sparql-results+xml", None, "application/sparql-results+xml"),
        (SELECT, "text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
        (SELECT, "application/json", None, "application/sparql-results+json"),
        (SELECT, "text/turtle", "csv", "text/csv"),
        (
            "ASK { ?s ?p ?o }",
            "application/sparql-results+xml",
            None,
            "application/sparql-results+xml",
        ),
        (CONSTRUCT, None, None, "text/turtle"),
        (CONSTRUCT, "application/ld+json", None, "application/ld+json"),
        (
            CONSTRUCT,
            "application/rdf+xml;q=0.9, application/n-triples",
            None,
            "application/n-triples",
        ),
        (CONSTRUCT, None, "trig", "application/trig"),
        (CONSTRUCT, None, "nq", "application/n-quads"),
        (CONSTRUCT, None, "rdf", "application/rdf+xml"),
        (
            "DESCRIBE <https://w3id.org/chava/id/organisation/ville-de-charleroi>",
            None,
            None,
            "text/turtle",
        ),
    ],
)
def test_results_follow_accept_and_format(
    client: FlaskClient, query: str, accept: str | None, format_name: str | None, expected: str
) -> None:
    parameters = {"format": format_name} if format_name else {}
    headers = {"Accept": accept} if accept else {}
    response = client.get(url(query, **parameters), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == expected
    assert "Accept" in response.vary


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SELECT, "text/turtle"),
        ("ASK {}", "text/csv"),
        (CONSTRUCT, "application/sparql-results+json"),
    ],
)
def test_unsatisfiable_accept_is_406(client: FlaskClient, query: str, accept: str) -> None:
    response = client.get(url(query), headers={"Accept": accept})
    assert response.status_code == 406
    assert "offered" in response.get_json()["message"]


def test_get_results_carry_an_etag_and_repeat_queries_get_304(client: FlaskClient) -> None:
    first = client.get(url(SELECT))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(url(SELECT), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    other_format = client.get(url(SELECT, format="csv"), headers={"If-None-Match": etag})
    assert other_format.status_code == 200
    assert other_format.headers["ETag"] != etag


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    response = client.head(url(SELECT))
    assert response.status_code == 200
    assert response.headers["ETag"] == client.get(url(SELECT)).headers["ETag"]
    assert response.get_data() == b""


def test_nondeterministic_queries_are_not_cached(client: FlaskClient) -> None:
    response = client.get(url("SELECT (RAND() AS ?r) {}"))
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_cors_on_results_errors_and_preflight(client: FlaskClient) -> None:
    assert client.get(url(SELECT)).headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(url("SELECT {")).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_a_cut_response_says_so_in_headers_and_head_only(client: FlaskClient) -> None:
    response = client.get(url("SELECT * WHERE { ?s ?p ?o }"))
    assert response.status_code == 200
    assert response.headers["X-Chava-Results-Truncated"] == "true"
    assert response.headers["X-Chava-Results-Limit"] == "5"
    assert response.headers["Link"] == f'<{TRUNCATION_LINK}>; rel="describedby"'
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
    document = response.get_json(force=True)
    assert set(document) == {"head", "results"}  # nothing after the results (finding 12)
    assert len(document["results"]["bindings"]) == 5
    assert document["head"]["link"] == [TRUNCATION_LINK]
    parsed = ox.parse_query_results(response.get_data(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert len(list(parsed)) == 5
    complete = client.get(url("SELECT * WHERE { ?s ?p ?o } LIMIT 5"))
    assert "X-Chava-Results-Truncated" not in complete.headers
    assert "Link" not in complete.headers


@pytest.mark.parametrize(("format_name", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_a_cut_csv_or_tsv_holds_the_rows_and_nothing_else(
    client: FlaskClient, format_name: str, delimiter: str
) -> None:
    response = client.get(url("SELECT ?s ?p WHERE { ?s ?p ?o }", format=format_name))
    assert response.headers["X-Chava-Results-Truncated"] == "true"
    text = io.StringIO(response.get_data(as_text=True), newline="")
    if delimiter == ",":
        records = list(csv.reader(text))
    else:
        records = list(csv.reader(text, delimiter=delimiter, quoting=csv.QUOTE_NONE))
    assert len(records) == 1 + 5  # the header and the five rows: no note line
    assert all(len(record) == 2 for record in records)


def test_a_result_over_the_byte_cap_is_cut_at_a_row_and_flagged(
    bundled_build: tuple[Settings, Build],
) -> None:
    """Finding 10: the worker cuts it, so the web worker never holds the whole result."""
    with small_app(
        bundled_build, sparql_max_results=100_000, sparql_max_result_bytes=20_000
    ) as app:
        response = app.test_client().get(url("SELECT * WHERE { ?s ?p ?o }"))
    assert response.status_code == 200
    assert response.headers["X-Chava-Results-Truncated"] == "true"
    assert response.headers["X-Chava-Results-Byte-Limit"] == "20000"
    body = response.get_data()
    assert 10_000 < len(body) <= 20_000 + 200
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert 10 < len(list(parsed)) < 4_000


def test_a_deep_offset_is_refused_before_it_runs(client: FlaskClient) -> None:
    response = client.get(url("SELECT * WHERE { ?s ?p ?o } OFFSET 100000000"))
    assert response.status_code == 400
    assert "sparql_max_offset" in response.get_json()["message"]
    assert client.get(url("SELECT * WHERE { ?s ?p ?o } OFFSET 1000000")).status_code == 200


def test_syntax_errors_give_the_position(client: FlaskClient) -> None:
    response = client.get(url("SELECT * WHERE {\n  ?s ?p \n}"))
    assert response.status_code == 400
    assert re.search(r"at line 3, column \d+", response.get_json()["message"])


@pytest.mark.parametrize(
    ("method", "size", "status"), [("GET", 3000, 414), ("POST", 3000, 413), ("POST", 10**6, 413)]
)
def test_long_queries_are_refused(client: FlaskClient, method: str, size: int, status: int) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * size
    if method == "GET":
        response = client.get(url(query))
    else:
        response = client.post("/sparql", data={"query": query})
    assert response.status_code == status


def test_service_is_refused_with_a_clear_message(client: FlaskClient) -> None:
    response = client.get(url("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))
    assert response.status_code == 400
    assert "SERVICE" in response.get_json()["message"]


BYPASS = (  # issue 12, finding 1: the old screen's pattern stopped at the backslash
    "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\\# AS ?x) "
    "SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
)


@pytest.mark.parametrize("method", ["GET", "POST", "POST-body"])
def test_the_escape_bypass_is_refused_on_every_method(client: FlaskClient, method: str) -> None:
    if method == "GET":
        response = client.get(url(BYPASS))
    elif method == "POST":
        response = client.post("/sparql", data={"query": BYPASS})
    else:
        response = client.post(
            "/sparql", data=BYPASS, headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 400
    assert "SERVICE <http://127.0.0.1:9/x>" in response.get_json()["message"]


def test_the_escape_no_longer_hides_a_deep_nesting(bundled_build: tuple[Settings, Build]) -> None:
    deep = "PREFIX ex: <http://e/> SELECT * WHERE { BIND(ex:a\\# AS ?x) " + "{" * 5000
    deep += "}" * 5000 + " }"
    with small_app(bundled_build) as app:
        client = app.test_client()
        assert client.get(url("ASK {}")).status_code == 200
        service = app.extensions["chava.sparql"]
        deadline = time.monotonic() + 30
        while len(service.pool.worker_pids()) < service.pool.initial:  # all started at first use
            assert time.monotonic() < deadline
            time.sleep(0.05)
        before = service.pool.worker_pids()
        response = client.post("/sparql", data={"query": deep})
        assert response.status_code == 400
        assert "nested more than" in response.get_json()["message"]
        # No worker crashed (the pool may have started one more meanwhile: it grows on demand).
        assert set(before) <= set(service.pool.worker_pids())


def test_post_without_query_is_400(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data={"default-graph-uri": "https://w3id.org/chava/graph/asserted"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("accept", "format_name", "rdf_format"),
    [
        (None, None, ox.RdfFormat.TURTLE),
        ("text/turtle", None, ox.RdfFormat.TURTLE),
        ("application/ld+json", None, ox.RdfFormat.JSON_LD),
        (None, "jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_machines_get_the_service_description(
    client: FlaskClient, accept: str | None, format_name: str | None, rdf_format: ox.RdfFormat
) -> None:
    path = "/sparql" + (f"?format={format_name}" if format_name else "")
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.get_data(), format=rdf_format)
    answer = store.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?name ?triples WHERE {
          ?service a sd:Service ; sd:endpoint ?endpoint ;
            sd:supportedLanguage sd:SPARQL11Query ;
            sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ;
            sd:defaultDataset/sd:namedGraph [ sd:name ?name ; sd:graph/void:triples ?triples ] .
        }"""
    )
    assert isinstance(answer, ox.QuerySolutions)
    rows = {row["name"].value: int(row["triples"].value) for row in answer}
    assert rows["https://w3id.org/chava/graph/asserted"] > 0
    assert rows["https://w3id.org/chava/graph/ontology"] > 0


def test_browsers_get_the_editor_with_prefixes_one_example_and_a_menu(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": FIREFOX})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "/static/yasgui/yasgui.min.js" in page
    assert "cdn" not in page.lower()
    marker = '<script type="application/json" id="sparql-config">'
    start = page.index(marker) + len(marker)
    config = json.loads(page[start : page.index("</script>", start)])
    assert config["prefixes"]["lc"] == "https://w3id.org/learning-city/def/core#"
    assert config["endpoint"] == "/sparql"
    assert config["examples"]  # the catalogue, in a menu
    assert config["opening"]["query"] == config["examples"][0]["query"]  # one real example
    for asset in ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "sparql-editor.js"):
        with client.get(f"/static/{asset}") as static:
            assert static.status_code == 200
