"""Tests of serialisation: JSON-LD expands to exactly the Turtle's triples; prefixes."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from chava import formats
from chava.building.build import build_publication
from chava.building.builds import Build
from chava.config import Settings
from chava.describe import describe_resource
from chava.jsonld.context import local_document_loader
from chava.render import serialize_quads, used_prefixes
from chava.stores.store import PublishedStore
from tests.publish_fixtures import HUB, TOOL, publication_settings, write_publication

BASE_URL = "http://127.0.0.1:8080/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> PublishedStore:
    root = write_publication(tmp_path_factory.mktemp("publication"))
    return PublishedStore(build_publication(publication_settings(root), validate=False))


def _canonical(triples: list[ox.Triple]) -> bytes:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return b"\n".join(
        sorted((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").split(b"\n"))
    )


def _expand(document: dict[str, Any]) -> list[ox.Triple]:
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": local_document_loader()}
    )
    return list(ox.parse(nquads.encode(), format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("iri", [TOOL, HUB, "https://w3id.org/chava/id/dataset/chava"])
def test_json_ld_expands_to_exactly_the_turtle_triples(store: PublishedStore, iri: str) -> None:
    quads = describe_resource(store, iri).quads()
    turtle = list(ox.parse(serialize_quads(quads, formats.TURTLE), format=ox.RdfFormat.TURTLE))
    document = json.loads(serialize_quads(quads, formats.JSON_LD, root=iri, base_url=BASE_URL))
    assert document["@context"] == BASE_URL + "context.jsonld"
    assert _canonical(_expand(document)) == _canonical(turtle)


@pytest.mark.parametrize("fmt", formats.RDF_FORMATS)
def test_every_rdf_format_round_trips(store: PublishedStore, fmt: formats.Format) -> None:
    quads = describe_resource(store, TOOL).quads()
    assert fmt.rdf_format is not None
    if fmt == formats.JSON_LD:
        return  # compact JSON-LD names a context URL: covered by the expansion test above
    parsed = list(ox.parse(serialize_quads(quads, fmt), format=fmt.rdf_format))
    if fmt.supports_datasets:
        assert len(parsed) == len(set(quads))
    else:
        assert len(parsed) == len({quad.triple for quad in quads})


def test_turtle_declares_only_prefixes_it_can_use_without_escapes(store: PublishedStore) -> None:
    quads = describe_resource(store, TOOL).quads()
    prefixes = used_prefixes(quads, with_graphs=False)
    assert "lc" in prefixes
    assert "chava" not in prefixes  # /id/tool/x would need `chava:tool\/x`
    assert "graph" not in prefixes
    turtle = serialize_quads(quads, formats.TURTLE).decode()
    assert "\\/" not in turtle


def test_html_is_not_an_rdf_syntax() -> None:
    with pytest.raises(ValueError, match="not an RDF syntax"):
        serialize_quads([], formats.HTML)


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/chava/id/initiative/chava",
        "https://w3id.org/chava/id/organization/ville-de-charleroi",
    ],
)
def test_bundled_resources_expand_to_the_turtle_triples(
    bundled_build: tuple[Settings, Build], iri: str
) -> None:
    _settings, build = bundled_build
    quads = describe_resource(PublishedStore(build), iri).quads()
    turtle = list(ox.parse(serialize_quads(quads, formats.TURTLE), format=ox.RdfFormat.TURTLE))
    document = json.loads(serialize_quads(quads, formats.JSON_LD, root=iri, base_url=BASE_URL))
    assert _canonical(_expand(document)) == _canonical(turtle)
