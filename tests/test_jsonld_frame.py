"""Our framing engine gives the same triples as pyld framing the same frames (bundled graph)."""

from __future__ import annotations

import copy
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from chava.building.builds import Build
from chava.config import Settings
from chava.jsonld.context import load_context, local_document_loader
from chava.jsonld.frame import Framer, keep_language, load_frames, parse_frame
from chava.stores.store import PublishedStore
from tests.jsonld_support import CONTEXT_URL, canonical, expand_to_triples

FRAMES = sorted(load_frames())


@pytest.fixture(scope="module")
def store(bundled_build: tuple[Settings, Build]) -> ox.Store:
    return PublishedStore(bundled_build[1]).oxigraph


@pytest.fixture(scope="module")
def expanded_input(store: ox.Store) -> Any:
    """The bundled graph (named graphs merged) as expanded JSON-LD, pyld's framing input."""
    nquads = "".join(f"{triple} .\n" for triple in {quad.triple for quad in store})
    return jsonld.from_rdf(nquads, {"format": "application/n-quads"})


def pyld_frame(expanded_input: Any, name: str, iri: str | None = None) -> Any:
    frame = copy.deepcopy(dict(load_frames()[name].document))
    frame["@context"] = load_context().document["@context"]
    if iri is not None:
        frame["@id"] = iri
    return jsonld.frame(expanded_input, frame, {"documentLoader": local_document_loader()})


@pytest.mark.parametrize("name", FRAMES)
def test_framing_a_whole_frame_gives_the_same_triples_as_pyld(
    store: ox.Store, expanded_input: Any, name: str
) -> None:
    ours = Framer(store).frame_document(load_frames()[name], context_url=CONTEXT_URL)
    theirs = pyld_frame(expanded_input, name)
    assert canonical(expand_to_triples(ours)) == canonical(expand_to_triples(theirs))


@pytest.mark.parametrize("name", FRAMES)
def test_framing_each_resource_gives_the_same_triples_as_pyld(store: ox.Store, name: str) -> None:
    """Per resource, pyld frames the triples our engine read (the whole graph is the test above)."""
    frame = load_frames()[name]
    subjects = [
        s for s in Framer(store).subjects_of_types(frame.types) if isinstance(s, ox.NamedNode)
    ]
    for subject in subjects:
        framer = Framer(store)
        ours = {"@context": CONTEXT_URL, **framer.frame_node(subject, frame)}
        nquads = "".join(f"{triple} .\n" for triple in framer.read_triples())
        document = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
        theirs = pyld_frame(document, name, subject.value)
        assert canonical(expand_to_triples(ours)) == canonical(expand_to_triples(theirs)), subject


def test_the_bundled_graph_has_something_for_every_frame(store: ox.Store) -> None:
    framer = Framer(store)
    empty = [
        name for name, frame in load_frames().items() if not framer.subjects_of_types(frame.types)
    ]
    assert not empty


def test_embedding_stops_at_a_cycle_and_never_embeds_references() -> None:
    store = ox.Store()
    turtle = """
    @prefix org: <http://www.w3.org/ns/org#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix lc: <https://w3id.org/learning-city/def/core#> . @prefix ex: <http://example.org/> .
    ex:a a lc:GovernanceBody ; rdfs:label "A"@fr ; org:subOrganizationOf ex:b .
    ex:b a lc:GovernanceBody ; rdfs:label "B"@fr ; org:subOrganizationOf ex:a .
    """
    store.load(turtle, format=ox.RdfFormat.TURTLE)
    frame = parse_frame(
        "cycle",
        {
            "@type": "lc:GovernanceBody",
            "@explicit": True,
            "rdfs:label": {"@embed": "@never"},
            "subOrganizationOf": {
                "@embed": "@always",
                "@explicit": True,
                "@id": {},
                "subOrganizationOf": {"@embed": "@always"},
            },
        },
        load_context(),
        b"",
    )
    node = Framer(store).frame_node(ox.NamedNode("http://example.org/a"), frame)
    assert node["subOrganizationOf"] == {
        "id": "http://example.org/b",
        "type": ["lc:GovernanceBody"],
        "subOrganizationOf": "http://example.org/a",
    }


@pytest.mark.parametrize(
    "document",
    [
        {"@explicit": True},
        {"@type": "lc:Theme", "@embed": "@last"},
        {"@type": "lc:Theme", "@requireAll": True},
        {"@type": "lc:Theme", "@reverse": {}},
        {"@type": "lc:Theme", "broader": "x"},
        {"@type": "lc:Theme", "broader": {"@id": "http://example.org/x"}},
    ],
)
def test_unsupported_frames_are_refused(document: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="frame bad"):
        parse_frame("bad", document, load_context(), b"")


def test_keep_language_keeps_one_language_with_fallbacks() -> None:
    node = {
        "label": {"fr": "A", "en": "B"},
        "name": {"en": "C"},
        "nested": [{"label": {"@none": "D"}}],
    }
    kept = keep_language(node, "fr", ("fr", "en"), frozenset({"label", "name"}))
    assert kept == {
        "label": {"fr": "A"},
        "name": {"en": "C"},
        "nested": [{"label": {"@none": "D"}}],
    }
