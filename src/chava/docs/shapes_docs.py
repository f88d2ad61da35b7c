"""Documentation of the SHACL profile: what each shape targets and requires, and how strictly."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.docs.graph_index import RDF_TYPE, GraphIndex, Node, Value
from chava.labels import LABEL_PREDICATES, fetch_labels, local_name
from chava.stores.store import PublishedStore

SH: Final = namespaces.SH
TARGETS: Final = tuple(
    SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
)
LIST_VALUED: Final = frozenset(SH + name for name in ("in", "languageIn", "and", "or", "xone"))
DESCRIPTIVE: Final = frozenset(
    {
        RDF_TYPE.value,
        SH + "path",
        SH + "property",
        SH + "name",
        SH + "description",
        SH + "message",
        SH + "severity",
        SH + "order",
        SH + "group",
        SH + "deactivated",
        namespaces.RDFS + "label",
        namespaces.RDFS + "comment",
        namespaces.RDFS + "isDefinedBy",
        *TARGETS,
    }
)
"""Predicates of a shape that say what it is, not what it requires."""
SHAPE_NAMES: Final = (SH + "name", *(iri for iri in LABEL_PREDICATES if iri != SH + "name"))
"""What names a shape: its sh:name first (SHACL's own), then what names anything (chava.labels)."""


@dataclass(frozen=True)
class Constraint:
    """One requirement: the constraint component (e.g. sh:minCount) and its values."""

    component: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class PropertyShapeDoc:
    """What a shape requires of the values at one path."""

    anchor: str | None
    path: str
    """The path in SPARQL property-path syntax with compact IRIs (e.g. `^org:hasUnit`)."""
    path_iris: tuple[str, ...]
    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    min_count: int | None
    max_count: int | None
    constraints: tuple[Constraint, ...]
    severity: str
    messages: Mapping[str, str]


@dataclass(frozen=True)
class ShapeDoc:
    """A node shape: its targets, its own constraints and its property shapes."""

    iri: str | None
    anchor: str | None
    names: Mapping[str, str]
    descriptions: Mapping[str, str]
    targets: tuple[tuple[str, Value], ...]
    severity: str
    messages: Mapping[str, str]
    constraints: tuple[Constraint, ...]
    properties: tuple[PropertyShapeDoc, ...]


@dataclass(frozen=True)
class ShapesDoc:
    """Everything the shapes page shows; labels cover every IRI it mentions."""

    shapes: tuple[ShapeDoc, ...]
    labels: Mapping[str, Mapping[str, str]]


def document_shapes(
    store: PublishedStore, *, graphs: tuple[str, ...] = (namespaces.SHAPES_GRAPH,)
) -> ShapesDoc:
    """Read the shapes graph(s) of *store* into the documentation model."""
    index = GraphIndex.of_graphs(store, graphs)
    node_shapes = [
        subject
        for subject in index.subjects()
        if ox.NamedNode(SH + "NodeShape") in index.objects(subject, RDF_TYPE.value)
        or (
            any(index.objects(subject, target) for target in TARGETS)
            and not index.objects(subject, SH + "path")
        )
    ]
    shapes = tuple(
        _shape(index, node)
        for node in sorted(
            node_shapes, key=lambda node: (isinstance(node, ox.BlankNode), str(node))
        )
    )
    shapes = _unique_anchors(shapes)
    mentioned: set[str] = set()
    for shape in shapes:
        mentioned.update(value.iri for _, value in shape.targets if value.iri)
        for constraint in (
            *shape.constraints,
            *(c for prop in shape.properties for c in prop.constraints),
        ):
            mentioned.add(constraint.component)
            mentioned.update(value.iri for value in constraint.values if value.iri)
        mentioned.update(iri for prop in shape.properties for iri in prop.path_iris)
    return ShapesDoc(shapes, fetch_labels(store, mentioned))


def _unique_anchors(shapes: tuple[ShapeDoc, ...]) -> tuple[ShapeDoc, ...]:
    """A named property shape shared by several node shapes gets its anchor once, the first."""
    seen = {shape.anchor for shape in shapes if shape.anchor}
    unique: list[ShapeDoc] = []
    for shape in shapes:
        properties = []
        for prop in shape.properties:
            if prop.anchor is not None and prop.anchor in seen:
                prop = dataclasses.replace(prop, anchor=None)
            elif prop.anchor is not None:
                seen.add(prop.anchor)
            properties.append(prop)
        unique.append(dataclasses.replace(shape, properties=tuple(properties)))
    return tuple(unique)


def _shape(index: GraphIndex, node: Node) -> ShapeDoc:
    ordered = sorted(
        (
            (_order(index, target), _property_shape(index, target))
            for target in index.objects(node, SH + "property")
        ),
        key=lambda pair: pair[0],
    )
    return ShapeDoc(
        iri=node.value if isinstance(node, ox.NamedNode) else None,
        anchor=local_name(node.value) if isinstance(node, ox.NamedNode) else None,
        names=index.texts(node, *SHAPE_NAMES),
        descriptions=index.texts(node, SH + "description", namespaces.RDFS + "comment"),
        targets=tuple(
            (target, Value.of(value)) for target in TARGETS for value in index.objects(node, target)
        ),
        severity=_severity(index, node),
        messages=index.texts(node, SH + "message"),
        constraints=_constraints(index, node),
        properties=tuple(prop for _, prop in ordered),
    )


def _property_shape(index: GraphIndex, node: Node) -> PropertyShapeDoc:
    path_node = index.first(node, SH + "path")
    path, path_iris = _path(index, path_node) if path_node is not None else ("?", ())
    constraints = _constraints(index, node)
    return PropertyShapeDoc(
        anchor=local_name(node.value) if isinstance(node, ox.NamedNode) else None,
        path=path,
        path_iris=path_iris,
        names=index.texts(node, *SHAPE_NAMES),
        descriptions=index.texts(node, SH + "description", namespaces.RDFS + "comment"),
        min_count=_integer(index.first(node, SH + "minCount")),
        max_count=_integer(index.first(node, SH + "maxCount")),
        constraints=tuple(
            constraint
            for constraint in constraints
            if constraint.component not in (SH + "minCount", SH + "maxCount")
        ),
        severity=_severity(index, node),
        messages=index.texts(node, SH + "message"),
    )


def _constraints(index: GraphIndex, node: Node) -> tuple[Constraint, ...]:
    constraints: list[Constraint] = []
    for predicate, objects in index.predicates(node).items():
        if predicate in DESCRIPTIVE:
            continue
        values: list[Value] = []
        for target in objects:
            if predicate in LIST_VALUED:
                values.extend(_describe(index, item) for item in index.list_items(target))
            else:
                values.append(_describe(index, target))
        constraints.append(Constraint(predicate, tuple(values)))
    return tuple(constraints)


def _describe(index: GraphIndex, node: Node) -> Value:
    """A value; a blank node (a nested shape) becomes a short text of its constraints."""
    if not isinstance(node, ox.BlankNode):
        return Value.of(node)
    parts = [
        f"{namespaces.compact_iri(c.component)} "
        + ", ".join(v.text or namespaces.compact_iri(v.iri or "") for v in c.values)
        for c in _constraints(index, node)
    ]
    path = index.first(node, SH + "path")
    if path is not None:
        parts.insert(0, "sh:path " + _path(index, path)[0])
    return Value(text="[" + "; ".join(parts) + "]")


def _path(index: GraphIndex, node: Node, depth: int = 0) -> tuple[str, tuple[str, ...]]:
    """Write a SHACL path in SPARQL syntax, with the predicate IRIs it uses."""
    if isinstance(node, ox.NamedNode):
        return namespaces.compact_iri(node.value), (node.value,)
    if depth > 8 or not isinstance(node, ox.BlankNode):
        return "?", ()
    for predicate, operator in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = index.first(node, SH + predicate)
        if inner is not None:
            text, iris = _path(index, inner, depth + 1)
            return operator.format(text), iris
    separator, members = "/", index.list_items(node)
    alternatives = index.first(node, SH + "alternativePath")
    if alternatives is not None:
        separator, members = "|", index.list_items(alternatives)
    parts = [_path(index, member, depth + 1) for member in members]
    text = separator.join(text for text, _ in parts)
    return f"({text})", tuple(iri for _, iris in parts for iri in iris)


def _severity(index: GraphIndex, node: Node) -> str:
    severity = index.first(node, SH + "severity")
    return local_name(severity.value) if isinstance(severity, ox.NamedNode) else "Violation"


def _integer(node: Node | None) -> int | None:
    if isinstance(node, ox.Literal):
        try:
            return int(node.value)
        except ValueError:
            return None
    return None


def _order(index: GraphIndex, node: Node) -> tuple[float, str]:
    """Sort key of a property shape: its sh:order, then its path."""
    order = index.first(node, SH + "order")
    path = index.first(node, SH + "path")
    path_text = path.value if isinstance(path, ox.NamedNode) else "~"
    if isinstance(order, ox.Literal):
        try:
            return float(order.value), path_text
        except ValueError:
            pass
    return float("inf"), path_text
