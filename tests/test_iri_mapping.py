"""Tests of the local path <-> canonical IRI mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from chava.config import Settings
from chava.errors import BadRequestError, ConfigError
from chava.iri_mapping import canonical_iri, local_path, path_mappings


def settings_with(**overrides: object) -> Settings:
    return Settings.load(root=Path(), environ={}, overrides=overrides)


@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("/id/tool/aide-memoire", "https://w3id.org/chava/id/tool/aide-memoire"),
        ("/graph/asserted", "https://w3id.org/chava/graph/asserted"),
        ("/learning-city/def/core", "https://w3id.org/learning-city/def/core"),
        ("/learning-city/def/core/0.1.0", "https://w3id.org/learning-city/def/core/0.1.0"),
        ("/id/lieu/café", "https://w3id.org/chava/id/lieu/café"),
        ("/id/x%20y", "https://w3id.org/chava/id/x%20y"),
        ("/sparql", None),
        ("/", None),
        ("/idx", None),
    ],
)
def test_canonical_iri_of_default_paths(path: str, iri: str | None) -> None:
    assert canonical_iri(settings_with(), path) == iri


@pytest.mark.parametrize(
    "path", ["/id/a b", "/id/a\x00b", "/id/../x", "/id/a/./b", "/id/<x>", '/id/a"b', "/id/a\\b"]
)
def test_paths_that_name_no_iri_are_bad_requests(path: str) -> None:
    with pytest.raises(BadRequestError):
        canonical_iri(settings_with(), path)


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        ("https://w3id.org/chava/id/tool/aide-memoire", "/id/tool/aide-memoire"),
        ("https://w3id.org/learning-city/def/core#Theme", "/learning-city/def/core#Theme"),
        ("https://w3id.org/chava/graph/links", "/graph/links"),
        ("http://schema.org/Person", None),
        ("https://w3id.org/chava/other", None),
    ],
)
def test_local_path_of_iris(iri: str, path: str | None) -> None:
    assert local_path(settings_with(), iri) == path


def test_bases_move_with_the_settings() -> None:
    settings = settings_with(data_base_iri="https://data.example.org/")
    assert canonical_iri(settings, "/id/x") == "https://data.example.org/id/x"
    assert local_path(settings, "https://data.example.org/graph/g") == "/graph/g"


def test_longest_prefix_wins_both_ways() -> None:
    settings = settings_with(
        iri_paths=("/id/=https://a.example/id/", "/id/special/=https://b.example/s/")
    )
    assert canonical_iri(settings, "/id/special/x") == "https://b.example/s/x"
    assert canonical_iri(settings, "/id/other") == "https://a.example/id/other"
    assert local_path(settings, "https://b.example/s/x") == "/id/special/x"


def test_mapping_setting_from_the_environment() -> None:
    settings = Settings.load(
        root=Path(), environ={"CHAVA_IRI_PATHS": "/r/=https://r.example/,/v/={vocabulary}"}
    )
    assert [(m.path_prefix, m.iri_prefix) for m in path_mappings(settings)] == [
        ("/r/", "https://r.example/"),
        ("/v/", "https://w3id.org/learning-city/"),
    ]


@pytest.mark.parametrize("entry", ["id=https://x/", "/id/https://x/", "/id/=ftp://x/", "/id=x"])
def test_malformed_mapping_is_a_config_error(entry: str) -> None:
    with pytest.raises(ConfigError, match="iri_paths"):
        path_mappings(settings_with(iri_paths=(entry,)))
