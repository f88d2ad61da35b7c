"""Listing and search indexes over one build: filters, French-collation order, ranked search.

Built once per build and web worker (a handful of predicate scans, not one per item); queries
then run in memory. Order is stable: the label's collation key in the chosen language, then
the IRI. Text matching ignores case and accents ("memoire" finds "Mémoire").
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from chava.jsonld.collections import ALTERNATIVE_LABELS, COLLECTIONS, DESCRIPTIONS, FILTERS, LABELS
from chava.jsonld.frame import load_frames

logger = logging.getLogger(__name__)

EXACT, PREFIX, WORD, INSIDE, DESCRIPTION = range(5)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
"""French sorts the ligatures as their two letters; NFKD leaves them whole."""
"""Search ranks, best first."""


def fold(text: str) -> str:
    """Return the matching and sorting key of *text*: accents stripped, case folded, and
    punctuation turned into spaces (French collation's first level)."""
    folded = text.casefold().translate(_FAST)
    if not folded.isascii():  # letters the table does not know: decompose them
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(
            character if character.isalnum() else " "
            for character in decomposed
            if not unicodedata.combining(character)
        ).translate(_LIGATURES)
    return " ".join(folded.split())


def _fast_table() -> dict[int, str]:
    table: dict[int, str] = {code: " " for code in range(128) if not chr(code).isalnum()}
    for code in range(0xC0, 0x250):
        character = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
        ).casefold()
        if base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss", 0xA0: " "})
    for code in (0xAB, 0xBB, 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x2026, 0x202F):
        table[code] = " "
    return table


_FAST = _fast_table()
"""Latin letters to their base letter, ASCII punctuation and French quotes to spaces."""


@dataclass
class Item:
    """What the index keeps about one listed resource."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    """One label per language tag ('' untagged), from the most preferred label predicate."""
    names: list[str] = field(default_factory=list)
    """Labels and alternative labels, every language (folded on first search)."""
    descriptions: list[str] = field(default_factory=list)
    """Descriptions, every language (folded on first search)."""
    folded: tuple[frozenset[str], tuple[str, ...]] | None = None
    links: dict[str, set[str]] = field(default_factory=dict)
    """Filter name -> IRIs the item links to through that filter's predicates."""

    def label(self, language: str, languages: Sequence[str]) -> str:
        """The label in *language*, else in the other languages, else any, else the IRI."""
        for tag in (language, *languages, ""):
            if tag in self.labels:
                return self.labels[tag]
        return next(iter(sorted(self.labels.values())), self.iri)


@dataclass
class ListingIndex:
    """Items per collection, with their sort keys per language computed lazily."""

    items: dict[str, Item]
    members: dict[str, list[str]]
    """Collection name -> IRIs of its items."""
    languages: tuple[str, ...]
    collection_of: dict[str, str] = field(default_factory=dict)
    """IRI -> the first collection listing it (its frame writes the item in search results)."""
    graphs: frozenset[str] = frozenset()
    """The named graphs of the store (items may be written from some of them only)."""
    _orders: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def ordered(self, collection: str | None, language: str) -> list[str]:
        """IRIs of a collection (None: every collection) in label order for *language*."""
        key = (collection or "", language)
        order = self._orders.get(key)
        if order is None:
            if collection is None:
                iris = list(dict.fromkeys(i for m in self.members.values() for i in m))
            else:
                iris = self.members[collection]
            order = sorted(iris, key=lambda iri: self.sort_key(iri, language))
            self._orders[key] = order
        return order

    def sort_key(self, iri: str, language: str) -> tuple[str, str, str]:
        """French collation: folded label, then the exact label, then the IRI (stable)."""
        label = self.items[iri].label(language, self.languages)
        return (fold(label), label, iri)

    def select(
        self,
        collection: str | None,
        language: str,
        filters: Mapping[str, Sequence[str]],
        query: str | None = None,
    ) -> list[str]:
        """IRIs matching every filter (any of its values), ordered; ranked first if *query*."""
        order = self.ordered(collection, language)
        if filters:
            order = [
                iri
                for iri in order
                if all(
                    self.items[iri].links.get(name, set()).intersection(values)
                    for name, values in filters.items()
                )
            ]
        if query is None:
            return order
        needle = fold(query)
        ranked = [(rank, iri) for iri in order if (rank := self.rank(iri, needle)) is not None]
        ranked.sort(key=lambda pair: pair[0])  # stable: label order within a rank
        return [iri for _rank, iri in ranked]

    def rank(self, iri: str, needle: str) -> int | None:
        """How well *needle* (folded) matches the item; None when it does not."""
        if not needle:
            return None
        item = self.items[iri]
        if item.folded is None:
            item.folded = (
                frozenset(fold(name) for name in item.names),
                tuple(fold(text) for text in item.descriptions),
            )
        names, descriptions = item.folded
        best: int | None = None
        for name in names:
            if name == needle:
                return EXACT
            if name.startswith(needle):
                rank = PREFIX
            elif f" {needle}" in f" {name}":
                rank = WORD
            elif needle in name:
                rank = INSIDE
            else:
                continue
            best = rank if best is None else min(best, rank)
        if best is None and any(needle in text for text in descriptions):
            return DESCRIPTION
        return best


def build_index(store: ox.Store, languages: Sequence[str]) -> ListingIndex:
    """Scan the store once per predicate and collection class into a ListingIndex."""
    started = time.perf_counter()
    frames = load_frames()
    members: dict[str, list[str]] = {}
    items: dict[str, Item] = {}
    collection_of: dict[str, str] = {}
    rdf_type = ox.NamedNode(FILTERS["type"][0])
    for name, collection in COLLECTIONS.items():
        found: dict[str, None] = {}
        for type_iri in frames[collection.frame].types:
            for quad in store.quads_for_pattern(None, rdf_type, ox.NamedNode(type_iri), None):
                if isinstance(quad.subject, ox.NamedNode):
                    found[quad.subject.value] = None
        members[name] = list(found)
        for iri in found:
            if iri not in items:
                items[iri] = Item(iri)
                collection_of[iri] = name
    for predicate in (*reversed(LABELS), *ALTERNATIVE_LABELS):
        preferred = predicate in LABELS  # reversed: the most preferred label is written last
        for subject, value in _literals(store, predicate, items):
            item = items[subject]
            item.names.append(value.value)
            if preferred:
                item.labels[value.language or ""] = value.value
    for predicate in DESCRIPTIONS:
        for subject, value in _literals(store, predicate, items):
            items[subject].descriptions.append(value.value)
    for filter_name, predicates in FILTERS.items():
        for predicate in predicates:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                source, target = quad.subject, quad.object
                if isinstance(source, ox.NamedNode) and isinstance(target, ox.NamedNode):
                    linked = items.get(source.value)
                    if linked is not None:
                        linked.links.setdefault(filter_name, set()).add(target.value)
    logger.info("listing index: %d items in %.2f s", len(items), time.perf_counter() - started)
    graphs = frozenset(
        graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)
    )
    return ListingIndex(items, members, tuple(languages), collection_of, graphs)


def _literals(
    store: ox.Store, predicate: str, items: Mapping[str, Item]
) -> Iterable[tuple[str, ox.Literal]]:
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
        node, literal = quad.subject, quad.object
        if (
            isinstance(node, ox.NamedNode)
            and isinstance(literal, ox.Literal)
            and node.value in items
        ):
            yield node.value, literal
