"""Which named graphs of a partner's dataset are its data, and which only describe or copy.

A chava peer publishes, besides its data, a metadata graph (its VoID/DCAT self-description
and build description) and, if it harvests, graphs of other partners' data with their PROV
description. Neither is the partner's data: harvesting them would republish the partner's
statistics as facts, or launder a third city's data through it. They are recognised by what
they say, not by their names, so any publisher following the same conventions is read alike:

- a **dataset description**: a graph stating `?dataset void:subset ?graph` with `?graph a
  sd:NamedGraph` (what chava's `dataset_description` writes);
- a **harvest**: a graph that a `prov:Activity` which `prov:used` a source `prov:generated`
  (`?graph prov:wasGeneratedBy ?activity . ?activity prov:used ?source`), and its report
  graph (`{graph}/report`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces

DESCRIPTION: Final = "dataset description"
HARVEST: Final = "harvested from others"

_SUBSET: Final = ox.NamedNode(namespaces.VOID + "subset")
_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
_NAMED_GRAPH: Final = ox.NamedNode(namespaces.SD + "NamedGraph")
_GENERATED_BY: Final = ox.NamedNode(namespaces.PROV + "wasGeneratedBy")
_USED: Final = ox.NamedNode(namespaces.PROV + "used")

SKIPPED_GRAPHS_QUERY: Final = f"""SELECT DISTINCT ?g ?kind WHERE {{
  {{ GRAPH ?g {{ ?dataset <{_SUBSET.value}> ?n . ?n a <{_NAMED_GRAPH.value}> }}
     BIND("d" AS ?kind) }}
  UNION
  {{ GRAPH ?h {{ ?g <{_GENERATED_BY.value}> ?activity . ?activity <{_USED.value}> ?source }}
     FILTER(isIRI(?g)) BIND("h" AS ?kind) }}
}}"""
"""The graphs of a SPARQL endpoint that are not the partner's data (see the module doc)."""
GRAPHS_QUERY: Final = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
"""Every named graph of an endpoint."""


@dataclass(frozen=True)
class SkippedGraph:
    """A graph of the partner that is not its data, and how many statements it held."""

    iri: str
    kind: str
    """DESCRIPTION or HARVEST."""
    statements: int = 0


def classify(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Graph IRI -> kind, from (graph, "d" or "h") rows; a harvest's report graph included."""
    kinds: dict[str, str] = {}
    for iri, code in rows:
        kind = DESCRIPTION if code == "d" else HARVEST
        kinds.setdefault(iri, kind)
        if kind == HARVEST:
            kinds.setdefault(iri + "/report", HARVEST)
    return kinds


def skipped_in(quads: Sequence[ox.Quad]) -> dict[str, str]:
    """The graphs of a dump that are not the partner's data: graph IRI -> kind."""
    named_graphs: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode | ox.BlankNode]] = {}
    subsets: dict[ox.NamedNode | ox.BlankNode, set[object]] = {}
    generated: list[tuple[object, object, ox.NamedNode | ox.BlankNode]] = []
    used: set[tuple[object, object]] = set()
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.DefaultGraph):
            continue
        if quad.predicate == _SUBSET:
            subsets.setdefault(graph, set()).add(quad.object)
        elif quad.predicate == _TYPE and quad.object == _NAMED_GRAPH:
            named_graphs.setdefault(graph, set()).add(quad.subject)  # type: ignore[arg-type]
        elif quad.predicate == _GENERATED_BY:
            generated.append((quad.subject, quad.object, graph))
        elif quad.predicate == _USED:
            used.add((quad.subject, graph))
    rows: list[tuple[str, str]] = [
        (graph.value, "d")
        for graph, objects in subsets.items()
        if isinstance(graph, ox.NamedNode) and objects & named_graphs.get(graph, set())
    ]
    rows += [
        (subject.value, "h")
        for subject, activity, graph in generated
        if isinstance(subject, ox.NamedNode) and (activity, graph) in used
    ]
    return classify(rows)


def keep_data(
    quads: Sequence[ox.Quad], skipped: dict[str, str]
) -> tuple[list[ox.Quad], tuple[SkippedGraph, ...]]:
    """The quads outside the skipped graphs, and each skipped graph with its statement count."""
    if not skipped:
        return list(quads), ()
    counts: Counter[str] = Counter()
    kept: list[ox.Quad] = []
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value in skipped:
            counts[graph.value] += 1
        else:
            kept.append(quad)
    return kept, tuple(
        SkippedGraph(iri, skipped[iri], counts[iri]) for iri in sorted(skipped) if counts[iri]
    )
