"""`chava validate --profile`: any dataset (files or a SPARQL endpoint) against the profile."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.generate import write_dataset
from chava.loading.sources import load_files
from chava.validation.profile import check_dataset, load_profile
from tests.app_support import new_app
from tests.hostile_server import hostile_server
from tests.oxigraph_server import OxigraphServer, oxigraph_server
from tests.sparql_support import live_server

PARTNER = "https://partner.example.org/"
FAST_TIMEOUTS = {"CHAVA_REMOTE_CONNECT_TIMEOUT": "1", "CHAVA_REMOTE_READ_TIMEOUT": "0.5"}
BROKEN = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://partner.example.org/id/group/culture> a lc:WorkingGroup, org:OrganizationalUnit ;
    rdfs:label "Kulturgruppe" .
<https://partner.example.org/id/group/sport> a lc:WorkingGroup, org:OrganizationalUnit ;
    rdfs:label "Sportgruppe" .
"""


@pytest.fixture(scope="module")
def partner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-city partner dataset from the benchmark generator (conforms to the profile)."""
    path = tmp_path_factory.mktemp("partner") / "partner.nq"
    write_dataset(path, cities=2, base_iri=PARTNER)
    return path


@pytest.fixture(scope="module")
def partner_endpoint(
    partner_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        server.load(partner_file.read_bytes())
        yield server


def _run(project_root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--root", str(project_root), "validate", *args], env=FAST_TIMEOUTS
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_conforming_partner_file_passes_with_a_steward_report(
    project_root: Path, partner_file: Path
) -> None:
    code, out, _err = _run(project_root, "--profile", str(partner_file))
    assert code == 0, out
    assert out.startswith("Profile: https://w3id.org/learning-city/def/shapes (")
    assert "ontology https://w3id.org/learning-city/def/core/0.1.0" in out
    assert "Verdict: conforms: 0 violations" in out
    assert "  lc:WorkingGroup " in out
    assert "Rules to fix, most frequent first:\n  none" in out


def test_violations_are_grouped_by_rule_with_examples(project_root: Path, tmp_path: Path) -> None:
    (tmp_path / "groups.ttl").write_text(BROKEN, encoding="utf-8")
    code, out, _err = _run(project_root, "--profile", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith("Verdict: does not conform: ") for line in lines)
    untagged = [line for line in lines if "2 x" in line and "rdfs:label" in line]
    assert untagged, out
    assert "Label without a language tag" in untagged[0]
    example = lines[lines.index(untagged[0]) + 1]
    assert "e.g. <https://partner.example.org/id/group/culture>" in example
    assert "Every result:" in out


def test_the_profile_never_includes_our_own_data(project_root: Path) -> None:
    profile = load_profile(project_root)
    graphs = {quad.graph_name.value for quad in profile.publication.quads}  # type: ignore[union-attr]
    assert "https://w3id.org/chava/graph/asserted" not in graphs
    assert profile.node_shapes >= 30


def test_an_endpoint_is_read_by_class_and_checked(
    project_root: Path, partner_endpoint: OxigraphServer, partner_file: Path
) -> None:
    code, out, err = _run(project_root, "--profile", "--endpoint", partner_endpoint.query)
    assert code == 0, out + err
    assert f"Data:    {partner_endpoint.query} (" in out
    # Every statement of the generated graph is about a typed resource or its blank nodes.
    expected = len({quad.triple for quad in load_files([partner_file]).quads})
    assert f"({expected} statements" in out


def test_endpoint_pages_give_the_same_data_as_one_page(
    project_root: Path, partner_endpoint: OxigraphServer
) -> None:
    from chava.network.remote import Limits
    from chava.network.remote_dataset import read_endpoint

    limits = Limits(2.0, 10.0, 50_000_000)
    small = read_endpoint(partner_endpoint.query, limits, page_size=7)
    large = read_endpoint(partner_endpoint.query, limits, page_size=100_000)
    assert small.requests > large.requests
    assert {q.triple for q in small.quads if not _has_blank(q)} == {
        q.triple for q in large.quads if not _has_blank(q)
    }
    assert len({q.triple for q in small.quads}) == len({q.triple for q in large.quads})


def _has_blank(quad: object) -> bool:
    return "BlankNode" in repr(quad)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/html", "not a SPARQL endpoint (the class list is not SPARQL JSON results: text/html)"),
        ("/invalid", "not a SPARQL endpoint"),
        ("/slow", "no answer within"),
        ("/redirect", "redirect to another host refused"),
    ],
)
def test_a_bad_endpoint_fails_in_one_line(project_root: Path, path: str, message: str) -> None:
    with hostile_server() as base:
        code, _out, err = _run(project_root, "--profile", "--endpoint", base + path)
    assert code == 2
    assert err.count("\n") == 1, err
    assert message in err


def test_profile_needs_paths_or_an_endpoint(project_root: Path, partner_file: Path) -> None:
    assert _run(project_root, "--profile")[0] == 2
    code, _out, err = _run(project_root, "--profile", str(partner_file), "--endpoint", "http://x/")
    assert code == 2
    assert "not both" in err
    code, _out, err = _run(project_root, "--profile", "--endpoint", "file:///etc/passwd")
    assert code == 2
    assert "not an explicit http(s) URL" in err


def test_the_served_shapes_are_downloadable_turtle_that_validates(
    bundled_build: tuple[Settings, Build], partner_file: Path, tmp_path: Path, project_root: Path
) -> None:
    settings, build = bundled_build
    client = new_app(settings, build=build).test_client()
    for name in ("shapes", "core"):
        response = client.get(f"/learning-city/def/{name}", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        (tmp_path / f"{name}.ttl").write_bytes(response.data)
    imports = project_root / "ontology" / "imports"
    downloaded = check_dataset(
        load_files([partner_file]),
        load_profile(project_root),
        source="files",
    )
    # The shared reference data (the GNLC the memberships point to) is data, read with it.
    code, out, _err = _run(
        project_root,
        str(partner_file),
        str(project_root / "ontology" / "reference"),
        "--shapes",
        str(tmp_path / "shapes.ttl"),
        "--shapes",
        str(tmp_path / "core.ttl"),
        "--shapes",
        str(imports),
    )
    assert downloaded.conforms
    assert code == 0, out


def test_profile_reports_for_machines_are_the_shacl_report(
    project_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "groups.ttl").write_text(BROKEN, encoding="utf-8")
    code, out, _err = _run(project_root, "--profile", str(tmp_path), "--format", "turtle")
    assert code == 1
    assert "sh:ValidationReport" in out
    assert "sh:conforms false" in out


@pytest.mark.server
def test_a_chava_endpoint_that_cuts_pages_is_read_in_smaller_pages(
    bundled_build: tuple[Settings, Build],
) -> None:
    from chava.network.remote import Limits
    from chava.network.remote_dataset import read_endpoint

    settings, build = bundled_build
    limits = Limits(2.0, 30.0, 50_000_000)
    read = {}
    for cap in (100_000, 1000):
        app = new_app(dataclasses.replace(settings, sparql_max_results=cap), build=build)
        with live_server(app) as server:
            read[cap] = read_endpoint(server.url + "/sparql", limits, page_size=500)
    assert read[1000].requests > read[100_000].requests
    assert len({q.triple for q in read[1000].quads}) == len({q.triple for q in read[100_000].quads})
