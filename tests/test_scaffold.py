"""`chava init`: a new city's publication that `chava validate` and `chava serve` accept as is."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from chava.cli import cli
from chava.config import Settings
from chava.scaffold import slug_of
from chava.sources import load_publication
from tests.serve_support import chava_serve

CHAVA = Path(sys.executable).parent / "chava"


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
    assert "REPLACE data_base_iri" in settings_text
    assert tomllib.loads(settings_text)["data_base_iri"] == "https://example.org/liege/"
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
    assert "gives no usable slug" in err


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
