"""Write a build's catalogue index (`index.sqlite`) from its published graphs.

`chava build` calls `write_index` with the store it just loaded (restricted to the published
graphs: withheld graphs are never read, so never indexed); a server given a build written before
the index existed builds one in memory from the store (`build_in_memory`). Everything is read
through the part of the store interface every engine offers (`quads_for_pattern`), a handful of
predicate scans, never one per resource.

What is indexed: every IRI subject that has an rdf:type and a name (chava.jsonld.collections
LABELS or ALTERNATIVE_LABELS), and every member of an API collection (named or not), with

- its best label per language, and the order of each API collection in each configured
  language (French collation: folded label, label, IRI), so a listing page is a range read;
- its links for the API filters (type, theme, kind, availability, publisher, scheme) and the
  search facets: `graph` (the graphs stating its type) and `city` (the city of those graphs:
  the one `schema:City` a graph serves or locates things in, else the only one it types);
- its texts for full-text search: labels, alternative names, descriptions, every language,
  and each name on its own (a name holding every word of a query, and how many words it has);
- the labels of the terms facets and answers show (classes, themes, cities, graphs), from the
  store, then *vocabulary* (the publication's ontology), chava.term_labels, or the local name.

And every class typing something in a named graph other than the publication's vocabulary
graphs (*vocabulary_graphs*), with its instances: how many are IRIs and how many are not (blank
nodes), and the IRIs in IRI order, so a class page (`/classes/...`) is a range read too.
"""

from __future__ import annotations

import array
import contextlib
import json
import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.jsonld.collections import ALTERNATIVE_LABELS, COLLECTIONS, DESCRIPTIONS, FILTERS, LABELS
from chava.jsonld.frame import load_frames
from chava.search.text import fold, humanize
from chava.term_labels import TERM_LABELS

logger = logging.getLogger(__name__)

INDEX_FILE: Final = "index.sqlite"
INDEX_VERSION: Final = "4"
"""Bump when the tables change: a server builds an index of an older version again."""
RDF_TYPE: Final = ns.RDF + "type"
CITY: Final = ns.SCHEMA + "City"
PLACE_LINKS: Final = (ns.SCHEMA + "areaServed", ns.SCHEMA + "location")
"""Predicates locating things in a city: the city a graph is about is their common object."""
FACETS: Final = ("type", "theme", "city", "graph")
"""The facets search answers count (each also a filter)."""

SCHEMA_SQL: Final = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE item(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, collection TEXT);
CREATE TABLE label(item INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(item, lang)) WITHOUT ROWID;
CREATE TABLE ordering(collection TEXT NOT NULL, lang TEXT NOT NULL, position INTEGER NOT NULL,
  item INTEGER NOT NULL, PRIMARY KEY(collection, lang, position)) WITHOUT ROWID;
CREATE TABLE size(collection TEXT PRIMARY KEY, items INTEGER NOT NULL);
CREATE TABLE value(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE link(item INTEGER NOT NULL, facet TEXT NOT NULL, value INTEGER NOT NULL,
  PRIMARY KEY(item, facet, value)) WITHOUT ROWID;
CREATE TABLE bitmap(value INTEGER PRIMARY KEY, facet TEXT NOT NULL, bits BLOB NOT NULL);
CREATE TABLE facet_items(starts BLOB NOT NULL, numbers BLOB NOT NULL);
CREATE TABLE exact(name TEXT NOT NULL, item INTEGER NOT NULL,
  PRIMARY KEY(name, item)) WITHOUT ROWID;
CREATE TABLE term(iri TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(iri, lang)) WITHOUT ROWID;
CREATE TABLE class(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, named INTEGER NOT NULL,
  anonymous INTEGER NOT NULL);
CREATE TABLE instance(class INTEGER NOT NULL, position INTEGER NOT NULL, iri TEXT NOT NULL,
  PRIMARY KEY(class, position)) WITHOUT ROWID;
CREATE VIRTUAL TABLE text USING fts5(label, names, descriptions,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE name USING fts5(text, content = '', detail = column, prefix = '2',
  tokenize = 'unicode61 remove_diacritics 2');
"""
"""The index's tables. The names' index keeps the column of each token (`detail = column`): with
`detail = none` a prefix MATCH (every search word is one) cost 4 to 5 times as much, about 1.9
ms of a search at 1M (docs/search.md). Its 2-letter prefix index serves the first letters
typed."""
INDEXES_SQL: Final = """
CREATE INDEX link_value ON link(facet, value, item);
"""
NAME_BITS: Final = 16
"""A `name` row's id: the item's id, then the name's number (6 bits), whether it is an
alternative name (1 bit) and its word count (9 bits): all a search needs of a matching name."""


_Statement = tuple[str, Any, str | None]
"""(subject IRI, object term, graph IRI or None)."""


@dataclass(slots=True)
class _Resource:
    """What the scans found about one IRI subject."""

    types: dict[str, None] = field(default_factory=dict)
    graphs: dict[str, None] = field(default_factory=dict)
    labels: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Tag -> (rank of its predicate in LABELS, text): the best label per language."""
    label_texts: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    descriptions: list[tuple[str, str]] = field(default_factory=list)
    """(language tag, text)."""


@dataclass(frozen=True)
class IndexFacts:
    """What was indexed (for the build's log and manifest)."""

    items: int
    seconds: float


def write_index(
    path: Path,
    store: Any,
    *,
    languages: Sequence[str],
    excluded_graphs: Collection[str] = (),
    vocabulary: Mapping[str, Mapping[str, str]] | None = None,
    vocabulary_graphs: Collection[str] = (),
) -> IndexFacts:
    """Write the index of *store* (an ox.Store or a view of one) to *path* (replaced); OSError
    when it cannot be written."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            count = _fill(
                connection, store, languages, excluded_graphs, vocabulary or {}, vocabulary_graphs
            )
    except sqlite3.Error as error:  # a full disk, a write refused: reported as the OSError it is
        raise OSError(f"{path}: {error}") from error
    facts = IndexFacts(count, time.perf_counter() - started)
    logger.info("catalogue index: %d resources in %.2f s", facts.items, facts.seconds)
    return facts


def add_class_instances(
    index: Path | sqlite3.Connection,
    quads: Iterable[ox.Quad],
    *,
    vocabulary_graphs: Collection[str],
) -> None:
    """Count and list in the class table of *index* (its file, or a connection to it) the
    instances typed by *quads* too: the build's own description, made after the index."""
    if isinstance(index, Path):
        try:
            with contextlib.closing(sqlite3.connect(index)) as connection:
                _add_class_instances(connection, quads, frozenset(vocabulary_graphs))
        except sqlite3.Error as error:
            raise OSError(f"{index}: {error}") from error
    else:
        _add_class_instances(index, quads, frozenset(vocabulary_graphs))


def _add_class_instances(
    connection: sqlite3.Connection, quads: Iterable[ox.Quad], left_out: frozenset[str]
) -> None:
    added = _ClassInstances(left_out)
    rdf_type = ox.NamedNode(RDF_TYPE)
    for quad in quads:
        graph = quad.graph_name
        if quad.predicate == rdf_type and isinstance(quad.object, ox.NamedNode):
            graph_iri = graph.value if isinstance(graph, ox.NamedNode) else None
            added.add(quad.object.value, quad.subject, graph_iri)
    for _number, class_iri, _named, anonymous in added.rows():
        found = connection.execute(
            "SELECT id, anonymous FROM class WHERE iri = ?", (class_iri,)
        ).fetchone()
        if found is None:
            (last,) = connection.execute("SELECT coalesce(max(id), 0) FROM class").fetchone()
            number, before = int(last) + 1, 0
            connection.execute("INSERT INTO class VALUES (?, ?, 0, 0)", (number, class_iri))
        else:
            number, before = int(found[0]), int(found[1])
        rows = connection.execute("SELECT iri FROM instance WHERE class = ?", (number,))
        iris = sorted({*(str(iri) for (iri,) in rows), *added.named.get(class_iri, ())})
        connection.execute("DELETE FROM instance WHERE class = ?", (number,))
        connection.executemany(
            "INSERT INTO instance VALUES (?, ?, ?)",
            ((number, position, iri) for position, iri in enumerate(iris)),
        )
        # Blank nodes of the description are its own: none is one of the data's.
        connection.execute(
            "UPDATE class SET named = ?, anonymous = ? WHERE id = ?",
            (len(iris), before + anonymous, number),
        )
    connection.commit()


def build_in_memory(
    store: Any,
    *,
    languages: Sequence[str],
    excluded_graphs: Collection[str] = (),
    vocabulary: Mapping[str, Mapping[str, str]] | None = None,
    vocabulary_graphs: Collection[str] = (),
) -> sqlite3.Connection:
    """The index of *store* in an in-memory database (a build without its index file, tests)."""
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(connection, store, languages, excluded_graphs, vocabulary or {}, vocabulary_graphs)
    return connection


def _fill(
    connection: sqlite3.Connection,
    store: Any,
    languages: Sequence[str],
    excluded: Collection[str],
    vocabulary: Mapping[str, Mapping[str, str]],
    vocabulary_graphs: Collection[str],
) -> int:
    excluded = frozenset(excluded)
    class_graphs_left_out = sorted(set(vocabulary_graphs))
    folded: dict[str, str] = {}

    def fold_once(text: str) -> str:
        key = folded.get(text)
        if key is None:
            key = folded[text] = fold(text)
        return key

    connection.executescript(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;"
    )
    connection.executescript(SCHEMA_SQL)
    resources, classes = _scan(store, excluded, frozenset(class_graphs_left_out))
    connection.executemany("INSERT INTO class VALUES (?, ?, ?, ?)", classes.rows())
    connection.executemany("INSERT INTO instance VALUES (?, ?, ?)", classes.instance_rows())
    del classes
    members = _members(resources)
    listed = {iri for iris in members.values() for iri in iris}
    named = [
        iri
        for iri, found in resources.items()
        if iri in listed or (found.types and (found.labels or found.names))
    ]
    first = languages[0] if languages else ""
    keys: dict[str, dict[str, tuple[str, str, str]]] = {}

    def sort_keys(language: str, iris: Collection[str]) -> dict[str, tuple[str, str, str]]:
        """The sort key of each of *iris* in *language*, each computed once."""
        known = keys.setdefault(language, {})
        for iri in iris:
            if iri not in known:
                known[iri] = _sort_key(resources[iri], iri, language, languages, fold_once)
        return known

    order = sorted(named, key=sort_keys(first, named).__getitem__)
    ids = {iri: number for number, iri in enumerate(order, start=1)}
    collection_of: dict[str, str] = {}
    for name, iris in members.items():
        for iri in iris:
            collection_of.setdefault(iri, name)
    connection.executemany(
        "INSERT INTO item(id, iri, collection) VALUES (?, ?, ?)",
        ((ids[iri], iri, collection_of.get(iri)) for iri in order),
    )
    connection.executemany(
        "INSERT INTO label(item, lang, text) VALUES (?, ?, ?)",
        (
            (ids[iri], tag, text)
            for iri in order
            for tag, (_rank, text) in resources[iri].labels.items()
        ),
    )
    for name, iris in members.items():
        connection.execute("INSERT INTO size VALUES (?, ?)", (name, len(iris)))
        for language in dict.fromkeys(languages or ("",)):
            ordered = sorted(iris, key=sort_keys(language, iris).__getitem__)
            connection.executemany(
                "INSERT INTO ordering VALUES (?, ?, ?, ?)",
                ((name, language, position, ids[iri]) for position, iri in enumerate(ordered)),
            )
    cities = _graph_cities(store, resources, excluded)
    values: dict[str, int] = {}

    def value_id(iri: str) -> int:
        number = values.get(iri)
        if number is None:
            number = values[iri] = len(values) + 1
        return number

    links = [
        (item, facet, value_id(iri))
        for item, facet, iri in _links(store, resources, ids, cities, excluded)
    ]
    connection.executemany(
        "INSERT INTO value VALUES (?, ?)", ((n, iri) for iri, n in values.items())
    )
    connection.executemany("INSERT OR IGNORE INTO link VALUES (?, ?, ?)", links)
    connection.executemany("INSERT INTO bitmap VALUES (?, ?, ?)", _bitmaps(links, len(order)))
    connection.execute("INSERT INTO facet_items VALUES (?, ?)", _facet_items(links, len(order)))
    preferred = {tag: position for position, tag in enumerate(languages)}
    exact, names, texts = _text_rows(order, resources, preferred, fold_once)
    connection.executemany("INSERT OR IGNORE INTO exact VALUES (?, ?)", exact)
    connection.executemany("INSERT INTO name(rowid, text) VALUES (?, ?)", names)
    del exact, names
    connection.executemany(
        "INSERT INTO text(rowid, label, names, descriptions) VALUES (?, ?, ?, ?)", texts
    )
    del texts
    connection.executemany(
        "INSERT OR IGNORE INTO term VALUES (?, ?, ?)",
        _term_labels(connection, resources, cities, vocabulary),
    )
    connection.executescript(INDEXES_SQL)
    graphs = sorted(
        {graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)}
        - excluded
    )
    meta = {
        "version": INDEX_VERSION,
        "languages": json.dumps(list(languages)),
        "graphs": json.dumps(graphs),
        "vocabulary_graphs": json.dumps(class_graphs_left_out),
    }
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    connection.execute("INSERT INTO text(text) VALUES ('optimize')")
    connection.execute("INSERT INTO name(name) VALUES ('optimize')")
    connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    return len(order)


def _text_rows(
    order: Sequence[str],
    resources: Mapping[str, _Resource],
    preferred: Mapping[str, int],
    fold_once: Callable[[str], str],
) -> tuple[list[tuple[str, int]], list[tuple[int, str]], list[tuple[int, str, str, str]]]:
    """The rows of `exact` (each folded label or name once), `name` (each label, then each
    alternative name, at most 64) and `text` of the items in *order* (item n+1 is order[n])."""
    exact: list[tuple[str, int]] = []
    names: list[tuple[int, str]] = []
    texts: list[tuple[int, str, str, str]] = []
    for item, iri in enumerate(order, start=1):
        found = resources[iri]
        labels, alternatives = found.label_texts, found.names
        folded = {text: fold_once(text) for text in (*labels, *alternatives)}
        exact.extend((key, item) for key in set(folded.values()) if key)
        number = 0
        for kind, group in ((0, labels), (1, alternatives)):
            for text in group:
                if number == 64:
                    break
                words = folded[text].count(" ") + 1
                names.append((name_row(item, number, kind, words), text))
                number += 1
        texts.append(
            (
                item,
                "\n".join(labels),
                "\n".join(alternatives),
                _descriptions(found.descriptions, preferred),
            )
        )
    return exact, names, texts


def _descriptions(descriptions: Sequence[tuple[str, str]], preferred: Mapping[str, int]) -> str:
    """The texts of *descriptions*, those in the configured languages first (in their order)."""
    if len(descriptions) == 1:
        return descriptions[0][1]
    ordered = sorted(descriptions, key=lambda pair: preferred.get(pair[0], len(preferred)))
    return "\n".join(text for _tag, text in ordered)


def _bitmaps(links: Sequence[tuple[int, str, int]], items: int) -> Iterator[tuple[int, str, bytes]]:
    """(value, facet, bits) of every value of the search facets: bit *n* set when item *n* has
    it (little-endian bytes: `int.from_bytes(bits, "little")`)."""
    size = items // 8 + 1
    maps: dict[tuple[int, str], bytearray] = {}
    for item, facet, value in links:
        if facet in FACETS:
            bits = maps.get((value, facet))
            if bits is None:
                bits = maps[(value, facet)] = bytearray(size)
            bits[item >> 3] |= 1 << (item & 7)
    for (value, facet), bits in maps.items():
        yield value, facet, bytes(bits)


def _facet_items(links: Sequence[tuple[int, str, int]], items: int) -> tuple[bytes, bytes]:
    """Each item's values of the search facets, as two arrays of unsigned 32-bit integers
    (little-endian): item *n*'s values are `numbers[starts[n]:starts[n + 1]]`, each once."""
    by_item: list[set[int]] = [set() for _ in range(items + 1)]
    for item, facet, value in links:
        if facet in FACETS:
            by_item[item].add(value)
    starts, numbers = array.array("I", [0]), array.array("I")
    for values in by_item:
        numbers.extend(sorted(values))
        starts.append(len(numbers))
    if sys.byteorder == "big":
        starts.byteswap()
        numbers.byteswap()
    return starts.tobytes(), numbers.tobytes()


def name_row(item: int, number: int, kind: int, words: int) -> int:
    """The id of a `name` row (see NAME_BITS)."""
    return (item << NAME_BITS) | (number << 10) | (kind << 9) | min(words, 511)


def _quads(
    store: Any, predicate: str, excluded: frozenset[str], *, graphs: bool = True
) -> Iterator[_Statement]:
    """(subject IRI, object, graph IRI or None) of *predicate*, IRI subjects, outside the
    excluded graphs (the graph is None for every statement when not *graphs*: not asked)."""
    named_node = ox.NamedNode
    read_graph = graphs or bool(excluded)
    graph_iri = None
    for quad in store.quads_for_pattern(None, named_node(predicate), None, None):
        subject = quad.subject
        if not isinstance(subject, named_node):
            continue
        if read_graph:
            graph = quad.graph_name
            graph_iri = graph.value if isinstance(graph, named_node) else None
            if graph_iri in excluded:
                continue
            if not graphs:
                graph_iri = None
        yield subject.value, quad.object, graph_iri


def _scan(
    store: Any, excluded: frozenset[str], vocabulary_graphs: frozenset[str]
) -> tuple[dict[str, _Resource], _ClassInstances]:
    """Types (with their graphs), labels, alternative names and descriptions of IRI subjects;
    and the instances of each class in the named graphs outside *vocabulary_graphs*."""
    resources: dict[str, _Resource] = {}
    classes = _ClassInstances(vocabulary_graphs)
    named_node, literal_type = ox.NamedNode, ox.Literal

    def resource(iri: str) -> _Resource:
        found = resources.get(iri)
        if found is None:
            found = resources[iri] = _Resource()
        return found

    for quad in store.quads_for_pattern(None, named_node(RDF_TYPE), None, None):
        value, graph = quad.object, quad.graph_name
        graph_iri = graph.value if isinstance(graph, named_node) else None
        if not isinstance(value, named_node) or graph_iri in excluded:
            continue
        subject = quad.subject
        classes.add(value.value, subject, graph_iri)
        if isinstance(subject, named_node):
            found = resources.get(subject.value) or resource(subject.value)
            found.types[value.value] = None
            if graph_iri is not None:
                found.graphs[graph_iri] = None
    for rank, predicate in enumerate(LABELS):
        for subject, literal, _graph in _quads(store, predicate, excluded, graphs=False):
            if not isinstance(literal, literal_type):
                continue
            found = resources.get(subject) or resource(subject)
            tag = literal.language or ""
            text = literal.value
            best = found.labels.get(tag)
            if best is None or rank < best[0]:
                found.labels[tag] = (rank, text)
            found.label_texts.append(text)
    for predicate in ALTERNATIVE_LABELS:
        for subject, literal, _graph in _quads(store, predicate, excluded, graphs=False):
            if isinstance(literal, literal_type):
                (resources.get(subject) or resource(subject)).names.append(literal.value)
    for predicate in DESCRIPTIONS:
        for subject, literal, _graph in _quads(store, predicate, excluded, graphs=False):
            if isinstance(literal, literal_type):
                described = resources.get(subject)
                if described is not None:
                    described.descriptions.append((literal.language or "", literal.value))
    for found in resources.values():  # the same label stated in two graphs counts once
        if len(found.label_texts) > 1:
            found.label_texts = list(dict.fromkeys(found.label_texts))
        if len(found.names) > 1:
            found.names = list(dict.fromkeys(found.names))
        if len(found.descriptions) > 1:
            found.descriptions = list(dict.fromkeys(found.descriptions))
    return resources, classes


@dataclass(slots=True)
class _ClassInstances:
    """The distinct instances of each class, as the class pages count and list them: typed in a
    named graph, not one of the vocabulary graphs *left_out*."""

    left_out: frozenset[str]
    named: dict[str, dict[str, None]] = field(default_factory=dict)
    """Class -> the IRIs typed with it (a set keeping no order)."""
    anonymous: dict[str, set[str]] = field(default_factory=dict)
    """Class -> its other instances (blank nodes, quoted triples), as their N-Triples text."""

    def add(self, class_iri: str, subject: Any, graph_iri: str | None) -> None:
        """Count *subject*, typed *class_iri* in *graph_iri* (None: the default graph)."""
        if graph_iri is None or graph_iri in self.left_out:
            return
        if isinstance(subject, ox.NamedNode):
            named = self.named.get(class_iri)
            if named is None:
                named = self.named[class_iri] = {}
            named[subject.value] = None
        else:
            self.anonymous.setdefault(class_iri, set()).add(str(subject))

    def rows(self) -> Iterator[tuple[int, str, int, int]]:
        """(id, class IRI, IRI instances, other instances) of each class, by IRI."""
        for number, class_iri in enumerate(sorted({*self.named, *self.anonymous}), start=1):
            named, anonymous = self.named.get(class_iri, {}), self.anonymous.get(class_iri, ())
            yield number, class_iri, len(named), len(anonymous)

    def instance_rows(self) -> Iterator[tuple[int, int, str]]:
        """(class id, position from 0, IRI) of every IRI instance, each class's by IRI."""
        for number, class_iri, _named, _anonymous in self.rows():
            ordered = sorted(self.named.get(class_iri, ()))
            yield from ((number, position, iri) for position, iri in enumerate(ordered))


def _members(resources: Mapping[str, _Resource]) -> dict[str, list[str]]:
    """Each API collection's members: the subjects typed with one of its frame's classes."""
    frames = load_frames()
    by_type: dict[str, list[str]] = {}
    for iri, found in resources.items():
        for type_iri in found.types:
            by_type.setdefault(type_iri, []).append(iri)
    members = {}
    for name, collection in COLLECTIONS.items():
        found_iris: dict[str, None] = {}
        for type_iri in frames[collection.frame].types:
            found_iris.update(dict.fromkeys(by_type.get(type_iri, ())))
        members[name] = list(found_iris)
    return members


def _label(found: _Resource, language: str, languages: Sequence[str]) -> str | None:
    """The label in *language*, else in the other configured languages, untagged, else any."""
    for tag in (language, *languages, ""):
        if tag in found.labels:
            return found.labels[tag][1]
    if found.labels:
        return sorted(text for _rank, text in found.labels.values())[0]
    return None


def _sort_key(
    found: _Resource,
    iri: str,
    language: str,
    languages: Sequence[str],
    folding: Callable[[str], str] = fold,
) -> tuple[str, str, str]:
    """French collation: folded label, then the exact label, then the IRI (stable)."""
    label = _label(found, language, languages) or iri
    return (folding(label), label, iri)


def _graph_cities(
    store: Any, resources: Mapping[str, _Resource], excluded: frozenset[str]
) -> dict[str, str]:
    """Graph -> the city it is about: the one schema:City things in it are located in (served
    or held), else the only schema:City it types; graphs with no such city have none."""
    typed: dict[str, set[str]] = {}
    for iri, found in resources.items():
        if CITY in found.types:
            for graph in found.graphs:
                typed.setdefault(graph, set()).add(iri)
    typed_cities = {iri for iri, found in resources.items() if CITY in found.types}
    located: dict[str, set[str]] = {}
    for predicate in PLACE_LINKS:
        for _subject, place, where in _quads(store, predicate, excluded):
            if where is not None and isinstance(place, ox.NamedNode):
                city = place.value
                if city in typed_cities:
                    located.setdefault(where, set()).add(city)
    cities: dict[str, str] = {}
    for graph_iri in set(typed) | set(located):
        candidates = located.get(graph_iri) or typed.get(graph_iri, set())
        if len(candidates) == 1:
            cities[graph_iri] = next(iter(candidates))
    return cities


def _links(
    store: Any,
    resources: Mapping[str, _Resource],
    ids: Mapping[str, int],
    cities: Mapping[str, str],
    excluded: frozenset[str],
) -> Iterator[tuple[int, str, str]]:
    """(item, facet, value) rows: the filters' values, the graphs and cities of each item."""
    for iri, number in ids.items():
        found = resources[iri]
        for type_iri in found.types:
            yield number, "type", type_iri
        for graph in found.graphs:
            yield number, "graph", graph
            city = cities.get(graph)
            if city is not None:
                yield number, "city", city
    for name, predicates in FILTERS.items():
        if name == "type":
            continue
        for predicate in predicates:
            for subject, value, _graph in _quads(store, predicate, excluded, graphs=False):
                item = ids.get(subject)
                if item is not None and isinstance(value, ox.NamedNode):
                    yield item, name, value.value


def _term_labels(
    connection: sqlite3.Connection,
    resources: Mapping[str, _Resource],
    cities: Mapping[str, str],
    vocabulary: Mapping[str, Mapping[str, str]],
) -> Iterator[tuple[str, str, str]]:
    """Labels of every facet value: the store's, then the vocabulary's, then chava's table;
    a value with none gets its local name, made readable, untagged."""
    values = {
        str(iri)
        for (iri,) in connection.execute(
            "SELECT iri FROM value WHERE id IN (SELECT DISTINCT value FROM link "
            "WHERE facet IN ('type', 'theme', 'city', 'graph'))"
        )
    }
    values |= set(cities.values())
    for iri in sorted(values):
        found = resources.get(iri)
        texts: dict[str, str] = {}
        for tag, text in {**TERM_LABELS.get(iri, {}), **vocabulary.get(iri, {})}.items():
            texts[tag] = text
        if found is not None:
            texts.update({tag: text for tag, (_rank, text) in found.labels.items()})
        if not texts:
            texts[""] = humanize(_local_name(iri))
        for tag, text in texts.items():
            yield iri, tag, text


def _local_name(iri: str) -> str:
    for separator in ("#", "/"):
        head, _found, tail = iri.rstrip("/").rpartition(separator)
        if head and tail:
            return tail
    return iri


def vocabulary_labels(root: Path) -> dict[str, dict[str, str]]:
    """{IRI: {tag: label}} of the terms the publication root's `ontology/` folder labels.

    A `--data` build may hold no ontology: its classes are then named from the shared one.
    Unreadable files are skipped (the build itself reports them when they are its input).
    """
    from chava.errors import LoadError
    from chava.loading.sources import collect_files, parse_file

    labels: dict[str, dict[str, tuple[int, str]]] = {}
    rank = {predicate: position for position, predicate in enumerate(LABELS)}
    folder = root / "ontology"
    try:
        files = collect_files([folder]) if folder.is_dir() else []
    except LoadError as error:
        logger.debug("vocabulary labels: %s", error)
        files = []
    for path in files:
        try:
            quads = parse_file(path)
        except LoadError as error:
            logger.debug("vocabulary labels: %s", error)
            continue
        for quad in quads:
            position = rank.get(quad.predicate.value)
            literal = quad.object
            if position is None or not isinstance(literal, ox.Literal):
                continue
            if not isinstance(quad.subject, ox.NamedNode):
                continue
            entry = labels.setdefault(quad.subject.value, {})
            tag = literal.language or ""
            if tag not in entry or position < entry[tag][0]:
                entry[tag] = (position, literal.value)
    return {iri: {tag: text for tag, (_p, text) in tags.items()} for iri, tags in labels.items()}
