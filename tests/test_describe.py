"""Tests of describe_resource over the tiny publication."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.building.build import build_publication
from chava.describe import describe_resource
from chava.errors import GoneError, ResourceNotFoundError
from chava.stores.store import PublishedStore
from tests.publish_fixtures import HUB, TOOL, publication_settings, write_publication

USED_BY = "https://w3id.org/learning-city/def/core#usedBy"
TOOL_CLASS = "https://w3id.org/learning-city/def/core#Tool"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> PublishedStore:
    root = write_publication(tmp_path_factory.mktemp("publication"))
    return PublishedStore(build_publication(publication_settings(root), validate=False))


def test_statements_include_the_blank_node_closure(store: PublishedStore) -> None:
    description = describe_resource(store, TOOL)
    subjects = {quad.subject for quad in description.statements}
    assert ox.NamedNode(TOOL) in subjects
    assert sum(isinstance(subject, ox.BlankNode) for subject in subjects) == 2  # nested
    values = {q.object.value for q in description.statements if isinstance(q.object, ox.Literal)}
    assert {"un sujet", "3", "Aide-mémoire", "Reminder"} <= values


def test_statements_carry_their_named_graph(store: PublishedStore) -> None:
    description = describe_resource(store, HUB)
    graphs = {quad.graph_name.value for quad in description.statements}  # type: ignore[union-attr]
    assert graphs == {namespaces.GRAPH + "asserted", namespaces.GRAPH + "links"}


def test_labels_cover_the_resource_links_predicates_and_types(store: PublishedStore) -> None:
    description = describe_resource(store, TOOL)
    assert description.labels[TOOL] == {"fr": "Aide-mémoire", "en": "Reminder"}
    assert description.labels[HUB]["en"] == "The hub"
    assert description.labels[USED_BY]["fr"] == "utilisé par"
    assert description.labels[TOOL_CLASS]["en"] == "Tool"
    assert description.types[TOOL] == (TOOL_CLASS,)


def test_context_holds_labels_and_types_of_linked_resources(store: PublishedStore) -> None:
    description = describe_resource(store, TOOL)
    context = {(str(quad.subject), quad.predicate.value) for quad in description.context}
    assert (f"<{HUB}>", namespaces.RDFS + "label") in context
    triples = description.triples()
    assert len(triples) == len(set(triples))
    assert all(quad.subject != ox.NamedNode(HUB) for quad in description.statements)
    assert set(description.context) <= set(description.quads())


def test_incoming_links_are_paginated(store: PublishedStore) -> None:
    first = describe_resource(store, HUB, incoming_limit=2)
    assert first.incoming_total == 4
    assert len(first.incoming) == 2
    assert first.incoming_next_page == 2
    second = describe_resource(store, HUB, incoming_page=2, incoming_limit=2)
    assert second.incoming_next_page is None
    assert not set(first.incoming) & set(second.incoming)
    linked = {quad.subject for quad in (*first.incoming, *second.incoming)}
    assert ox.NamedNode(TOOL) in linked
    assert "https://w3id.org/chava/id/tool/c" in first.labels or second.labels


def test_unknown_iri_is_not_found(store: PublishedStore) -> None:
    with pytest.raises(ResourceNotFoundError):
        describe_resource(store, "https://w3id.org/chava/id/tool/nothing")


def test_deprecated_without_successor_is_gone(store: PublishedStore) -> None:
    with pytest.raises(GoneError):
        describe_resource(store, "https://w3id.org/chava/id/tool/ancien")


def test_deprecated_with_successor_names_it(store: PublishedStore) -> None:
    description = describe_resource(store, "https://w3id.org/chava/id/tool/renomme")
    assert description.successor() == TOOL


def test_an_iri_only_linked_to_is_described_by_its_incoming_links(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    store = PublishedStore(build_publication(publication_settings(root), validate=False))
    description = describe_resource(store, "http://www.wikidata.org/entity/Q2")
    assert description.statements == ()
    assert description.incoming_total == 1


def test_the_memo_of_linked_facts_drops_the_least_recently_used() -> None:
    """Issue 16 (memory): the facts memo is bounded and keeps what is asked for again (hubs: a
    city, a theme), where it used to be cleared whole once full."""
    from chava.describe import _Memo, _NodeFacts

    memo = _Memo(2)
    hub, first, second = (ox.NamedNode(f"https://example.org/{name}") for name in "hfs")
    facts = _NodeFacts({"": "x"}, (), ())
    memo.put(hub, facts)
    memo.put(first, facts)
    assert memo.get(hub) is facts  # asked again: the most recently used
    memo.put(second, facts)
    assert memo.get(first) is None
    assert memo.get(hub) is facts
    assert memo.get(second) is facts
    assert len(memo.entries) == 2
