"""The API collections (a frame and the classes it lists each) and the predicates of filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from chava import namespaces as ns
from chava.labels import ALTERNATIVE_LABEL_PREDICATES, DESCRIPTION_PREDICATES, LABEL_PREDICATES


@dataclass(frozen=True)
class Collection:
    """One `/api/<name>` listing: the frame its items are written with (and select by type)."""

    name: str
    frame: str
    description: str


COLLECTIONS: Final[dict[str, Collection]] = {
    collection.name: collection
    for collection in (
        Collection("actors", "actor", "organisations, networks and other actors"),
        Collection("bodies", "body", "governance bodies and working groups"),
        Collection("themes", "theme", "the themes of the learning city"),
        Collection("tools", "tool", "pedagogical and cultural tools"),
        Collection("initiatives", "initiative", "learning-city initiatives and their governance"),
        Collection("schemes", "scheme", "concept schemes"),
        Collection("concepts", "concept", "concepts of every scheme"),
    )
}

FILTERS: Final[dict[str, tuple[str, ...]]] = {
    "type": (ns.RDF + "type",),
    "theme": (ns.DCTERMS + "subject", ns.ORG + "purpose", ns.SCHEMA + "about"),
    "kind": (ns.LC + "toolKind", ns.DCTERMS + "type"),
    "availability": (ns.LC + "availability",),
    "publisher": (ns.SCHEMA + "publisher", ns.SCHEMA + "provider", ns.DCTERMS + "publisher"),
    "scheme": (ns.SKOS + "inScheme",),
}
"""Each filter parameter and the predicates linking an item to the filter's value (any of)."""

LABELS: Final = LABEL_PREDICATES
"""Predicates naming an item (chava.labels), preferred first: the sort key and exact matches."""

ALTERNATIVE_LABELS: Final = ALTERNATIVE_LABEL_PREDICATES
DESCRIPTIONS: Final = DESCRIPTION_PREDICATES
