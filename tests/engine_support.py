"""The profile and a publication of Turtle for engine tests; reports compared as in the bench."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from benchmarks.compare_reports import Key, Structures, comparable

from chava import namespaces
from chava.loading.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, Publication, load_publication

__all__ = ["Key", "Structures", "comparable", "load_profile_quads", "publication_of"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROFILE_GRAPHS = {
    namespaces.ONTOLOGY_GRAPH,
    IMPORTS_GRAPH,
    namespaces.SHAPES_GRAPH,
    REFERENCE_GRAPH,
}


def load_profile_quads() -> tuple[ox.Quad, ...]:
    """The project's ontology, imports, shapes and reference data, without its data."""
    return tuple(
        quad
        for quad in load_publication(PROJECT_ROOT).quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in PROFILE_GRAPHS
    )


def publication_of(profile: tuple[ox.Quad, ...], text: str, fmt: ox.RdfFormat) -> Publication:
    """The profile plus *text* as data (triples go to the asserted graph)."""
    graph = ox.NamedNode(namespaces.ASSERTED_GRAPH)
    data = tuple(
        quad
        if fmt == ox.RdfFormat.N_QUADS
        else ox.Quad(quad.subject, quad.predicate, quad.object, graph)
        for quad in ox.parse(text, format=fmt)
    )
    return Publication(profile + data, (), {})
