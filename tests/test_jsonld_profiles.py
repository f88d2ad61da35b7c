"""Profiles: every framed resource validates against its schema and states only true triples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pyoxigraph as ox
import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import BadRequestError, NotAcceptableError, ResourceNotFoundError
from chava.jsonld.context import load_context
from chava.jsonld.frame import Framer, load_frames
from chava.jsonld.profiles import (
    framed_resource,
    profile_from_accept,
    render_profile,
    resolve_profile,
)
from chava.jsonld.schemas import frame_schema, load_schemas
from chava.stores.store import PublishedStore
from tests.jsonld_support import CONTEXT_URL, assert_all_true, expand_to_triples, union_triples

TOOL = "http://127.0.0.1:8080/frames/tool.json"


@pytest.fixture(scope="module")
def store(bundled_build: tuple[Settings, Build]) -> PublishedStore:
    return PublishedStore(bundled_build[1])


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, None),
        ("", None),
        ("application/ld+json", None),
        (f'application/ld+json; profile="{TOOL}"', TOOL),
        (f'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted {TOOL}"', TOOL),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', None),
        (f'text/html, application/ld+json;q=0.5;profile="{TOOL}"', TOOL),
        (f'application/ld+json;q=0;profile="{TOOL}"', None),
        (f'application/ld+json;q=nonsense;profile="{TOOL}"', None),
        (
            'application/ld+json;q=0.2;profile="a/frames/x.json", '
            f'application/ld+json;profile="{TOOL}"',
            TOOL,
        ),
        (f'text/turtle;profile="{TOOL}"', None),
    ],
)
def test_profile_from_accept(accept: str | None, expected: str | None) -> None:
    assert profile_from_accept(accept) == expected


@pytest.mark.parametrize("value", ["tool", TOOL, "/frames/tool.json"])
def test_a_profile_is_named_by_name_or_frame_url(value: str) -> None:
    assert resolve_profile(value, from_query=True).name == "tool"


@pytest.mark.parametrize("value", ["nope", "http://example.org/tool.json", "", "../tool"])
def test_an_unknown_profile_is_refused_with_the_list(value: str) -> None:
    with pytest.raises(BadRequestError, match="profiles: actor"):
        resolve_profile(value, from_query=True)
    with pytest.raises(NotAcceptableError, match=r"/frames/tool\.json"):
        resolve_profile(value, from_query=False)


def test_a_profile_that_does_not_apply_is_refused(store: PublishedStore) -> None:
    initiative = _first(store, "initiative")
    with pytest.raises(BadRequestError, match="does not apply"):
        render_profile(store, initiative, profile="theme", context_url=CONTEXT_URL, from_query=True)
    with pytest.raises(ResourceNotFoundError):
        render_profile(store, "https://w3id.org/chava/id/nothing", profile="theme", context_url="x")


def test_shipped_schemas_are_the_derived_ones() -> None:
    for name, frame in load_frames().items():
        assert json.loads(load_schemas()[name]) == frame_schema(frame), name


@pytest.mark.parametrize("name", sorted(load_frames()))
@pytest.mark.parametrize("lang", [None, "en"])
def test_every_framed_resource_validates_and_is_true(
    store: PublishedStore, name: str, lang: str | None
) -> None:
    schema = json.loads(load_schemas()[name])
    validator = jsonschema.Draft202012Validator(schema)
    graph = union_triples(store.oxigraph)
    frame = load_frames()[name]
    subjects = Framer(store.oxigraph).subjects_of_types(frame.types)
    for subject in subjects:
        if not isinstance(subject, ox.NamedNode):
            continue
        document = framed_resource(
            store,
            subject.value,
            profile=name,
            lang=lang,
            context_url=CONTEXT_URL,
            languages=("fr", "en"),
            from_query=False,
        )
        validator.validate(document)
        triples = expand_to_triples(document)
        assert triples
        assert_all_true(triples, graph)
        if lang is not None:
            assert all(len(texts) == 1 for texts in _language_maps(document)), subject


def test_render_profile_returns_utf8_json(store: PublishedStore) -> None:
    body = render_profile(store, _first(store, "body"), profile="body", context_url=CONTEXT_URL)
    document = json.loads(body.decode("utf-8"))
    assert document["@context"] == CONTEXT_URL
    assert "lc:GovernanceBody" in document["type"]


def _first(store: PublishedStore, name: str) -> str:
    subjects = Framer(store.oxigraph).subjects_of_types(load_frames()[name].types)
    return subjects[0].value


def _language_maps(value: Any) -> Iterator[dict[str, Any]]:
    """Every language map of a framed document (values keyed by language tags)."""
    maps = load_context().terms
    if isinstance(value, list):
        for item in value:
            yield from _language_maps(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            term = maps.get(key)
            if term is not None and term.container == "@language":
                yield item
            else:
                yield from _language_maps(item)


def test_schema_files_exist_for_every_frame() -> None:
    folder = Path(__file__).parent.parent / "src" / "chava" / "jsonld" / "schemas"
    assert sorted(path.stem for path in folder.glob("*.json")) == sorted(load_frames())
