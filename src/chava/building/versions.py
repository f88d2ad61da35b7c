"""The builds of the dataset, as its self-description lists them (read by the home page).

Each build is a `dcat:hasVersion` of the dataset (written by chava.building.dataset_description from
the build log), with its id, creation time, size and the build current before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.stores.store import PublishedStore

HAS_VERSION: Final = ox.NamedNode(namespaces.DCAT + "hasVersion")
HAS_CURRENT_VERSION: Final = ox.NamedNode(namespaces.DCAT + "hasCurrentVersion")
PREVIOUS_VERSION: Final = ox.NamedNode(namespaces.DCAT + "previousVersion")
VERSION: Final = ox.NamedNode(namespaces.DCAT + "version")
CREATED: Final = ox.NamedNode(namespaces.DCTERMS + "created")
TRIPLES: Final = ox.NamedNode(namespaces.VOID + "triples")


@dataclass(frozen=True)
class Version:
    """One build of the dataset."""

    iri: str
    build_id: str
    created: str
    """ISO 8601 date and time."""
    triples: int | None
    previous: str | None
    """The IRI of the build current before it."""
    current: bool


def dataset_versions(store: PublishedStore, dataset_iri: str) -> tuple[Version, ...]:
    """The builds the description of *dataset_iri* lists, newest first."""
    dataset = ox.NamedNode(dataset_iri)
    current = {quad.object for quad in store.quads(dataset, HAS_CURRENT_VERSION, None, None)}
    versions = []
    for quad in store.quads(dataset, HAS_VERSION, None, None):
        version = quad.object
        if not isinstance(version, ox.NamedNode):
            continue
        triples = _value(store, version, TRIPLES)
        versions.append(
            Version(
                iri=version.value,
                build_id=_value(store, version, VERSION) or "",
                created=_value(store, version, CREATED) or "",
                triples=int(triples) if triples and triples.isdigit() else None,
                previous=_value(store, version, PREVIOUS_VERSION),
                current=version in current,
            )
        )
    # Newest first: the chain of predecessors from the current build (builds made within the
    # same second tie on their dates), then any other, by date.
    by_iri = {version.iri: version for version in versions}
    ordered: list[Version] = []
    step = next((version for version in versions if version.current), None)
    while step is not None and step not in ordered:
        ordered.append(step)
        step = by_iri.get(step.previous or "")
    rest = [version for version in versions if version not in ordered]
    rest.sort(key=lambda version: version.created, reverse=True)
    return (*ordered, *rest)


def _value(store: PublishedStore, subject: ox.NamedNode, predicate: ox.NamedNode) -> str | None:
    for quad in store.quads(subject, predicate, None, None):
        value = quad.object
        if isinstance(value, ox.NamedNode | ox.Literal):
            return value.value
    return None
