"""The change feed: every published create, update and delete, as Activity Streams 2.0.

Read from the served build (chava.contributions.provenance's statements), so the feed says
exactly what that build publishes. The collection (`/changes`) is an `OrderedCollection`,
oldest change first, in pages of `feed_page_size` (`/changes/1`, `/changes/2`, ...); a full
page never changes, so partners and caches keep it. Each item is the change (`Create`,
`Update`, `Delete`), its time (`endTime`), its steward (`actor`) and the resource (`object`,
with its types and the URL of its representation here). This is the shape of the LOD
Gateway's and IIIF Change Discovery's activity streams: a harvester reads the last page, goes
back with `prev` to the last change it saw, and fetches what changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.config import Settings
from chava.contributions.provenance import AS, CHANGE_TYPES
from chava.stores.store import PublishedStore

AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
MEDIA_TYPE: Final = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
_NAMES: Final = {iri: iri.removeprefix(AS) for iri in CHANGE_TYPES.values()}


@dataclass(frozen=True)
class Change:
    """One published change."""

    sequence: int
    iri: str
    type: str
    """`Create`, `Update` or `Delete`."""
    resource: str
    ended: str
    steward: str | None
    steward_name: str | None
    resource_types: tuple[str, ...]


def read_changes(store: PublishedStore, settings: Settings) -> list[Change]:
    """The publication's own changes in the build, in order (a partner's are not ours)."""
    prefix = settings.data_base_iri + "id/change/"
    types = " ".join(f"<{iri}>" for iri in CHANGE_TYPES.values())
    query = f"""SELECT ?change ?type ?object ?ended ?agent ?name WHERE {{
      VALUES ?type {{ {types} }}
      ?change a ?type ; <{AS}object> ?object ; <{ns.PROV}endedAtTime> ?ended .
      OPTIONAL {{ ?change <{ns.PROV}wasAssociatedWith> ?agent .
                 OPTIONAL {{ ?agent <{ns.RDFS}label> ?name }} }}
      FILTER(STRSTARTS(STR(?change), "{prefix}"))
    }}"""
    found: dict[str, Change] = {}
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        iri = _value(row["change"])
        number = iri.removeprefix(prefix)
        if not number.isdigit() or iri in found:
            continue
        resource = _value(row["object"])
        found[iri] = Change(
            int(number),
            iri,
            _NAMES[_value(row["type"])],
            resource,
            _value(row["ended"]),
            _optional(row["agent"]),
            _optional(row["name"]),
            tuple(_types(store, resource)),
        )
    return sorted(found.values(), key=lambda change: change.sequence)


def page_count(changes: Sequence[Change], page_size: int) -> int:
    """How many pages the feed has (one, empty, when nothing changed yet)."""
    return max(1, math.ceil(len(changes) / page_size))


def collection_document(
    changes: Sequence[Change], *, page_size: int, feed_url: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """The `OrderedCollection`: how many changes, its first and last pages."""
    last = page_count(changes, page_size)
    return {
        "@context": [
            AS_CONTEXT,
            {"void": ns.VOID, "dataDump": {"@id": "void:dataDump", "@type": "@id"}},
        ],
        "id": feed_url,
        "type": "OrderedCollection",
        "summary": "Every published change to this dataset's contributed resources, oldest first.",
        "totalItems": len(changes),
        "first": {"id": f"{feed_url}/1", "type": "OrderedCollectionPage"},
        "last": {"id": f"{feed_url}/{last}", "type": "OrderedCollectionPage"},
        **extra,
    }


def page_document(
    changes: Sequence[Change],
    number: int,
    *,
    page_size: int,
    feed_url: str,
    url_of: Callable[[str], str | None],
) -> dict[str, Any] | None:
    """Page *number* (from 1), or None when there is no such page."""
    last = page_count(changes, page_size)
    if not 1 <= number <= last:
        return None
    start = (number - 1) * page_size
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": f"{feed_url}/{number}",
        "type": "OrderedCollectionPage",
        "partOf": feed_url,
        "startIndex": start,
        "orderedItems": [_item(change, url_of) for change in changes[start : start + page_size]],
    }
    if number > 1:
        document["prev"] = f"{feed_url}/{number - 1}"
    if number < last:
        document["next"] = f"{feed_url}/{number + 1}"
    return document


def is_full(changes: Sequence[Change], number: int, page_size: int) -> bool:
    """Whether page *number* is full (then it never changes)."""
    return len(changes) >= number * page_size


def _item(change: Change, url_of: Callable[[str], str | None]) -> dict[str, Any]:
    target: dict[str, Any] = {"id": change.resource}
    if change.resource_types:
        target["type"] = list(change.resource_types)
    url = url_of(change.resource)
    if url is not None and change.type != "Delete":
        target["url"] = url
    item: dict[str, Any] = {
        "id": change.iri,
        "type": change.type,
        "endTime": change.ended,
        "object": target,
    }
    change_url = url_of(change.iri)
    if change_url is not None:
        item["url"] = change_url
    if change.steward is not None:
        item["actor"] = {"id": change.steward, "type": "Person", "name": change.steward_name}
    return item


def _types(store: PublishedStore, iri: str) -> list[str]:
    node = ox.NamedNode(iri)
    found = {
        quad.object.value
        for quad in store.oxigraph.quads_for_pattern(node, ox.NamedNode(ns.RDF + "type"), None)
        if isinstance(quad.object, ox.NamedNode)
    }
    return sorted(found)


def _value(term: object) -> str:
    return str(getattr(term, "value", ""))


def _optional(term: object) -> str | None:
    return None if term is None else _value(term)
