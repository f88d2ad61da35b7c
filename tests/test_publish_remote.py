"""`chava publish --to`: the bundled build pushed to a real Oxigraph server, graph by graph."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.errors import ConfigError, RemoteSourceError
from chava.network.publish_remote import protocol_for, push_build
from tests.hostile_server import hostile_server
from tests.oxigraph_server import OxigraphServer, oxigraph_server

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path / "store", union_default_graph=False) as running:
        yield running


def _counts(server: OxigraphServer) -> dict[str, int]:
    return {row["g"]: int(row["n"]) for row in server.select(COUNTS)}


def _expected(build: Build) -> dict[str, int]:
    return {graph: count for graph, count in build.manifest["graphs"].items() if graph}


@pytest.mark.parametrize(
    ("url", "requested", "chosen"),
    [
        ("http://127.0.0.1:7878/store", "auto", "gsp"),
        ("http://127.0.0.1:7878/update", "auto", "update"),
        ("http://127.0.0.1:8890/sparql-graph-crud-auth", "auto", "gsp"),
        ("http://127.0.0.1:3030/ds/update/", "auto", "update"),
        ("http://127.0.0.1:7878/sparql", "update", "update"),
    ],
)
def test_protocol_follows_the_url_unless_asked(url: str, requested: str, chosen: str) -> None:
    assert protocol_for(url, requested) == chosen


@pytest.mark.server
@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_every_graph_arrives_with_its_triples(
    bundled_build: tuple[Settings, Build], server: OxigraphServer, protocol: str
) -> None:
    settings, build = bundled_build
    target = server.store if protocol == "gsp" else server.update
    result = push_build(build, target, settings, protocol=protocol)
    assert result.protocol == protocol
    assert _counts(server) == _expected(build)
    assert dict(result.graphs) == _expected(build)


@pytest.mark.server
def test_publishing_again_replaces_each_graph(
    bundled_build: tuple[Settings, Build], server: OxigraphServer
) -> None:
    settings, build = bundled_build
    links = "https://w3id.org/chava/graph/links"
    stale = (
        f"<https://example.org/stale> <https://example.org/p> <https://example.org/o> <{links}> .\n"
    )
    server.load(stale.encode())
    push_build(build, server.store, settings, full=True)
    push_build(build, server.update, settings, full=True)
    assert _counts(server) == _expected(build)


@pytest.mark.server
def test_the_cli_publishes_the_current_build(
    bundled_build: tuple[Settings, Build], server: OxigraphServer
) -> None:
    settings, build = bundled_build
    environment = {"CHAVA_BUILD_DIR": str(settings.build_path)}
    outcome = CliRunner().invoke(
        cli, ["--root", str(settings.root), "publish", "--to", server.store], env=environment
    )
    assert outcome.exit_code == 0, outcome.output
    assert f"published {len(_expected(build))} graphs" in outcome.stdout
    assert _counts(server) == _expected(build)


def test_credentials_come_from_settings_and_are_never_logged(
    bundled_build: tuple[Settings, Build], caplog: pytest.LogCaptureFixture
) -> None:
    settings, build = bundled_build
    caplog.set_level(logging.DEBUG)
    good = Settings.from_mapping(
        {"publish_user": "user", "publish_password": "secret"}, origin="test"
    )
    wrong = Settings.from_mapping(
        {"publish_user": "user", "publish_password": "not-it"}, origin="test"
    )
    with hostile_server() as base:
        result = push_build(build, base + "/auth", good, protocol="gsp")
        assert len(result.graphs) == len(_expected(build))
        with pytest.raises(RemoteSourceError, match="HTTP 401") as failure:
            push_build(build, base + "/auth", wrong, protocol="update", full=True)
        with pytest.raises(ConfigError, match="credentials in the URL refused"):
            push_build(build, base.replace("//", "//user:secret@") + "/auth", settings)
    assert "not-it" not in str(failure.value)
    assert "secret" not in caplog.text
    assert "not-it" not in caplog.text
    assert "secret" not in repr(good)


def test_an_unreachable_engine_fails_in_one_line(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> None:
    settings, _build = bundled_build
    outcome = CliRunner().invoke(
        cli,
        ["--root", str(settings.root), "publish", "--to", "http://127.0.0.1:9/store"],
        env={"CHAVA_BUILD_DIR": str(settings.build_path), "CHAVA_REMOTE_CONNECT_TIMEOUT": "1"},
    )
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1
    assert "connection refused" in outcome.stderr
