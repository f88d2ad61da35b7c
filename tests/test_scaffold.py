"""`chava init`: a new city's publication that `chava validate` and `chava serve` accept as is."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from chava import namespaces
from chava.building.build import build_publication
from chava.cli import cli
from chava.config import Settings
from chava.loading.shared_profile import shared_profile_root
from chava.loading.sources import load_publication
from chava.network.scaffold import scaffold_publication, slug_of
from tests.conftest import PROJECT_ROOT
from tests.serve_support import chava_serve

CHAVA = Path(sys.executable).parent / "chava"
GRAPHS = ("ontology", "imports", "reference", "shapes", "metadata", "queries")
TITLE = ox.NamedNode(namespaces.DCTERMS + "title")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Liège", "liege"),
        ("Charleroi", "charleroi"),
        ("Saint-Étienne", "saint-etienne"),
        ("  Den Haag / 's-Gravenhage ", "den-haag-s-gravenhage"),
        ("Łódź", "odz"),
    ],
)
def test_slug_is_lower_case_ascii_and_hyphenated(name: str, slug: str) -> None:
    assert slug_of(name) == slug


def _init(project_root: Path, target: Path, city: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--root", str(project_root), "init", str(target), "--city", city]
    )
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_settings_data_ontology_and_shapes(project_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "liege"
    code, out, _err = _init(project_root, target, "Liège")
    assert code == 0
    assert "replace data_base_iri (https://example.org/liege/)" in out
    settings_text = (target / "chava.toml").read_text(encoding="utf-8")
    assert "Replace" in settings_text
    written = tomllib.loads(settings_text)
    assert written["data_base_iri"] == "https://example.org/liege/"
    assert written["dataset_name"] == "liege"
    assert written["languages"] == ["en"]
    settings = Settings.load(root=target, environ={})
    assert settings.data_base_iri == "https://example.org/liege/"
    for folder in ("ontology", "ontology/imports", "shapes"):
        ours = sorted(path.name for path in (project_root / folder).glob("*.ttl"))
        assert sorted(path.name for path in (target / folder).glob("*.ttl")) == ours
    assert (target / "shapes" / "profile.ttl").read_bytes() == (
        project_root / "shapes" / "profile.ttl"
    ).read_bytes()
    city = (target / "data" / "city.ttl").read_text(encoding="utf-8")
    assert "@prefix o:       <https://example.org/liege/id/organization/> ." in city
    publication = load_publication(target)
    assert publication.graph("https://w3id.org/chava/graph/asserted") == []
    assert len(publication.graph("https://w3id.org/chava/graph/shapes")) > 100


def test_the_scaffold_validates_as_it_is(project_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "city"
    assert _init(project_root, target, "Exampleville")[0] == 0
    result = CliRunner().invoke(cli, ["--root", str(target), "validate"], env={"CHAVA_ROOT": ""})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("conforms: 0 violations")


def test_init_refuses_a_folder_with_files(project_root: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _out, err = _init(project_root, tmp_path, "Liège")
    assert code == 2
    assert "exists and is not an empty folder" in err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_init_refuses_a_name_without_letters(project_root: Path, tmp_path: Path) -> None:
    code, _out, err = _init(project_root, tmp_path / "x", "---")
    assert code == 2
    assert "gives no ASCII slug" in err
    assert "--slug" in err


@pytest.mark.server
def test_the_scaffold_is_served_as_it_is(project_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "city"
    assert _init(project_root, target, "Exampleville")[0] == 0
    with chava_serve(target, "--workers", "1", startup_seconds=60) as base:
        shapes = requests.get(
            base + "/learning-city/def/shapes", headers={"Accept": "text/turtle"}, timeout=10
        )
        assert shapes.status_code == 200
        assert b"sh:NodeShape" in shapes.content
        void = requests.get(
            base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=10
        )
        assert void.status_code in (200, 303)
        assert requests.get(base + "/", timeout=10).status_code == 200


def _run_chava(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed `chava` in *cwd*, with no CHAVA_* variable from the calling environment."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    return subprocess.run(
        [str(CHAVA), *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_works_from_any_folder_with_languages_and_base_iri(tmp_path: Path) -> None:
    """Regression (issue 11): `chava init` outside a checkout said "no ontology/ folder"."""
    result = _run_chava(
        "init",
        "jarvi",
        "--city",
        "Järvilinna",
        "--languages",
        "fi,en",
        "--base-iri",
        "https://jarvilinna.example.org/",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "replace data_base_iri" not in result.stdout
    target = tmp_path / "jarvi"
    written = tomllib.loads((target / "chava.toml").read_text(encoding="utf-8"))
    assert written["languages"] == ["fi", "en"]
    assert written["data_base_iri"] == "https://jarvilinna.example.org/"
    assert written["dataset_name"] == "jarvilinna"
    for folder in ("ontology", "shapes"):
        ours = sorted(p.relative_to(PROJECT_ROOT) for p in (PROJECT_ROOT / folder).rglob("*.*"))
        assert sorted(p.relative_to(target) for p in (target / folder).rglob("*.*")) == ours
    city = (target / "data" / "city.ttl").read_text(encoding="utf-8")
    assert 'rdfs:label "Järvilinna"@fi , "Järvilinna"@en' in city
    assert "a label in fi (required" in city


def test_the_scaffold_builds_under_its_own_base_and_names_itself(tmp_path: Path) -> None:
    """Graphs and the dataset IRI are the city's, and its data says its title."""
    target = tmp_path / "jarvi"
    base = "https://jarvilinna.example.org/"
    scaffold_publication(
        target, "Järvilinna", profile_root=PROJECT_ROOT, languages=("fi", "en"), base_iri=base
    )
    settings = Settings.load(root=target, environ={})
    build = build_publication(settings)
    graphs = build.manifest["graphs"]
    assert set(graphs) == {base + f"graph/{name}" for name in GRAPHS}
    store = ox.Store.read_only(str(build.path / "store"))
    dataset = ox.NamedNode(base + "id/dataset/jarvilinna")
    titles = {
        (quad.object.value, quad.object.language)
        for quad in store.quads_for_pattern(dataset, TITLE, None, None)
        if isinstance(quad.object, ox.Literal)
    }
    assert titles == {("Järvilinna", "fi"), ("Järvilinna", "en")}
    metadata = ox.NamedNode(base + "graph/metadata")
    assert any(True for _ in store.quads_for_pattern(dataset, None, None, metadata))


def test_a_name_without_latin_letters_takes_a_slug(tmp_path: Path) -> None:
    arabic = "مدينة المثال"
    result = _run_chava("init", "city", "--city", arabic, "--languages", "ar", cwd=tmp_path)
    assert result.returncode == 2
    assert "--slug" in result.stderr
    result = _run_chava(
        "init", "city", "--city", arabic, "--languages", "ar,en", "--slug", "madina", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    dataset = (tmp_path / "city" / "data" / "dataset.trig").read_text(encoding="utf-8")
    assert f'"{arabic}"@ar' in dataset
    assert "https://example.org/madina/id/dataset/madina" in dataset


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--languages", "fi,fr_FR!", "is not a BCP 47 language tag"),
        ("--languages", "fi,FI", "listed twice"),
        ("--base-iri", "ftp://city.example.org/", "must be http(s) and end with '/'"),
        ("--base-iri", "https://city.example.org", "must be http(s) and end with '/'"),
    ],
)
def test_init_refuses_bad_languages_and_base_iris(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), "--city", "X", option, value])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


def test_the_shared_profile_is_the_checkout_s_own() -> None:
    assert shared_profile_root() == PROJECT_ROOT


def test_example_queries_have_texts_in_every_language(tmp_path: Path) -> None:
    """The profile asks a query for a title and a description in the first language."""
    target = tmp_path / "city"
    scaffold_publication(target, "Kivikylä", profile_root=PROJECT_ROOT, languages=("sw", "fi"))
    queries = list(ox.parse(path=target / "data" / "queries.trig"))
    label = ox.NamedNode(namespaces.RDFS + "label")
    texts = {
        (quad.object.language, quad.object.value)
        for quad in queries
        if quad.predicate == label and isinstance(quad.object, ox.Literal)
    }
    assert ("fi", "Kivikylä: resurssit luokittain") in texts
    assert ("sw", "Kivikylä: resources per class [sw]") in texts  # a placeholder to translate
    result = CliRunner().invoke(cli, ["--root", str(target), "validate"], env={"CHAVA_ROOT": ""})
    assert result.exit_code == 0, result.output
