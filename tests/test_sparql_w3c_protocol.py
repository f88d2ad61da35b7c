"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only query endpoint.

From `sparql/sparql11/protocol/manifest.ttl` in w3c/rdf-tests, encoded as a table of HTTP
requests and expected answers, run against a store of the dataset the tests expect
(`shared/fixtures/w3c-protocol-dataset.nq`: data1/2/3.rdf as named graphs).

Not applicable: the `update_*` tests expect updates to succeed; this endpoint is read-only, so
they are run as refusals (4xx) instead. `query_multiple_dataset` is encoded as the test is
implemented by its author (two `named-graph-uri` parameters); the manifest's request line
percent-encodes the `&` between them by mistake (w3c/rdf-tests#78).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from chava.building.builds import read_build, write_manifest
from chava.config import Settings
from chava.web.sparql_state import SERVICE_KEY
from tests.app_support import new_app

FIXTURE = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
DATA = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


def q(text: str) -> str:
    return quote(text, safe="")


def dataset(*pairs: tuple[str, str]) -> str:
    return "&".join(f"{name}={q(DATA + graph)}" for name, graph in pairs)


ASK_1_2 = f"ASK {{ <{DATA}data1.rdf> a ?type . <{DATA}data2.rdf> a ?type . }}"
ASK_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{\n  <{DATA}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }}\n"
    f"  GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }}\n}}"
)
ASK_MULTIPLE = (
    f"ASK FROM <{DATA}data3.rdf> {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)
WITH_UPDATE = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> WITH <http://example/addresses> "
    "DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' } "
    "WHERE { ?person foaf:givenName 'Bill' }"
)
DG0 = dataset(("default-graph-uri", "data0.rdf"))
DG12 = dataset(("default-graph-uri", "data1.rdf"), ("default-graph-uri", "data2.rdf"))
NG12 = dataset(("named-graph-uri", "data1.rdf"), ("named-graph-uri", "data2.rdf"))
FULL = dataset(
    ("default-graph-uri", "data3.rdf"),
    ("named-graph-uri", "data1.rdf"),
    ("named-graph-uri", "data2.rdf"),
)

# name, method, path, content type, body, expected status class, result kind, expected boolean
CASES = [
    ("query_post_form", "POST", f"/sparql/?{DG0}", FORM, "query=ASK%20%7B%7D", 2, "boolean", True),
    (
        "query_dataset_default_graphs_get",
        "GET",
        f"/sparql/?query={q(ASK_1_2)}&{DG12}",
        None,
        "",
        2,
        "boolean",
        True,
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql/?{DG12}",
        DIRECT,
        ASK_1_2,
        2,
        "boolean",
        True,
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql/?{NG12}",
        DIRECT,
        ASK_NAMED,
        2,
        "boolean",
        True,
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        f"/sparql/?query={q(ASK_NAMED)}&{NG12}",
        None,
        "",
        2,
        "boolean",
        True,
    ),
    ("query_dataset_full", "POST", f"/sparql/?{FULL}", DIRECT, ASK_FULL, 2, "boolean", True),
    (
        "query_multiple_dataset",
        "POST",
        f"/sparql/?{NG12}",
        DIRECT,
        ASK_MULTIPLE,
        2,
        "boolean",
        True,
    ),
    ("query_get", "GET", f"/sparql/?query=ASK%20%7B%7D&{DG0}", None, "", 2, "boolean", True),
    (
        "query_content_type_select",
        "POST",
        f"/sparql/?{DG0}",
        DIRECT,
        "SELECT (1 AS ?value) {}",
        2,
        "tabular",
        None,
    ),
    ("query_content_type_ask", "POST", f"/sparql/?{DG0}", DIRECT, "ASK {}", 2, "boolean", None),
    (
        "query_content_type_describe",
        "POST",
        f"/sparql/?{DG0}",
        DIRECT,
        "DESCRIBE <http://example.org/>",
        2,
        "RDF",
        None,
    ),
    (
        "query_content_type_construct",
        "POST",
        f"/sparql/?{DG0}",
        DIRECT,
        "CONSTRUCT { <s> <p> 1 } WHERE {}",
        2,
        "RDF",
        None,
    ),
    ("query_post_direct", "POST", "/sparql/", DIRECT, "ASK {}", 2, "boolean", True),
    ("bad_query_method", "PUT", f"/sparql/?query=ASK%20%7B%7D&{DG0}", FORM, "", 4, None, None),
    (
        "bad_multiple_queries",
        "GET",
        "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        None,
        "",
        4,
        None,
        None,
    ),
    ("bad_query_wrong_media_type", "POST", "/sparql/", "text/plain", "ASK {}", 4, None, None),
    ("bad_query_missing_form_type", "POST", "/sparql/", None, "query=ASK%20%7B%7D", 4, None, None),
    ("bad_query_missing_direct_type", "POST", "/sparql/", None, "ASK {}", 4, None, None),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql/",
        f"{DIRECT}; charset=UTF-16",
        "ASK {}",
        4,
        None,
        None,
    ),
    ("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", None, "", 4, None, None),
    ("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", None, "", 4, None, None),
    (
        "bad_multiple_updates",
        "POST",
        "/sparql/",
        FORM,
        "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        4,
        None,
        None,
    ),
    ("bad_update_wrong_media_type", "POST", "/sparql/", "text/plain", "CLEAR NAMED", 4, None, None),
    (
        "bad_update_missing_form_type",
        "POST",
        "/sparql/",
        None,
        "update=CLEAR%20NAMED",
        4,
        None,
        None,
    ),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        f"{UPDATE}; charset=UTF-16",
        "CLEAR NAMED",
        4,
        None,
        None,
    ),
    ("bad_update_syntax", "POST", "/sparql/", FORM, "update=CLEAR%20XYZ", 4, None, None),
    (
        "bad_update_dataset_conflict",
        "POST",
        "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        UPDATE,
        WITH_UPDATE,
        4,
        None,
        None,
    ),
    # update_* tests expect updates to succeed: on a read-only endpoint they must be refused.
    ("update_post_form (refused)", "POST", "/sparql/", FORM, "update=CLEAR+ALL", 4, None, None),
    ("update_post_direct (refused)", "POST", "/sparql/", UPDATE, "CLEAR ALL", 4, None, None),
    (
        "update_dataset_default_graph (refused)",
        "POST",
        f"/sparql/?using-graph-uri={q(DATA + 'data1.rdf')}",
        UPDATE,
        "CLEAR ALL ; INSERT DATA { <a:s> <a:p> <a:o> }",
        4,
        None,
        None,
    ),
    ("update via query= (refused)", "GET", "/sparql/?query=CLEAR%20ALL", None, "", 4, None, None),
]

TABULAR = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF = {
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
}


@pytest.fixture(scope="module")
def w3c_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """An app over a build of the protocol tests' dataset."""
    root = tmp_path_factory.mktemp("w3c")
    path = root / "builds" / "w3c"
    path.mkdir(parents=True)
    store = ox.Store(str(path / "store"))
    store.load(path=str(FIXTURE / "w3c-protocol-dataset.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    write_manifest(path, {"build_id": "w3c", "created": datetime.now(UTC).isoformat()})
    settings = Settings.load(root=root, environ={}, overrides={"build_dir": root})
    app = new_app(settings, build=read_build(path))
    yield app.test_client()
    app.extensions[SERVICE_KEY].close()


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body", "status", "kind", "boolean"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_w3c_protocol(
    w3c_client: FlaskClient,
    method: str,
    path: str,
    content_type: str | None,
    body: str,
    status: int,
    kind: str | None,
    boolean: bool | None,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    data = body.encode("utf-16") if "UTF-16" in (content_type or "") else body.encode()
    response = w3c_client.open(path, method=method, headers=headers, data=data)
    assert response.status_code // 100 == status, response.get_data(as_text=True)
    if kind is None:
        assert response.is_json  # errors explain themselves
        return
    media_type = response.mimetype
    assert media_type in {"boolean": BOOLEAN, "tabular": TABULAR, "RDF": RDF}[kind]
    if boolean is not None:
        assert _boolean(response.get_data(), media_type) is boolean


def _boolean(body: bytes, media_type: str) -> bool:
    if media_type.endswith("json"):
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"
