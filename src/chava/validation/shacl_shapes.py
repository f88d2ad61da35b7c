"""A SHACL shapes graph read into typed shapes, for the engine that compiles them to SPARQL.

Reads the SHACL Core shapes `chava.validation.shacl_sparql` knows how to compile: targets, predicate
and complex paths, value type, cardinality, value range, string, language, property pair, logical,
shape-based and other constraints (`SUPPORTED` below). A shape that uses anything else
(SHACL-SPARQL `sh:sparql`, SHACL-AF, a constraint component declared in the shapes graph,
`sh:qualifiedValueShapesDisjoint`, a recursive shape, a malformed parameter) raises
`UnsupportedShapeError` with the reason: the engine hands that shape to another engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.validation.shacl_model import SH, TARGETS, Constraint, Shape, Term, UnsupportedShapeError

__all__ = [
    "SH",
    "TARGETS",
    "Constraint",
    "Shape",
    "ShapesGraph",
    "Term",
    "UnsupportedShapeError",
    "sparql_path",
]

RDF_TYPE: Final = namespaces.RDF + "type"
SHAPE_TYPES: Final = frozenset({SH + "NodeShape", SH + "PropertyShape"})
ANNOTATIONS: Final = frozenset(
    SH + name
    for name in (
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "message",
        "severity",
        "deactivated",
        "path",
        "property",
        "flags",
        "ignoredProperties",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "declare",
        "prefixes",
        "shapesGraph",
        "suggestedShapesGraph",
        *TARGETS,
    )
)
"""Parameters read with others, and annotations: no constraint of their own."""
SUPPORTED: Final = frozenset(
    (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "in",
        "hasValue",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "qualifiedValueShape",
        "closed",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
    )
)
"""The constraint parameters the compiler reads."""
PATH_OPERATORS: Final = {
    SH + "inversePath": ("^(", ")"),
    SH + "zeroOrMorePath": ("(", ")*"),
    SH + "oneOrMorePath": ("(", ")+"),
    SH + "zeroOrOnePath": ("(", ")?"),
}


class ShapesGraph:
    """The shapes graph indexed by subject, and its shapes parsed on demand."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.index: dict[Term | ox.Triple, dict[str, list[Term]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for quad in quads:
            value = quad.object
            if not isinstance(value, ox.Triple):
                self.index[quad.subject][quad.predicate.value].append(value)
        self._parsed: dict[Term, Shape] = {}
        self.custom_parameters = self._custom_parameters()

    def values(self, node: Term, predicate: str) -> list[Term]:
        """The objects of *node* and *predicate*."""
        properties = self.index.get(node)
        return properties.get(predicate, []) if properties is not None else []

    def items(self, head: Term) -> list[Term]:
        """The members of an RDF list; raises UnsupportedShapeError for a malformed one."""
        members: list[Term] = []
        node = head
        seen: set[Term] = set()
        while node != ox.NamedNode(namespaces.RDF + "nil"):
            first = self.values(node, namespaces.RDF + "first")
            rest = self.values(node, namespaces.RDF + "rest")
            if node in seen or len(first) != 1 or len(rest) != 1:
                raise UnsupportedShapeError(f"malformed RDF list at {node}")
            seen.add(node)
            members.append(first[0])
            node = rest[0]
        return members

    def target_shapes(self) -> list[tuple[Term, bool]]:
        """The shapes with a target, in a stable order, each with whether it is an implicit
        class target (a shape that is also an rdfs:Class, as pyshacl reads it)."""
        rdfs_class = ox.NamedNode(namespaces.RDFS + "Class")
        classes = {rdfs_class} | {
            subject
            for subject, properties in self.index.items()
            if rdfs_class in properties.get(namespaces.RDFS + "subClassOf", [])
        }
        found: list[tuple[Term, bool]] = []
        for subject, properties in self.index.items():
            if isinstance(subject, ox.Triple):
                continue
            types = set(properties.get(RDF_TYPE, []))
            is_shape = any(t.value in SHAPE_TYPES for t in types if isinstance(t, ox.NamedNode))
            implicit = is_shape and bool(classes & types)
            if implicit or any(SH + target in properties for target in TARGETS):
                found.append((subject, implicit))
        return sorted(found, key=lambda item: str(item[0]))

    def shape(self, node: Term, stack: tuple[Term, ...] = ()) -> Shape:
        """The shape at *node*; raises UnsupportedShapeError (why) for what is not compiled."""
        if node in stack:
            raise UnsupportedShapeError(f"recursive shape {node}")
        if node in self._parsed:
            return self._parsed[node]
        shape = _ShapeReader(self, node, (*stack, node)).read()
        self._parsed[node] = shape
        return shape

    def _custom_parameters(self) -> set[str]:
        """Parameters of constraint components declared in the shapes graph (SHACL-SPARQL)."""
        component = ox.NamedNode(SH + "ConstraintComponent")
        parameters: set[str] = set()
        for _subject, properties in self.index.items():
            if component in properties.get(RDF_TYPE, []):
                for parameter in properties.get(SH + "parameter", []):
                    for path in self.values(parameter, SH + "path"):
                        parameters.add(path.value)
        return parameters


class _ShapeReader:
    """Read one shape's parameters into a Shape."""

    def __init__(self, graph: ShapesGraph, node: Term, stack: tuple[Term, ...]) -> None:
        self.graph = graph
        self.node = node
        self.stack = stack
        self.properties = graph.index.get(node, {})

    def read(self) -> Shape:
        """The shape, its constraints and property shapes; UnsupportedShapeError if need be."""
        for predicate in self.properties:
            if predicate in self.graph.custom_parameters:
                raise UnsupportedShapeError(
                    f"{self.node}: constraint component parameter <{predicate}>"
                )
            local = predicate.removeprefix(SH)
            if predicate.startswith(SH) and predicate not in ANNOTATIONS and local not in SUPPORTED:
                raise UnsupportedShapeError(f"{self.node}: sh:{local}")
        paths = self.properties.get(SH + "path", [])
        if len(paths) > 1:
            raise UnsupportedShapeError(f"{self.node}: several sh:path")
        severities = self.properties.get(SH + "severity", [])
        shape = Shape(
            node=self.node,
            path=sparql_path(self.graph, paths[0]) if paths else None,
            path_node=paths[0] if paths else None,
            severity=severities[0].value if severities else SH + "Violation",
            messages=tuple(
                m for m in self.properties.get(SH + "message", []) if isinstance(m, ox.Literal)
            ),
            deactivated=any(
                isinstance(v, ox.Literal) and v.value == "true"
                for v in self.properties.get(SH + "deactivated", [])
            ),
            targets={name: tuple(self.properties.get(SH + name, [])) for name in TARGETS},
        )
        shape.constraints = list(self._constraints(shape))
        shape.properties = [
            self.graph.shape(child, self.stack)
            for child in self.properties.get(SH + "property", [])
        ]
        if shape.path is not None and (
            shape.properties or any(c.component == "Closed" for c in shape.constraints)
        ):
            raise UnsupportedShapeError(
                f"{self.node}: sh:property or sh:closed on a property shape"
            )
        return shape

    def _constraints(self, shape: Shape) -> Iterable[Constraint]:
        one = self._one
        for name in ("class", "hasValue", "equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for value in self.properties.get(SH + name, []):
                yield Constraint(
                    _component(name), self._iri(value) if name != "hasValue" else value
                )
        for name in ("datatype", "nodeKind"):
            if (kind := one(name)) is not None:
                yield Constraint(_component(name), self._iri(kind))
        for name in ("minCount", "maxCount", "minLength", "maxLength"):
            if (count := one(name)) is not None:
                yield Constraint(_component(name), self._integer(name, count))
        for name in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            if (bound := one(name)) is not None:
                if not isinstance(bound, ox.Literal):
                    raise UnsupportedShapeError(f"{self.node}: sh:{name} is not a literal")
                yield Constraint(_component(name), bound)
        yield from self._string_constraints()
        for name in ("not", "node"):
            for value in self.properties.get(SH + name, []):
                yield Constraint(_component(name), self.graph.shape(value, self.stack))
        for name in ("and", "or", "xone"):
            for value in self.properties.get(SH + name, []):
                members = self.graph.items(value)
                yield Constraint(
                    _component(name), tuple(self.graph.shape(m, self.stack) for m in members)
                )
        if (listed := one("in")) is not None:
            yield Constraint("In", tuple(self.graph.items(listed)))
        yield from self._qualified()
        if (closed := one("closed")) is not None and _true(closed):
            yield Constraint("Closed", self._closed())
        if shape.path is None and any(
            SH + name in self.properties
            for name in (
                "minCount",
                "maxCount",
                "uniqueLang",
                "qualifiedValueShape",
                "equals",
                "disjoint",
                "lessThan",
                "lessThanOrEquals",
            )
        ):
            raise UnsupportedShapeError(f"{self.node}: a property constraint on a node shape")

    def _string_constraints(self) -> Iterable[Constraint]:
        patterns = self.properties.get(SH + "pattern", [])
        if len(patterns) > 1:
            raise UnsupportedShapeError(f"{self.node}: several sh:pattern")
        if patterns:
            flags = self._one("flags")
            if not isinstance(patterns[0], ox.Literal) or (
                flags is not None and not isinstance(flags, ox.Literal)
            ):
                raise UnsupportedShapeError(f"{self.node}: sh:pattern or sh:flags is not a literal")
            yield Constraint("Pattern", (patterns[0].value, flags.value if flags else ""))
        if (languages := self._one("languageIn")) is not None:
            tags = self.graph.items(languages)
            if not all(isinstance(tag, ox.Literal) for tag in tags):
                raise UnsupportedShapeError(f"{self.node}: sh:languageIn has a non-literal")
            yield Constraint("LanguageIn", tuple(tag.value.lower() for tag in tags))
        if (unique := self._one("uniqueLang")) is not None and _true(unique):
            yield Constraint("UniqueLang", True)

    def _qualified(self) -> Iterable[Constraint]:
        shapes = self.properties.get(SH + "qualifiedValueShape", [])
        if not shapes:
            return
        disjoint = self._one("qualifiedValueShapesDisjoint")
        if len(shapes) > 1 or (disjoint is not None and _true(disjoint)):
            raise UnsupportedShapeError(
                f"{self.node}: sh:qualifiedValueShapesDisjoint or several shapes"
            )
        inner = self.graph.shape(shapes[0], self.stack)
        for name in ("qualifiedMinCount", "qualifiedMaxCount"):
            if (value := self._one(name)) is not None:
                yield Constraint(_component(name), (inner, self._integer(name, value)))

    def _closed(self) -> frozenset[str]:
        allowed: set[str] = set()
        for child in self.properties.get(SH + "property", []):
            allowed.update(
                p.value
                for p in self.graph.values(child, SH + "path")
                if isinstance(p, ox.NamedNode)
            )
        for head in self.properties.get(SH + "ignoredProperties", []):
            allowed.update(self._iri(item).value for item in self.graph.items(head))
        return frozenset(allowed)

    def _one(self, name: str) -> Term | None:
        values = self.properties.get(SH + name, [])
        if len(values) > 1:
            raise UnsupportedShapeError(f"{self.node}: several sh:{name}")
        return values[0] if values else None

    def _iri(self, value: Term) -> ox.NamedNode:
        if not isinstance(value, ox.NamedNode):
            raise UnsupportedShapeError(f"{self.node}: {value} is not an IRI")
        return value

    def _integer(self, name: str, value: Term) -> int:
        if isinstance(value, ox.Literal) and value.datatype.value == namespaces.XSD + "integer":
            try:
                number = int(value.value)
            except ValueError:
                number = -1
            if number >= 0:
                return number
        raise UnsupportedShapeError(f"{self.node}: sh:{name} {value} is not a non-negative integer")


def sparql_path(graph: ShapesGraph, node: Term, depth: int = 0) -> str:
    """A SHACL property path as a SPARQL property path (UnsupportedShapeError: a bad one)."""
    if isinstance(node, ox.NamedNode):
        return str(node)
    if depth > 20 or isinstance(node, ox.Literal):
        raise UnsupportedShapeError(f"malformed path {node}")
    if graph.values(node, namespaces.RDF + "first"):
        steps = [sparql_path(graph, step, depth + 1) for step in graph.items(node)]
        if len(steps) < 2:
            raise UnsupportedShapeError(f"a sequence path of {len(steps)} step")
        return "(" + " / ".join(steps) + ")"
    alternatives = graph.values(node, SH + "alternativePath")
    if len(alternatives) == 1:
        options = [sparql_path(graph, option, depth + 1) for option in graph.items(alternatives[0])]
        if len(options) < 2:
            raise UnsupportedShapeError(f"an alternative path of {len(options)} option")
        return "(" + " | ".join(options) + ")"
    for predicate, (before, after) in PATH_OPERATORS.items():
        inner = graph.values(node, predicate)
        if len(inner) == 1:
            return before + sparql_path(graph, inner[0], depth + 1) + after
    raise UnsupportedShapeError(f"malformed path {node}")


def _component(parameter: str) -> str:
    """`minCount` -> `MinCount`; `class` -> `Class`."""
    return parameter[0].upper() + parameter[1:]


def _true(value: Term) -> bool:
    """Only `true` turns a boolean parameter on (`"1"^^xsd:boolean` does not, says SHACL)."""
    return isinstance(value, ox.Literal) and value.value == "true"
