"""Helpers shared by the JSON-LD tests: pyld expansion with our contexts served locally."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from chava.jsonld.context import local_document_loader

CONTEXT_URL = "http://127.0.0.1:8080/context/v1.jsonld"


def expand_to_triples(document: Any) -> list[ox.Triple]:
    """Expand a JSON-LD document with pyld (never the network) into triples."""
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": local_document_loader()}
    )
    return [quad.triple for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)]


def canonical(triples: Iterable[ox.Triple]) -> set[str]:
    """Canonical N-Quads lines (blank nodes relabelled by RDFC-1.0), for isomorphism checks."""
    dataset = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def union_triples(store: ox.Store) -> set[ox.Triple]:
    """Every triple of the store, graphs merged."""
    return {quad.triple for quad in store}


def assert_all_true(triples: Iterable[ox.Triple], graph: set[ox.Triple]) -> None:
    """Every triple without blank nodes is in *graph*; blank-node triples match a pattern."""
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            assert any(
                other.predicate == triple.predicate
                and (isinstance(triple.subject, ox.BlankNode) or other.subject == triple.subject)
                and (isinstance(triple.object, ox.BlankNode) or other.object == triple.object)
                for other in graph
            ), triple
        else:
            assert triple in graph, triple
