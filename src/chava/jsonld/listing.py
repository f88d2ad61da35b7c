"""Listing and search indexes over one build: filters, French-collation order, ranked search.

Built once per build and web worker (a handful of predicate scans, not one per item); queries
then run in memory. Order is stable: the label's collation key in the chosen language, then
the IRI. Text matching ignores case and accents ("memoire" finds "Mémoire").
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from chava.jsonld.collections import ALTERNATIVE_LABELS, COLLECTIONS, DESCRIPTIONS, FILTERS, LABELS
from chava.jsonld.frame import load_frames

logger = logging.getLogger(__name__)

EXACT, PREFIX, WORD, INSIDE, DESCRIPTION = range(5)
MAX_CACHED_FILTERS = 4096
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

    def label(self, language: str, languages: Sequence[str]) -> str:
        """The label in *language*, else in the other languages, else any, else the IRI."""
        for tag in (language, *languages, ""):
            if tag in self.labels:
                return self.labels[tag]
        return next(iter(sorted(self.labels.values())), self.iri)


@dataclass
class ListingIndex:
    """Items per collection, labels for sorting; filters and search texts read on first use."""

    store: ox.Store
    items: dict[str, Item]
    members: dict[str, list[str]]
    """Collection name -> IRIs of its items."""
    languages: tuple[str, ...]
    collection_of: dict[str, str] = field(default_factory=dict)
    """IRI -> the first collection listing it (its frame writes the item in search results)."""
    graphs: frozenset[str] = frozenset()
    """The named graphs of the store (items may be written from some of them only)."""
    _orders: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _matches: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Collection name -> the classes selecting its items."""
    _labelled: set[str] = field(default_factory=set)
    _texts_read: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ordered(self, collection: str | None, language: str) -> list[str]:
        """IRIs of a collection (None: every collection) in label order for *language*."""
        key = (collection or "", language)
        order = self._orders.get(key)
        if order is None:
            for name in self.members if collection is None else (collection,):
                self._read_labels(name)
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

    def matching(self, filter_name: str, value: str) -> frozenset[str]:
        """Subjects linked to *value* by one of the filter's predicates (an indexed lookup)."""
        key = (filter_name, value)
        found = self._matches.get(key)
        if found is None:
            target = ox.NamedNode(value)
            found = frozenset(
                quad.subject.value
                for predicate in FILTERS[filter_name]
                for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), target)
                if isinstance(quad.subject, ox.NamedNode)
            )
            if len(self._matches) > MAX_CACHED_FILTERS:
                self._matches.clear()
            self._matches[key] = found
        return found

    def select(
        self,
        collection: str | None,
        language: str,
        filters: Mapping[str, Sequence[str]],
        query: str | None = None,
    ) -> list[str]:
        """IRIs matching every filter (any of its values), ordered; ranked first if *query*."""
        order = self.ordered(collection, language)
        for name, values in filters.items():
            allowed = frozenset().union(*(self.matching(name, value) for value in values))
            order = [iri for iri in order if iri in allowed]
        if query is None:
            return order
        needle = fold(query)
        self._read_texts()
        ranked = [(rank, iri) for iri in order if (rank := self.rank(iri, needle)) is not None]
        ranked.sort(key=lambda pair: pair[0])  # stable: label order within a rank
        return [iri for _rank, iri in ranked]

    def rank(self, iri: str, needle: str) -> int | None:
        """How well *needle* (folded) matches the item; None when it does not."""
        if not needle:
            return None
        self._read_texts()
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

    def _read_labels(self, collection: str) -> None:
        """Read the labels (in our languages, or untagged) of a collection's items, once."""
        if collection in self._labelled:
            return
        with self._lock:
            if collection in self._labelled:
                return
            types = " ".join(f"<{iri}>" for iri in self.types[collection])
            predicates = " ".join(f"<{iri}>" for iri in LABELS)
            languages = ", ".join(f'"{tag}"' for tag in (*self.languages, ""))
            query = (
                f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?t {{ {types} }} ?s a ?t . "
                f"VALUES ?p {{ {predicates} }} ?s ?p ?l . "
                f"FILTER(isLiteral(?l) && lang(?l) IN ({languages})) }}"
            )
            rank = {iri: position for position, iri in enumerate(LABELS)}
            best: dict[tuple[str, str], int] = {}
            solutions = self.store.query(query, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            for subject, predicate, literal in solutions:
                item = self.items.get(subject.value)
                if item is None or not isinstance(literal, ox.Literal):
                    continue
                item.names.append(literal.value)
                tag = literal.language or ""
                position = rank[predicate.value]
                if position < best.get((item.iri, tag), len(LABELS)):
                    best[(item.iri, tag)] = position
                    item.labels[tag] = literal.value
            self._labelled.add(collection)

    def _read_texts(self) -> None:
        """Read alternative labels and descriptions, once, on the first search."""
        if self._texts_read:
            return
        with self._lock:
            if self._texts_read:
                return
        for name in self.members:
            self._read_labels(name)
        with self._lock:
            if self._texts_read:
                return
            for predicate in ALTERNATIVE_LABELS:
                for subject, value in _literals(self.store, predicate, self.items):
                    self.items[subject].names.append(value.value)
            for predicate in DESCRIPTIONS:
                for subject, value in _literals(self.store, predicate, self.items):
                    self.items[subject].descriptions.append(value.value)
            self._texts_read = True


def build_index(store: ox.Store, languages: Sequence[str]) -> ListingIndex:
    """Find each collection's items by class; labels are read per collection on first use."""
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
    graphs = frozenset(
        graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)
    )
    logger.info("listing index: %d items in %.2f s", len(items), time.perf_counter() - started)
    types = {name: frames[c.frame].types for name, c in COLLECTIONS.items()}
    return ListingIndex(store, items, members, tuple(languages), collection_of, graphs, types=types)


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
