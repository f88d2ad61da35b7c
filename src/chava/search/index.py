"""Reading a build's catalogue index: listing pages, search with ranking, facets and snippets.

The index file is opened read-only (`immutable`: it never changes once built), one SQLite
connection per thread; the pages read come from the kernel's cache, shared by every process.
Nothing is loaded at start-up: the first request reads what it needs, like the others.

Search ranking, best first: a name (label or alternative name) equal to the query, ignoring
case, accents and punctuation; a label holding every word; an alternative name holding every
word; the rest (the words spread over names and descriptions). Within a rank, the shortest
name holding every word first (the query covers more of it), then BM25 (labels weigh most, then
alternative names, then descriptions), then label order. Every word of the query is a prefix
("territ mem" finds "Territoires de la Mémoire").
"""

from __future__ import annotations

import array
import collections
import json
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from chava.errors import StoreError
from chava.labels import pick_text
from chava.search.build import FACETS, INDEX_VERSION, NAME_BITS
from chava.search.text import MARK_END, MARK_START, fold, match_expression, snippet_html

logger = logging.getLogger(__name__)

WEIGHTS: Final = (10.0, 4.0, 1.0)
"""BM25 weights of the label, alternative-name and description columns."""
FACET_VALUES: Final = 20
"""Values listed per facet (the most frequent)."""
SNIPPET_TOKENS: Final = 16
PER_ITEM_COUNTING: Final = 450
"""Facets are counted from the results' own values when there are at most (bitmaps x 64-bit
words of a bitmap) / PER_ITEM_COUNTING results, else by AND-ing bitmaps (see _facets). At 1M
(889 bitmaps of 48,798 items) that is 1,507 results: counting from the items took 1.4 us a
result (0.26 ms for 132, 1.04 ms for 649, 3.84 ms for 2,824), the bitmaps 1.5 to 2.5 ms
whatever the results (9 ms for 18,069, where the items took 21.5 ms)."""
CACHE_KIB: Final = 1024
"""SQLite's page cache per connection (the kernel caches the file for every process)."""
_ROWID: Final = "rowid + 0"
"""The text table's rowid in a constraint FTS5 must not see: given `rowid IN (...)`, FTS5
evaluates the whole MATCH again for each listed rowid (prefixes expanded each time: 5 ms for a
page of 20 snippets, over a second for a collection of 18,000), where `rowid + 0` lets SQLite
run the MATCH once and test each match against the list."""
EXACT, LABEL, NAME, TEXT = range(4)
"""Search ranks, best first."""


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    collection: str | None
    labels: Mapping[str, str]
    """Its best label per language tag ('' untagged)."""
    types: tuple[str, ...]
    snippet: str
    """Escaped HTML: the best-matching passage, matches in <mark>."""
    rank: int


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet, with how many results have it."""

    iri: str
    count: int


@dataclass(frozen=True)
class SearchAnswer:
    """One page of search results, the total and the facet counts of every result."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]


@dataclass(frozen=True)
class _FacetData:
    """What counting the facets reads: the bitmaps, and each item's values."""

    bitmaps: list[tuple[str, str, int]]
    """(value IRI, facet, bits of the items having it) of every facet value."""
    named: dict[int, tuple[str, str]]
    """Value id -> (IRI, facet)."""
    starts: array.array[int]
    numbers: array.array[int]
    """Item *n*'s value ids: numbers[starts[n]:starts[n + 1]]."""
    per_item_limit: int
    """Most results counted from their items' values; more: with the bitmaps."""


class CatalogueIndex:
    """A build's index: open it with `open` (its file) or `in_memory` (a connection)."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], *, shared: bool = False) -> None:
        self._connect = connect
        self._local = threading.local()
        self._shared_lock = threading.Lock() if shared else None
        self._shared: sqlite3.Connection | None = connect() if shared else None
        meta = dict(self._rows("SELECT key, value FROM meta", ()))
        if meta.get("version") != INDEX_VERSION:
            raise StoreError(
                f"catalogue index of version {meta.get('version')}, not {INDEX_VERSION}"
            )
        self.languages: tuple[str, ...] = tuple(json.loads(meta["languages"])) or ("",)
        self.graphs: frozenset[str] = frozenset(json.loads(meta["graphs"]))
        self.vocabulary_graphs: frozenset[str] = frozenset(json.loads(meta["vocabulary_graphs"]))
        """The graphs whose types the class table leaves out (the publication's vocabulary)."""
        self._picked: dict[tuple[str, str], tuple[str, str | None]] = {}
        """term_label's answers by (IRI, language): a search names a hundred facet values."""
        self._picked_lock = threading.Lock()
        self._facets_read: _FacetData | None = None

    @classmethod
    def open(cls, path: Path) -> CatalogueIndex:
        """Open the index file at *path* read-only; StoreError if it is missing or unreadable."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"

        def connect() -> sqlite3.Connection:
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            return connection

        if not path.is_file():
            raise StoreError(f"{path}: the build has no catalogue index; run `chava build`")
        try:
            return cls(connect)
        except (sqlite3.Error, KeyError, ValueError) as error:
            raise StoreError(f"{path}: unreadable catalogue index: {error}") from error

    @classmethod
    def in_memory(cls, connection: sqlite3.Connection) -> CatalogueIndex:
        """An index held by one in-memory connection (shared by threads under a lock)."""
        return cls(lambda: connection, shared=True)

    # --- listings ---------------------------------------------------------------------------

    def size(self, collection: str) -> int:
        """Members of an API collection."""
        rows = self._rows("SELECT items FROM size WHERE collection = ?", (collection,))
        return int(rows[0][0]) if rows else 0

    def listing(
        self,
        collection: str,
        language: str,
        filters: Mapping[str, Sequence[str]],
        *,
        offset: int,
        limit: int,
    ) -> tuple[int, list[str]]:
        """(total, IRIs of the page) of a collection in label order, every filter applied."""
        language = self._language(language)
        where = ["o.collection = ?", "o.lang = ?"]
        parameters: list[object] = [collection, language]
        for name, values in filters.items():
            where.append(_in_link(len(values)))
            parameters += [name, *values]
        condition = " AND ".join(where)
        if filters:
            counted = self._rows(f"SELECT COUNT(*) FROM ordering o WHERE {condition}", parameters)
            total = int(counted[0][0])
        else:
            total = self.size(collection)
        rows = self._rows(
            f"SELECT i.iri FROM ordering o JOIN item i ON i.id = o.item WHERE {condition} "
            "ORDER BY o.position LIMIT ? OFFSET ?",
            [*parameters, limit, offset],
        )
        return total, [iri for (iri,) in rows]

    # --- search -----------------------------------------------------------------------------

    def search(
        self,
        words: Sequence[str],
        *,
        query: str,
        language: str,
        collection: str | None = None,
        filters: Mapping[str, Sequence[str]] | None = None,
        offset: int = 0,
        limit: int = 20,
        facets: bool = True,
    ) -> SearchAnswer:
        """Rank what matches every word of *words* (as prefixes); *query* is the text typed."""
        if not words:
            return SearchAnswer(0, [], {name: [] for name in FACETS} if facets else {})
        match = match_expression(list(words))
        where = ["text MATCH ?"]
        parameters: list[object] = [match]
        if collection is not None:
            where.append(
                f"{_ROWID} IN (SELECT item FROM ordering WHERE collection = ? AND lang = ?)"
            )
            parameters += [collection, self.languages[0]]
        for name, values in (filters or {}).items():
            where.append(_in_link(len(values), column=_ROWID))
            parameters += [name, *values]
        condition = " AND ".join(where)
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        scored = self._rows(
            f"SELECT rowid, bm25(text, {weights}) FROM text WHERE {condition}", parameters
        )
        if not scored:
            return SearchAnswer(0, [], {name: [] for name in FACETS} if facets else {})
        found = [int(number) for number, _score in scored]
        named = {
            int(number): (int(kind), int(size))
            for number, kind, size in self._rows(
                f"SELECT rowid >> {NAME_BITS}, MIN((rowid >> 9) & 1), MIN(rowid & 511) "
                "FROM name WHERE name MATCH ? GROUP BY 1",
                (match,),
            )
        }
        exact = {
            number
            for (number,) in self._rows("SELECT item FROM exact WHERE name = ?", (fold(query),))
        }
        no_name = (TEXT, 0)

        def key(number: int, score: float) -> tuple[int, int, float, int]:
            kind, size = named.get(number, no_name)
            rank = EXACT if number in exact else LABEL + kind if number in named else TEXT
            return (rank, size, score, number)

        ordered = sorted(key(int(number), float(score)) for number, score in scored)
        page = ordered[offset : offset + limit]
        hits = self._hits([(number, rank) for rank, _size, _score, number in page], match)
        counts = self._facets(found) if facets else {}
        return SearchAnswer(len(ordered), hits, counts)

    def term_label(self, iri: str, language: str) -> tuple[str, str | None]:
        """The label of a class, theme, city or graph in *language* (with fallbacks), and its
        language tag (None: untagged)."""
        known = self._picked.get((iri, language))
        if known is not None:
            return known
        texts = dict(self._rows("SELECT lang, text FROM term WHERE iri = ?", (iri,)))
        found = pick_text(
            {str(tag): str(text) for tag, text in texts.items()}, language, self.languages
        )
        picked = found if found is not None else (iri, None)
        with self._picked_lock:
            if len(self._picked) > 10_000:
                self._picked.clear()
            self._picked[(iri, language)] = picked
        return picked

    def collection_of(self, iri: str) -> str | None:
        """The first API collection listing *iri* (None: in none, or not indexed); a scan."""
        rows = self._rows("SELECT collection FROM item WHERE iri = ?", (iri,))
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    # --- class pages ------------------------------------------------------------------------

    def classes(self, vocabulary_graphs: Sequence[str]) -> list[tuple[str, int, int]] | None:
        """(class IRI, IRI instances, other instances) of every class, by IRI; None when the
        index left out other graphs than *vocabulary_graphs* (then ask the store)."""
        if frozenset(vocabulary_graphs) != self.vocabulary_graphs:
            return None
        rows = self._rows("SELECT iri, named, anonymous FROM class ORDER BY iri", ())
        return [(str(iri), int(named), int(anonymous)) for iri, named, anonymous in rows]

    def has_class(self, class_iri: str) -> bool:
        """Whether *class_iri* types something in the published graphs (so the data names it)."""
        return bool(self._rows("SELECT 1 FROM class WHERE iri = ?", (class_iri,)))

    def class_instances(
        self,
        class_iri: str,
        *,
        offset: int,
        limit: int,
        vocabulary_graphs: Sequence[str],
        within: str | None = None,
    ) -> tuple[int, int, list[str]] | None:
        """IRI instances and other instances of *class_iri*, and its IRI instances from
        *offset* (in IRI order, *limit* at most): a range read. None as for `classes`.

        With *within*, only the IRIs starting with it (none of the other instances, which have
        no IRI): a scan of the class's rows, as SPARQL's STRSTARTS would read them.
        """
        if frozenset(vocabulary_graphs) != self.vocabulary_graphs:
            return None
        found = self._rows("SELECT id, named, anonymous FROM class WHERE iri = ?", (class_iri,))
        if not found:
            return 0, 0, []
        number, named, anonymous = found[0]
        if within is not None:
            prefix = "class = ? AND substr(iri, 1, ?) = ?"
            parameters = (number, len(within), within)
            (named,) = self._rows(f"SELECT count(*) FROM instance WHERE {prefix}", parameters)[0]
            rows = self._rows(
                f"SELECT iri FROM instance WHERE {prefix} ORDER BY position LIMIT ? OFFSET ?",
                (*parameters, limit, offset),
            )
            return int(named), 0, [str(iri) for (iri,) in rows]
        rows = self._rows(
            "SELECT iri FROM instance WHERE class = ? AND position >= ? ORDER BY position LIMIT ?",
            (number, offset, limit),
        )
        return int(named), int(anonymous), [str(iri) for (iri,) in rows]

    # --- helpers ----------------------------------------------------------------------------

    def _language(self, language: str) -> str:
        if language in self.languages:
            return language
        primary = language.split("-", 1)[0].lower()
        for tag in self.languages:
            if tag.split("-", 1)[0].lower() == primary:
                return tag
        return self.languages[0]

    def _hits(self, page: list[tuple[int, int]], match: str) -> list[Hit]:
        if not page:
            return []
        numbers = json.dumps([number for number, _rank in page])
        items = {
            number: (iri, collection)
            for number, iri, collection in self._rows(
                "SELECT id, iri, collection FROM item WHERE id IN (SELECT value FROM json_each(?))",
                (numbers,),
            )
        }
        labels: dict[int, dict[str, str]] = {}
        for number, tag, text in self._rows(
            "SELECT item, lang, text FROM label WHERE item IN (SELECT value FROM json_each(?))",
            (numbers,),
        ):
            labels.setdefault(number, {})[tag] = text
        types: dict[int, list[str]] = {}
        for number, value in self._rows(
            "SELECT l.item, v.iri FROM link l JOIN value v ON v.id = l.value "
            "WHERE l.item IN (SELECT value FROM json_each(?)) AND l.facet = 'type'",
            (numbers,),
        ):
            types.setdefault(number, []).append(value)
        snippets: dict[int, str] = {}
        for number, description, name in self._rows(
            f"SELECT rowid, {_snippet(2)}, {_snippet(1)} FROM text WHERE text MATCH ? "
            f"AND {_ROWID} IN (SELECT value FROM json_each(?))",
            (match, numbers),
        ):
            # The passage of a description that matches, else of an alternative name (a label
            # that matches is shown as the label itself).
            for text in (str(description), str(name)):
                if MARK_START in text:
                    snippets[int(number)] = text
                    break
        return [
            Hit(
                iri=items[number][0],
                collection=items[number][1],
                labels=labels.get(number, {}),
                types=tuple(sorted(types.get(number, ()))),
                snippet=snippet_html(snippets.get(number, "")),
                rank=rank,
            )
            for number, rank in page
            if number in items
        ]

    def _facets(self, found: list[int]) -> dict[str, list[FacetValue]]:
        """Count the results having each value of the facets: from each result's values when
        they are few (PER_ITEM_COUNTING), else with one AND of bitmaps per value."""
        facets = self._facet_data()
        counted: dict[str, list[tuple[int, str]]] = {name: [] for name in FACETS}
        if len(found) <= facets.per_item_limit:
            starts, numbers, named = facets.starts, facets.numbers, facets.named
            counter: collections.Counter[int] = collections.Counter()
            for number in found:
                counter.update(numbers[starts[number] : starts[number + 1]])
            for value, count in counter.items():
                iri, facet = named[value]
                counted[facet].append((-count, iri))
        else:
            hits = bytearray(max((number >> 3 for number in found), default=0) + 1)
            for number in found:
                hits[number >> 3] |= 1 << (number & 7)
            chosen = int.from_bytes(hits, "little")
            for iri, facet, bits in facets.bitmaps:
                count = (chosen & bits).bit_count()
                if count:
                    counted[facet].append((-count, iri))
        return {
            facet: [FacetValue(iri, -negative) for negative, iri in sorted(values)[:FACET_VALUES]]
            for facet, values in counted.items()
        }

    def preload(self) -> None:
        """Read what the first search would otherwise wait for (the facets' bitmaps and each
        item's values)."""
        try:
            self._facet_data()
        except StoreError as error:  # a damaged file: the search that needs it reports it
            logger.warning("%s", error)

    def _facet_data(self) -> _FacetData:
        """The facets' bitmaps and each item's values, read on first use."""
        data = self._facets_read
        if data is None:
            rows = self._rows(
                "SELECT b.value, v.iri, b.facet, b.bits FROM bitmap b "
                "JOIN value v ON v.id = b.value",
                (),
            )
            bitmaps = [
                (str(iri), str(facet), int.from_bytes(bits, "little"))
                for _value, iri, facet, bits in rows
            ]
            named = {int(value): (str(iri), str(facet)) for value, iri, facet, _bits in rows}
            ((starts_bytes, numbers_bytes),) = self._rows(
                "SELECT starts, numbers FROM facet_items", ()
            )
            starts, numbers = array.array("I"), array.array("I")
            starts.frombytes(starts_bytes)
            numbers.frombytes(numbers_bytes)
            if sys.byteorder == "big":
                starts.byteswap()
                numbers.byteswap()
            items = max(len(starts) - 2, 1)
            limit = len(bitmaps) * (items // 64 + 1) // PER_ITEM_COUNTING
            data = self._facets_read = _FacetData(bitmaps, named, starts, numbers, limit)
        return data

    def _rows(self, sql: str, parameters: Sequence[object]) -> list[Any]:
        """The rows of *sql* (tuples of SQLite values), on this thread's connection."""
        if self._shared is not None:
            assert self._shared_lock is not None
            with self._shared_lock:
                return self._shared.execute(sql, parameters).fetchall()
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            raise StoreError(f"catalogue index: {error}") from error


def _snippet(column: int) -> str:
    return f"snippet(text, {column}, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_TOKENS})"


def _in_link(count: int, *, column: str = "o.item") -> str:
    placeholders = ", ".join("?" * count)
    return (
        f"{column} IN (SELECT item FROM link WHERE facet = ? AND value IN "
        f"(SELECT id FROM value WHERE iri IN ({placeholders})))"
    )
