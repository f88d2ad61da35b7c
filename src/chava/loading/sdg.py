"""One form for the UN's SDG IRIs: the KOS's own `http://metadata.un.org/sdg/...`.

The UN SDG Knowledge Organization System mints goals and targets as
`http://metadata.un.org/sdg/4` and `http://metadata.un.org/sdg/4.3`; others (OpenAlex, for
one) write the same IRIs with `https://`. Two spellings would split every count and join on
SDGs in two, so chava accepts both and publishes the http form: files are normalised as they
are read (`chava.loading.sources`), and a `--data` build's store once loaded
(`chava.building.build`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

from chava import namespaces

CANONICAL: Final = namespaces.SDG
"""`http://metadata.un.org/sdg/`: the form chava publishes."""
VARIANT: Final = "https://metadata.un.org/sdg/"
"""The https spelling chava reads and rewrites."""

_UPDATE: Final = """
DELETE {{ GRAPH ?g {{ {old} }} }} INSERT {{ GRAPH ?g {{ {new} }} }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI({term}) && STRSTARTS(STR({term}), "{variant}"))
  BIND(IRI(CONCAT("{canonical}", STRAFTER(STR({term}), "{variant}"))) AS ?n)
}}"""


def normalise_iri(iri: str) -> str:
    """Return the http form of an SDG IRI; any other IRI unchanged."""
    return CANONICAL + iri[len(VARIANT) :] if iri.startswith(VARIANT) else iri


def normalise_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Return *quads* with every https SDG IRI (subject or object) in its http form."""
    return [_normalise_quad(quad) for quad in quads]


def normalise_store(store: ox.Store) -> None:
    """Rewrite the https SDG IRIs of every named graph of *store* in their http form.

    The default graph is not a publication graph (`--data` triples outside a named graph go to
    `data_default_graph`); it is rewritten too, by copying its few matching quads.
    """
    for old, new, term in (("?s ?p ?o", "?s ?p ?n", "?o"), ("?s ?p ?o", "?n ?p ?o", "?s")):
        store.update(
            _UPDATE.format(old=old, new=new, term=term, variant=VARIANT, canonical=CANONICAL)
        )
    default = ox.DefaultGraph()
    found = [
        quad
        for quad in store.quads_for_pattern(None, None, None, default)
        if _normalise_quad(quad) != quad
    ]
    for quad in found:
        store.remove(quad)
        store.add(_normalise_quad(quad))


def _normalise_quad(quad: ox.Quad) -> ox.Quad:
    subject, value = quad.subject, quad.object
    changed = False
    if isinstance(subject, ox.NamedNode) and subject.value.startswith(VARIANT):
        subject, changed = ox.NamedNode(normalise_iri(subject.value)), True
    if isinstance(value, ox.NamedNode) and value.value.startswith(VARIANT):
        value, changed = ox.NamedNode(normalise_iri(value.value)), True
    return ox.Quad(subject, quad.predicate, value, quad.graph_name) if changed else quad
