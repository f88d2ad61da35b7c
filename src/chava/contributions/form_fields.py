"""The fields of a contribution form, generated from the SHACL profile in the published store.

For a kind, every property shape of the node shapes targeting its classes (or their
superclasses, through the ontology's `rdfs:subClassOf`) with a simple path becomes a field;
shapes on the same path merge. The constraints choose the widget and its rules:

- `sh:in` -> a closed list; `sh:class C` where C is a `skos:Concept` class -> a closed list of
  C's concepts (a concept scheme as choices); any other `sh:class` -> a link to an existing
  resource of that class, picked by search (never typed as an IRI);
- `sh:datatype rdf:langString` -> one text per language of the publication (`languages`);
  `xsd:date`, `xsd:integer`, `xsd:decimal`, `xsd:boolean`, `xsd:string` -> inputs of that type;
  `sh:nodeKind sh:IRI` -> a web address (http or https only);
- `sh:minCount` at Violation makes a field required, at Warning recommended; `sh:maxCount`
  bounds the values; `sh:name` and `sh:description` are the label and help text, `sh:message`
  the error shown next to the field; `sh:order` orders fields.

What chava states itself (types, source, provenance) never becomes a field.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

import pyoxigraph as ox

from chava import namespaces as ns
from chava.contributions.kinds import Kind
from chava.labels import fetch_labels
from chava.stores.store import PublishedStore

TEXTS, CHOICE, LINK, URL, DATE, INTEGER, DECIMAL, BOOLEAN, TEXT = (
    "texts",
    "choice",
    "link",
    "url",
    "date",
    "integer",
    "decimal",
    "boolean",
    "text",
)
DATATYPE_WIDGETS: Final = {
    ns.XSD + "date": DATE,
    ns.XSD + "integer": INTEGER,
    ns.XSD + "decimal": DECIMAL,
    ns.XSD + "boolean": BOOLEAN,
    ns.XSD + "string": TEXT,
    ns.XSD + "anyURI": URL,
}
SET_BY_CHAVA: Final = frozenset(
    {ns.RDF + "type", ns.DCTERMS + "source", ns.PROV + "wasGeneratedBy"}
)
"""Paths chava fills in itself: the kind's types, the contribution as source, provenance."""
LABEL: Final = ns.RDFS + "label"
LONG_TEXTS: Final = frozenset({ns.SKOS + "note", ns.SCHEMA + "description"})
"""Texts shown as several lines."""

_SH = ns.SH
_SUB_CLASS_OF = ox.NamedNode(ns.RDFS + "subClassOf")
_TYPE = ox.NamedNode(ns.RDF + "type")
_FIRST, _REST, _NIL = (ox.NamedNode(ns.RDF + name) for name in ("first", "rest", "nil"))
_CONCEPT = ns.SKOS + "Concept"
_MAX_LIST = 1000
_MAX_CHOICES = 300
"""A class with more instances is offered as a search, not as a list."""


@dataclass(frozen=True)
class Choice:
    """One value of a closed list."""

    iri: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Field:
    """One property of the proposed resource, as the form asks for it."""

    key: str
    """The form control's name (the compact path: `rdfs-label`)."""
    path: str
    widget: str
    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    messages: Mapping[str, str]
    required: bool
    recommended: bool
    max_count: int | None
    datatype: str | None = None
    classes: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    pattern: str | None = None
    order: float = 1000.0

    @property
    def repeatable(self) -> bool:
        """Whether the field takes several values."""
        return self.max_count is None or self.max_count > 1

    @property
    def long(self) -> bool:
        """Whether its texts span several lines."""
        return self.path in LONG_TEXTS

    @property
    def main(self) -> bool:
        """Shown first; the others are folded under "more details"."""
        return self.required or self.recommended or self.order < 1000 or self.widget == TEXTS


@dataclass(frozen=True)
class Form:
    """The fields of one kind's form, in order, and the languages its texts are asked in."""

    kind: Kind
    fields: tuple[Field, ...]
    languages: tuple[str, ...]

    def by_key(self, key: str) -> Field | None:
        """The field named *key*."""
        return next((item for item in self.fields if item.key == key), None)

    def by_path(self, path: str) -> Field | None:
        """The field of the property *path*."""
        return next((item for item in self.fields if item.path == path), None)


@dataclass
class _Merged:
    path: str
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    min_violation: int = 0
    min_warning: int = 0
    max_count: int | None = None
    datatypes: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    values: list[str] | None = None
    iri_only: bool = False
    pattern: str | None = None
    order: float = 1000.0


def form_for(kind: Kind, store: PublishedStore, languages: Iterable[str]) -> Form:
    """Generate the form of *kind* from the profile the published *store* holds."""
    graph = store.oxigraph
    targets = superclasses(graph, kind.classes)
    merged: dict[str, _Merged] = {}
    for node_shape in _subjects(graph, ox.NamedNode(_SH + "targetClass"), targets):
        if _deactivated(graph, node_shape):
            continue
        for shape in _objects(graph, node_shape, _SH + "property"):
            if isinstance(shape, ox.Literal) or _deactivated(graph, shape):
                continue
            path = next(_objects(graph, shape, _SH + "path"), None)
            if not isinstance(path, ox.NamedNode) or path.value in SET_BY_CHAVA:
                continue
            _merge(graph, shape, merged.setdefault(path.value, _Merged(path.value)))
    fields = [made for item in merged.values() if (made := _field(graph, store, item))]
    fields.sort(key=_position)
    return Form(kind, tuple(fields), tuple(languages))


def superclasses(graph: ox.Store, classes: Iterable[str]) -> set[str]:
    """*classes* and every class they are `rdfs:subClassOf`, transitively."""
    found, pending = set(classes), list(classes)
    while pending:
        for parent in _objects(graph, ox.NamedNode(pending.pop()), ns.RDFS + "subClassOf"):
            if isinstance(parent, ox.NamedNode) and parent.value not in found:
                found.add(parent.value)
                pending.append(parent.value)
    return found


def subclasses(graph: ox.Store, cls: str) -> set[str]:
    """*cls* and every class that is `rdfs:subClassOf` it, transitively."""
    found, pending = {cls}, [cls]
    while pending:
        for quad in graph.quads_for_pattern(None, _SUB_CLASS_OF, ox.NamedNode(pending.pop())):
            child = quad.subject
            if isinstance(child, ox.NamedNode) and child.value not in found:
                found.add(child.value)
                pending.append(child.value)
    return found


def instances_of(graph: ox.Store, cls: str, *, limit: int | None = None) -> list[str]:
    """The IRIs typed with *cls* or one of its subclasses (at most *limit*), sorted."""
    found: set[str] = set()
    for member in subclasses(graph, cls):
        for quad in graph.quads_for_pattern(None, _TYPE, ox.NamedNode(member)):
            if isinstance(quad.subject, ox.NamedNode):
                found.add(quad.subject.value)
                if limit is not None and len(found) > limit:
                    return sorted(found)
    return sorted(found)


def _merge(graph: ox.Store, shape: ox.NamedNode | ox.BlankNode, into: _Merged) -> None:
    severity = next(_objects(graph, shape, _SH + "severity"), None)
    warning = isinstance(severity, ox.NamedNode) and severity.value != _SH + "Violation"
    for target, predicate in (
        (into.names, "name"),
        (into.descriptions, "description"),
        (into.messages, "message"),
    ):
        for text in _objects(graph, shape, _SH + predicate):
            if isinstance(text, ox.Literal):
                target.setdefault(text.language or "", text.value)
    minimum = _integer(graph, shape, "minCount")
    if minimum:
        if warning:
            into.min_warning = max(into.min_warning, minimum)
        else:
            into.min_violation = max(into.min_violation, minimum)
    maximum = _integer(graph, shape, "maxCount")
    if maximum is not None and not warning:
        into.max_count = maximum if into.max_count is None else min(into.max_count, maximum)
    into.datatypes |= {term.value for term in _objects(graph, shape, _SH + "datatype")}
    into.classes |= {term.value for term in _objects(graph, shape, _SH + "class")}
    for listed in _objects(graph, shape, _SH + "in"):
        into.values = [
            term.value for term in _list(graph, listed) if isinstance(term, ox.NamedNode)
        ]
    kind = next(_objects(graph, shape, _SH + "nodeKind"), None)
    if isinstance(kind, ox.NamedNode) and kind.value == _SH + "IRI":
        into.iri_only = True
    pattern = next(_objects(graph, shape, _SH + "pattern"), None)
    if isinstance(pattern, ox.Literal):
        into.pattern = pattern.value
    order = next(_objects(graph, shape, _SH + "order"), None)
    if isinstance(order, ox.Literal):
        with contextlib.suppress(ValueError):
            into.order = min(into.order, float(order.value))


def _field(graph: ox.Store, store: PublishedStore, item: _Merged) -> Field | None:
    choices: tuple[Choice, ...] = ()
    widget: str | None = None
    if item.values is not None:
        widget, choices = CHOICE, _choices(store, item.values)
    elif ns.RDF + "langString" in item.datatypes:
        widget = TEXTS
    elif item.classes:
        concepts = all(_CONCEPT in superclasses(graph, [cls]) for cls in item.classes)
        members = _common_instances(graph, item.classes) if concepts else None
        if members is not None and len(members) <= _MAX_CHOICES:
            widget, choices = CHOICE, _choices(store, members)
        else:
            widget = LINK
    elif item.datatypes:
        widget = next((DATATYPE_WIDGETS[d] for d in item.datatypes if d in DATATYPE_WIDGETS), None)
    elif item.iri_only:
        widget = URL
    if widget is None:
        return None  # nothing to ask (sh:not alone): left to stewards and machines
    order = 0.0 if item.path == LABEL else item.order
    return Field(
        key=field_key(item.path),
        path=item.path,
        widget=widget,
        names=item.names or {"": ns.compact_iri(item.path)},
        descriptions=item.descriptions,
        messages=item.messages,
        required=item.min_violation > 0,
        recommended=item.min_violation == 0 and item.min_warning > 0,
        max_count=item.max_count,
        datatype=next(iter(sorted(item.datatypes)), None),
        classes=tuple(sorted(item.classes)),
        choices=choices,
        pattern=item.pattern,
        order=order,
    )


def field_key(path: str) -> str:
    """The form control name of a property: its compact IRI with `-` for `:` (`rdfs-label`)."""
    compact = ns.compact_iri(path)
    if compact.startswith("<"):
        return "p" + hashlib.sha256(path.encode()).hexdigest()[:12]
    return compact.replace(":", "-")


def _choices(store: PublishedStore, iris: list[str]) -> tuple[Choice, ...]:
    labels = fetch_labels(store, iris)
    return tuple(Choice(iri, labels.get(iri, {})) for iri in iris)


def _common_instances(graph: ox.Store, classes: Iterable[str]) -> list[str] | None:
    """Instances of every class (None when one class has too many to list)."""
    common: set[str] | None = None
    for cls in classes:
        members = instances_of(graph, cls, limit=_MAX_CHOICES)
        if len(members) > _MAX_CHOICES:
            return None
        common = set(members) if common is None else common & set(members)
    return sorted(common or ())


def _position(item: Field) -> tuple[int, float, int, str]:
    rank = 0 if item.required else 1 if item.recommended else 2
    return (0 if item.main else 1, item.order, rank, item.key)


def _subjects(
    graph: ox.Store, predicate: ox.NamedNode, objects: Iterable[str]
) -> Iterator[ox.NamedNode | ox.BlankNode]:
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    for value in sorted(objects):
        for quad in graph.quads_for_pattern(None, predicate, ox.NamedNode(value)):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode | ox.BlankNode) and subject not in seen:
                seen.add(subject)
                yield subject


def _objects(
    graph: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str
) -> Iterator[ox.NamedNode | ox.BlankNode | ox.Literal]:
    for quad in graph.quads_for_pattern(subject, ox.NamedNode(predicate), None):
        value = quad.object
        if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            yield value


def _integer(graph: ox.Store, shape: ox.NamedNode | ox.BlankNode, name: str) -> int | None:
    value = next(_objects(graph, shape, _SH + name), None)
    if isinstance(value, ox.Literal):
        try:
            return int(value.value)
        except ValueError:
            return None
    return None


def _deactivated(graph: ox.Store, shape: ox.NamedNode | ox.BlankNode) -> bool:
    flag = next(_objects(graph, shape, _SH + "deactivated"), None)
    return isinstance(flag, ox.Literal) and flag.value in ("true", "1")


def _list(graph: ox.Store, head: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[object]:
    items: list[object] = []
    node: object = head
    while isinstance(node, ox.BlankNode | ox.NamedNode) and node != _NIL and len(items) < _MAX_LIST:
        first = next(graph.quads_for_pattern(node, _FIRST, None), None)
        rest = next(graph.quads_for_pattern(node, _REST, None), None)
        if first is None or rest is None:
            break
        items.append(first.object)
        node = rest.object
    return items
