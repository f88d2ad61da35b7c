"""Federation: `SERVICE` to allow-listed partner endpoints, run by pyoxigraph in the workers."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask.testing import FlaskClient

from chava import formats
from chava.building.builds import Build
from chava.config import Settings
from chava.sparql import egress
from chava.sparql.contract import QueryJob
from chava.sparql.pool import QueryPool
from chava.web.sparql_state import SERVICE_KEY
from tests.app_support import new_app
from tests.hostile_server import hostile_server
from tests.oxigraph_server import OxigraphServer, oxigraph_server

PARTNER_DATA = b"""\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix kf: <https://w3id.org/learning-city/id/concept/key-feature/> .
<https://partner.example.org/id/city/exampleville> lc:addressesKeyFeature kf:developpement-durable .
"""
FEDERATED = """\
PREFIX lc: <https://w3id.org/learning-city/def/core#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?city ?feature ?label WHERE {{
  SERVICE <{endpoint}> {{ ?city lc:addressesKeyFeature ?feature }}
  ?feature skos:prefLabel ?label FILTER(lang(?label) = "en")
}}"""


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("partner")) as server:
        server.load(PARTNER_DATA, "text/turtle")
        yield server


@pytest.fixture(scope="module")
def slow_endpoint() -> Iterator[str]:
    with hostile_server() as base:
        yield base + "/slow"


@pytest.fixture(scope="module")
def app_settings(partner: OxigraphServer, slow_endpoint: str) -> dict[str, Any]:
    """SERVICE may call the partner and a slow endpoint; queries stop after 2 s."""
    return {
        "sparql_service_allowlist": (partner.query, slow_endpoint),
        "sparql_timeout": 2.0,
    }


def _ask(client: FlaskClient, query: str) -> tuple[int, dict[str, object]]:
    response = client.get(
        "/sparql?" + urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    return response.status_code, response.get_json()


def test_an_allow_listed_service_joins_partner_data_with_ours(
    client: FlaskClient, partner: OxigraphServer
) -> None:
    status, body = _ask(client, FEDERATED.format(endpoint=partner.query))
    assert status == 200, body
    rows = body["results"]["bindings"]  # type: ignore[index]
    assert [(row["city"]["value"], row["label"]["value"]) for row in rows] == [
        ("https://partner.example.org/id/city/exampleville", "Sustainable development")
    ]


def test_a_service_off_the_allow_list_is_refused(client: FlaskClient) -> None:
    status, body = _ask(client, FEDERATED.format(endpoint="http://127.0.0.1:9/sparql"))
    assert status == 400
    assert "SERVICE" in str(body["message"])


def test_a_silent_service_is_stopped_at_the_query_timeout(
    client: FlaskClient, slow_endpoint: str
) -> None:
    started = time.monotonic()
    status, _body = _ask(client, FEDERATED.format(endpoint=slow_endpoint))
    assert status == 503
    assert time.monotonic() - started < 4.5


def test_service_is_refused_by_default(bundled_build: tuple[Settings, Build]) -> None:
    settings, build = bundled_build
    assert settings.sparql_service_allowlist == ()
    app = new_app(settings, build=build)
    try:
        status, _body = _ask(app.test_client(), FEDERATED.format(endpoint="http://127.0.0.1:9/"))
    finally:
        app.extensions[SERVICE_KEY].close()
    assert status == 400


def test_the_readme_example_is_this_test(project_root: Path) -> None:
    readme = (project_root / "docs" / "linking.md").read_text(encoding="utf-8")
    assert (
        "SERVICE <http://127.0.0.1:7878/query> { ?city lc:addressesKeyFeature ?feature }" in readme
    )


def test_service_goes_through_the_parent_from_an_isolated_worker(
    client: FlaskClient, partner: OxigraphServer
) -> None:
    """The worker that answered the federated query has no network of its own."""
    status, _body = _ask(client, FEDERATED.format(endpoint=partner.query))
    assert status == 200
    service = client.application.extensions[SERVICE_KEY]
    pids = service.pool.worker_pids()
    assert pids
    for pid in pids:
        assert Path(f"/proc/{pid}/ns/net").readlink() != Path("/proc/self/ns/net").readlink()


@pytest.mark.parametrize("host", ["partner.test", "10.1.2.3"])
def test_an_endpoint_off_loopback_is_mapped_into_the_worker(
    bundled_build: tuple[Settings, Build],
    partner: OxigraphServer,
    monkeypatch: pytest.MonkeyPatch,
    host: str,
) -> None:
    """A host name resolves inside the worker (its own /etc/hosts) to a loopback address, an
    IP address is added to its loopback; the worker connects there, and its parent connects
    to the real host (here redirected to the local partner: tests stay on 127.0.0.1)."""
    port = urlsplit(partner.query).port
    endpoint = f"http://{host}:{port}/query"
    seen: list[str] = []

    def local(target: egress.Target, timeout: float) -> socket.socket:
        seen.append(target.host)
        return socket.create_connection(("127.0.0.1", target.port), timeout=timeout)

    monkeypatch.setattr(egress, "_connect", local)
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=10, egress=(endpoint,))
    try:
        job = QueryJob(
            FEDERATED.format(endpoint=endpoint),
            formats.TSV,
            limit=10,
            max_bytes=1 << 20,
            union=True,
            calls_service=True,
        )
        outcome = pool.execute(job)
    finally:
        pool.close()
    assert b"<https://partner.example.org/id/city/exampleville>" in outcome.body
    assert seen == [host]  # the parent was asked for that host, and connected for the worker
