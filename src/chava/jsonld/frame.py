"""Our JSON-LD framing engine: published frames evaluated against the store's quads directly.

It implements the subset of JSON-LD 1.1 framing our frames use, with pyld's semantics (the
tests prove the same triples on the bundled graph): a top-level `@type` selects nodes (or
`@id` one node); `@explicit` keeps only the listed properties; `@embed` is `@always` (embed,
except a node already on the path: a reference then), `@once` (embed the first time within one
top-level node) or `@never` (a reference); a subframe with properties and no `"@id": {}` keeps
only nodes having one of them. Nothing is expanded, flattened or compacted afterwards: nodes
are written straight into compact JSON with the terms of our context. Embedding stops
`MAX_EMBED_DEPTH` levels below the framed node: deeper nodes are given as references (their
`id`, `_:` for a blank node), as `@never` would, so a chain of thousands of blank nodes frames
into a document JSON parsers accept.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

import pyoxigraph as ox

from chava.jsonld.compact import (
    MAX_EMBED_DEPTH,
    RDF_TYPE,
    Compactor,
    Subject,
    compactor_for,
    value_order,
)
from chava.jsonld.context import Context, load_context

SMALL_FRAME: Final = 8
"""An explicit frame listing at most this many properties reads them one by one instead of
every statement of the node (a network node may have thousands of members)."""
ALWAYS: Final = "@always"
ONCE: Final = "@once"
NEVER: Final = "@never"
_FLAGS: Final = frozenset(("@embed", "@explicit", "@omitDefault", "@requireAll", "@id"))


@dataclass(frozen=True, eq=False)
class NodeFrame:
    """How to write one node: embedding flag, explicitness and the subframe of each property."""

    embed: str = ONCE
    explicit: bool = False
    properties: Mapping[str, NodeFrame] = field(default_factory=dict)
    """Subframes by expanded predicate IRI."""
    matches_any: bool = True
    """False when the subframe filters: a node must have one of *properties*."""
    reads: tuple[ox.NamedNode, ...] = ()
    """rdf:type and the listed predicates: all an explicit frame needs to read of a node."""


@dataclass(frozen=True)
class Frame:
    """A published frame: its name, the classes it selects, and its parsed node frame."""

    name: str
    types: tuple[str, ...]
    root: NodeFrame
    document: Mapping[str, Any] = field(repr=False)
    raw: bytes = field(repr=False)


def parse_frame(name: str, document: Mapping[str, Any], context: Context, raw: bytes) -> Frame:
    """Read a frame document; raise ValueError for a feature outside the supported subset."""
    types = document.get("@type", [])
    types = [types] if isinstance(types, str) else list(types)
    if not types or not all(isinstance(value, str) for value in types):
        raise ValueError(f"frame {name}: a top-level @type (class IRIs) is required")
    root = _parse_node(name, document, context, top=True)
    return Frame(name, tuple(context.expand_iri(t) for t in types), root, document, raw)


def _parse_node(
    name: str, document: Mapping[str, Any], context: Context, *, top: bool
) -> NodeFrame:
    properties: dict[str, NodeFrame] = {}
    for key, value in document.items():
        if key in ("@context", "@type") and top:
            continue
        if key in _FLAGS:
            continue
        if key.startswith("@"):
            raise ValueError(f"frame {name}: {key} is not supported")
        if not isinstance(value, dict):
            raise ValueError(f"frame {name}: the subframe of {key} must be an object")
        predicate = context.expand_iri(key)
        if predicate in properties:
            raise ValueError(f"frame {name}: two keys stand for <{predicate}>")
        properties[predicate] = _parse_node(name, value, context, top=False)
    embed = document.get("@embed", ONCE)
    if embed not in (ALWAYS, ONCE, NEVER):
        raise ValueError(f"frame {name}: @embed {embed!r} is not supported")
    if document.get("@requireAll", False):
        raise ValueError(f"frame {name}: @requireAll is not supported")
    identifier = document.get("@id")
    if identifier is not None and identifier != {}:
        raise ValueError(f"frame {name}: only the wildcard @id {{}} is supported")
    return NodeFrame(
        embed=embed,
        explicit=bool(document.get("@explicit", False)),
        properties=properties,
        matches_any=top or identifier == {} or not properties,
        reads=(RDF_TYPE, *(ox.NamedNode(iri) for iri in properties)),
    )


@cache
def load_frames() -> dict[str, Frame]:
    """Read the frames shipped with the package (`frames/<name>.json`), by name."""
    context = load_context()
    frames: dict[str, Frame] = {}
    folder = resources.files("chava.jsonld") / "frames"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            raw = entry.read_bytes()
            name = entry.name.removesuffix(".json")
            frames[name] = parse_frame(name, json.loads(raw), context, raw)
    return frames


class Framer:
    """Frames nodes of one store; node properties are read once per Framer (one request)."""

    def __init__(
        self,
        store: ox.Store,
        *,
        context: Context | None = None,
        graphs: Sequence[ox.NamedNode] | None = None,
    ) -> None:
        self.store = store
        self.compactor: Compactor = compactor_for(context or load_context())
        self.graphs = graphs
        self._properties: dict[Any, dict[ox.NamedNode, dict[Any, None]]] = {}
        self._partial: dict[Any, dict[ox.NamedNode, dict[Any, None]]] = {}
        self._views: dict[tuple[Any, NodeFrame], dict[ox.NamedNode, dict[Any, None]]] = {}

    def properties(self, subject: Subject) -> dict[ox.NamedNode, dict[Any, None]]:
        """The objects of *subject* by predicate, deduplicated across graphs (cached)."""
        found = self._properties.get(subject)
        if found is not None:
            return found
        found = {}
        for graph in self.graphs if self.graphs is not None else (None,):
            for quad in self.store.quads_for_pattern(subject, None, None, graph):
                objects = found.get(quad.predicate)
                if objects is None:
                    found[quad.predicate] = {quad.object: None}
                else:
                    objects[quad.object] = None
        self._properties[subject] = found
        return found

    def read_triples(self) -> list[ox.Triple]:
        """Every triple read so far: the document framing looked at (benchmarks compare on it)."""
        found: dict[ox.Triple, None] = {}
        for read in (self._properties, self._partial):
            for subject, properties in read.items():
                for predicate, values in properties.items():
                    for value in values:
                        found[ox.Triple(subject, predicate, value)] = None
        return list(found)

    def _read(self, subject: Subject, frame: NodeFrame) -> dict[ox.NamedNode, dict[Any, None]]:
        """The statements of *subject* the frame uses: each listed predicate of a small
        explicit frame, else (or when already read) every statement of the node."""
        view = self._views.get((subject, frame))
        if view is not None:
            return view
        if not frame.explicit or len(frame.reads) > SMALL_FRAME or subject in self._properties:
            view = self._views[(subject, frame)] = self.properties(subject)
            return view
        partial = self._partial.get(subject)
        if partial is None:
            partial = self._partial[subject] = {}
        for predicate in frame.reads:
            if predicate not in partial:
                objects: dict[Any, None] = {}
                for graph in self.graphs if self.graphs is not None else (None,):
                    for quad in self.store.quads_for_pattern(subject, predicate, None, graph):
                        objects[quad.object] = None
                partial[predicate] = objects
        view = {predicate: partial[predicate] for predicate in frame.reads if partial[predicate]}
        self._views[(subject, frame)] = view
        return view

    def subjects_of_types(self, types: Iterable[str]) -> list[Subject]:
        """Every subject having one of *types*, sorted by IRI (blank nodes last)."""
        found: dict[Any, None] = {}
        for type_iri in types:
            target = ox.NamedNode(type_iri)
            for graph in self.graphs if self.graphs is not None else (None,):
                for quad in self.store.quads_for_pattern(None, RDF_TYPE, target, graph):
                    found[quad.subject] = None
        return sorted(found, key=lambda s: (isinstance(s, ox.BlankNode), s.value))

    def has_type(self, subject: Subject, types: Iterable[str]) -> bool:
        """Whether *subject* has one of *types*."""
        values = self.properties(subject).get(RDF_TYPE, {})
        return any(ox.NamedNode(type_iri) in values for type_iri in types)

    def frame_node(self, subject: Subject, frame: Frame) -> dict[str, Any]:
        """Return the framed node object of *subject* (no @context)."""
        return self._node(subject, frame.root, [subject], set())

    def frame_document(
        self, frame: Frame, *, context_url: str, subjects: Sequence[Subject] | None = None
    ) -> dict[str, Any]:
        """Return `{"@context", "@graph"}` with every node the frame selects (or *subjects*)."""
        chosen = self.subjects_of_types(frame.types) if subjects is None else subjects
        return {"@context": context_url, "@graph": [self.frame_node(s, frame) for s in chosen]}

    def _node(
        self, subject: Subject, frame: NodeFrame, stack: list[Any], embedded: set[Any]
    ) -> dict[str, Any]:
        compactor = self.compactor
        node: dict[str, Any] = {
            "id": subject.value if isinstance(subject, ox.NamedNode) else "_:" + subject.value
        }
        entries: dict[str, Any] = {}
        implicit: NodeFrame | None = None
        for predicate, objects in self._read(subject, frame).items():
            if predicate == RDF_TYPE:
                compactor.add_types(node, objects, entries)
                continue
            iri = predicate.value
            subframe = frame.properties.get(iri)
            if subframe is None:
                if frame.explicit:
                    continue
                if implicit is None:
                    implicit = NodeFrame(embed=frame.embed, explicit=frame.explicit)
                subframe = implicit
            for value in sorted(objects, key=value_order) if len(objects) > 1 else objects:
                if isinstance(value, ox.Literal):
                    compactor.add_value(entries, iri, value)
                    continue
                if not subframe.matches_any and not self._has_any(value, subframe):
                    continue
                if (
                    subframe.embed == NEVER
                    or len(stack) > MAX_EMBED_DEPTH
                    or value in stack
                    or (subframe.embed == ONCE and value in embedded)
                ):
                    compactor.add_value(entries, iri, value)
                    continue
                embedded.add(value)
                stack.append(value)
                child = self._node(value, subframe, stack, embedded)
                stack.pop()
                compactor.add_value(entries, iri, child)
        return compactor.finish(entries, node)

    def _has_any(self, value: Any, frame: NodeFrame) -> bool:
        properties = self.properties(value)
        return any(ox.NamedNode(iri) in properties for iri in frame.properties)


class NodeCache:
    """Framed nodes of one build, least recently used dropped first (a build never changes)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._nodes: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> dict[str, Any] | None:
        """The cached node, or None."""
        with self._lock:
            node = self._nodes.get(key)
            if node is not None:
                self._nodes.move_to_end(key)
            return node

    def put(self, key: Hashable, node: dict[str, Any]) -> None:
        """Keep *node* (callers never mutate it afterwards)."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._nodes[key] = node
            self._nodes.move_to_end(key)
            while len(self._nodes) > self.capacity:
                self._nodes.popitem(last=False)


def keep_language(
    value: Any, language: str, fallbacks: Sequence[str], map_terms: frozenset[str]
) -> Any:
    """Reduce every language map to one language: *language*, else a fallback, else any."""
    if isinstance(value, list):
        return [keep_language(item, language, fallbacks, map_terms) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key in map_terms and isinstance(item, dict) and item:
            for tag in (language, *fallbacks, "@none", *sorted(item)):
                if tag in item:
                    result[key] = {tag: item[tag]}
                    break
        else:
            result[key] = keep_language(item, language, fallbacks, map_terms)
    return result
