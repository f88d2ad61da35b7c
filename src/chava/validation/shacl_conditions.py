"""SHACL shapes as SPARQL boolean expressions: does a node conform, does a value pass.

`Conditions` writes, for a node held by a SPARQL variable, the expression true when it
conforms to a shape (`conforms`) or passes one value constraint (`value_test`): node tests
(datatype, node kind, class, pattern, range, length, language, `sh:in`), logical and
shape-based constraints by composition, and the property shapes among them with EXISTS.
Expressions never raise a SPARQL error: a comparison that fails counts as not conforming, as
in pyshacl. `chava.validation.shacl_sparql` builds the queries of the shapes with a target on it.

The semantics follow pyshacl, the reference engine, where SHACL leaves room (language ranges of
`sh:languageIn` match a tag or its first subtag; `sh:datatype` refuses the literals
`chava.validation.literal_check` finds ill-typed; a literal the store keeps verbatim is compared by
value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.validation.literal_check import VERBATIM_DATATYPE
from chava.validation.shacl_shapes import SH, Constraint, Shape, Term, UnsupportedShapeError

RDF: Final = namespaces.RDF
XSD: Final = namespaces.XSD
TYPE: Final = f"<{RDF}type>"
SUB_CLASS_OF: Final = f"<{namespaces.RDFS}subClassOf>"
VALUE_COMPONENTS: Final = frozenset(
    (
        "Class",
        "Datatype",
        "NodeKind",
        "MinExclusive",
        "MinInclusive",
        "MaxExclusive",
        "MaxInclusive",
        "MinLength",
        "MaxLength",
        "Pattern",
        "LanguageIn",
        "In",
        "Not",
        "And",
        "Or",
        "Xone",
        "Node",
    )
)
"""Constraints checked on each value node, one by one."""
COMPARISONS: Final = {
    "MinExclusive": ">",
    "MinInclusive": ">=",
    "MaxExclusive": "<",
    "MaxInclusive": "<=",
}
NODE_KINDS: Final = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
INTEGERS: Final = (
    "integer",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "nonNegativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
)
VALUES: Final = (
    "decimal",
    "float",
    "double",
    "boolean",
    "dateTime",
    "date",
    "time",
    "duration",
    "dayTimeDuration",
    "yearMonthDuration",
    "gYear",
    "gYearMonth",
    "gMonthDay",
    "gDay",
    "gMonth",
)
CASTS: Final = {
    **{XSD + name: f"<{XSD}integer>" for name in INTEGERS},
    **{XSD + name: f"<{XSD}{name}>" for name in VALUES},
}
"""The cast that reads a verbatim literal of a datatype back into a comparable value."""
MAX_DISTINCT: Final = 4
"""Counts in nested shapes are written as that many distinct variables: beyond, not compiled."""


def term(node: Term) -> str:
    """A constant in SPARQL syntax; a blank node cannot be one (not compiled)."""
    if isinstance(node, ox.BlankNode):
        raise UnsupportedShapeError(f"a blank node as a constant: {node}")
    return str(node)


def string(text: str) -> str:
    """A SPARQL string literal."""
    return str(ox.Literal(text))


class Conditions:
    """Write the conformance expressions of shapes and the tests of value constraints."""

    def __init__(
        self,
        ill_typed: Callable[[str], Sequence[ox.Literal]],
        axioms: ox.NamedNode,
        in_store: Callable[[ox.Literal], ox.Literal] = lambda literal: literal,
        verbatim: frozenset[str] = frozenset(),
    ) -> None:
        """*ill_typed*: the ill-typed literals of a datatype; *axioms*: the graph of the
        ontology's axioms; *in_store*: a literal as the store keeps it; *verbatim*: the
        datatypes of the literals the store keeps verbatim (`chava.validation.literal_check`)."""
        self._ill_typed = ill_typed
        self._axioms = axioms
        self._in_store = in_store
        self._verbatim = verbatim
        self._count = 0

    def constant(self, node: Term) -> str:
        """A constant compared with sameTerm, as the store holds it."""
        if isinstance(node, ox.Literal):
            node = self._in_store(node)
        return term(node)

    def value_of(self, node: str) -> str:
        """An expression comparing like *node*'s value, a verbatim literal cast back."""
        expression = node
        for datatype in sorted(self._verbatim):
            cast = CASTS.get(datatype)
            if cast is not None:
                kept = f"<{VERBATIM_DATATYPE}{datatype}>"
                expression = f"IF(datatype({node}) = {kept}, {cast}(STR({node})), {expression})"
        return expression

    def instance_of(self, node: str, *classes: Term) -> str:
        """A pattern: *node* is a SHACL instance of one of *classes* (rdf:type/rdfs:subClassOf*).

        The store holds the data's types closed under the subclass hierarchy (RDFS
        entailment), so index lookups find them; only the ontology's own statements (its
        axioms graph, not entailed) need the path.
        """
        cls, other = self.fresh(), self.fresh()
        listed = " ".join(term(c) for c in classes)
        return (
            f"VALUES {cls} {{ {listed} }} {{ {node} {TYPE} {cls} }} UNION {{ GRAPH {self._axioms} "
            f"{{ {node} {TYPE} {other} }} {other} {SUB_CLASS_OF}* {cls} }}"
        )

    def fresh(self) -> str:
        """A variable name not used yet."""
        self._count += 1
        return f"?x{self._count}"

    def conforms(self, shape: Shape, node: str) -> str:
        """An expression true when *node* (a variable) conforms to *shape*."""
        if shape.deactivated:
            return "true"
        tests: list[str] = []
        if shape.path is None:
            for constraint in shape.constraints:
                if constraint.component in VALUE_COMPONENTS:
                    tests.append(self.value_test(constraint, node))
                elif constraint.component == "HasValue":
                    tests.append(f"sameTerm({node}, {self.constant(constraint.term)})")
                elif constraint.component == "Closed":
                    allowed = ", ".join(f"<{iri}>" for iri in sorted(constraint.iris))
                    p, o = self.fresh(), self.fresh()
                    keep = f"FILTER({p} NOT IN ({allowed}))" if allowed else ""
                    tests.append(f"NOT EXISTS {{ {node} {p} {o} {keep} }}")
            tests.extend(self.conforms(child, node) for child in shape.properties)
        else:
            tests.extend(self._property_tests(shape, node))
        return " && ".join(f"({test})" for test in tests) or "true"

    def _property_tests(self, shape: Shape, node: str) -> Iterator[str]:
        path = shape.path or ""
        value = self.fresh()
        values = [
            self.value_test(c, value) for c in shape.constraints if c.component in VALUE_COMPONENTS
        ]
        if values:
            all_pass = " && ".join(f"({test})" for test in values)
            yield f"NOT EXISTS {{ {node} {path} {value} FILTER(!({all_pass})) }}"
        for constraint in shape.constraints:
            name = constraint.component
            if name == "MinCount":
                yield self._at_least(node, path, constraint.number, "true")
            elif name == "MaxCount":
                yield "!" + self._at_least(node, path, constraint.number + 1, "true")
            elif name in ("QualifiedMinCount", "QualifiedMaxCount"):
                inner, bound = constraint.shape, constraint.number
                if name == "QualifiedMinCount":
                    yield self._at_least(node, path, bound, inner)
                else:
                    yield "!" + self._at_least(node, path, bound + 1, inner)
            elif name == "UniqueLang":
                a, b = self.fresh(), self.fresh()
                yield (
                    f"NOT EXISTS {{ {node} {path} {a} . {node} {path} {b} FILTER(!sameTerm({a}, "
                    f'{b}) && isLiteral({a}) && isLiteral({b}) && lang({a}) != "" && '
                    f"LCASE(lang({a})) = LCASE(lang({b}))) }}"
                )
            elif name == "HasValue":
                wanted = self.constant(constraint.term)
                yield f"EXISTS {{ {node} {path} {value} FILTER(sameTerm({value}, {wanted})) }}"
            elif name in ("Equals", "Disjoint", "LessThan", "LessThanOrEquals"):
                yield self._pair_test(name, term(constraint.term), path, node)

    def _at_least(self, node: str, path: str, count: int, shape: Shape | str) -> str:
        """At least *count* distinct values of *path* (conforming to *shape* when given)."""
        if count <= 0:
            return "true"
        if count > MAX_DISTINCT:
            raise UnsupportedShapeError(f"a nested count of {count}")
        names = [self.fresh() for _ in range(count)]
        patterns = " . ".join(f"{node} {path} {name}" for name in names)
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        if isinstance(shape, Shape):
            tests.extend(self.conforms(shape, name) for name in names)
        condition = f" FILTER({' && '.join(f'({t})' for t in tests)})" if tests else ""
        return f"EXISTS {{ {patterns}{condition} }}"

    def _pair_test(self, name: str, other: str, path: str, node: str) -> str:
        a, b = self.fresh(), self.fresh()
        if name == "Equals":
            return (
                f"NOT EXISTS {{ {node} {path} {a} FILTER NOT EXISTS {{ {node} {other} {b} "
                f"FILTER(sameTerm({a}, {b})) }} }} && NOT EXISTS {{ {node} {other} {a} FILTER "
                f"NOT EXISTS {{ {node} {path} {b} FILTER(sameTerm({a}, {b})) }} }}"
            )
        if name == "Disjoint":
            return (
                f"NOT EXISTS {{ {node} {path} {a} . {node} {other} {b} "
                f"FILTER(sameTerm({a}, {b})) }}"
            )
        operator = "<" if name == "LessThan" else "<="
        return (
            f"NOT EXISTS {{ {node} {path} {a} . {node} {other} {b} "
            f"FILTER(!COALESCE({self.value_of(a)} {operator} {self.value_of(b)}, false)) }}"
        )

    def value_test(self, constraint: Constraint, v: str) -> str:
        """An expression true when the value node *v* satisfies a value *constraint*."""
        name = constraint.component
        if name == "Class":
            instance = self.instance_of(v, constraint.term)
            return f"(isIRI({v}) || isBlank({v})) && EXISTS {{ {instance} }}"
        if name == "Datatype":
            return self._datatype(constraint.term, v)
        if name == "NodeKind":
            kind = constraint.term.value.removeprefix(SH)
            if kind not in NODE_KINDS:
                raise UnsupportedShapeError(f"sh:nodeKind {constraint.term}")
            return NODE_KINDS[kind].format(v=v)
        if name in COMPARISONS:
            compared = f"{self.value_of(v)} {COMPARISONS[name]} {term(constraint.term)}"
            return f"COALESCE(isLiteral({v}) && {compared}, false)"
        if name in ("MinLength", "MaxLength"):
            operator = ">=" if name == "MinLength" else "<="
            return f"!isBlank({v}) && STRLEN(STR({v})) {operator} {constraint.number}"
        if name == "Pattern":
            pattern, flags = constraint.texts
            _check_regex(pattern, flags)
            regex = f"REGEX(STR({v}), {string(pattern)}, {string(flags)})"
            return f"!isBlank({v}) && COALESCE({regex}, false)"
        if name == "LanguageIn":
            return self._language_in(constraint.texts, v)
        if name == "In":
            members = [f"sameTerm({v}, {self.constant(member)})" for member in constraint.terms]
            return "(" + (" || ".join(members) or "false") + ")"
        if name == "Not":
            return f"!({self.conforms(constraint.shape, v)})"
        if name == "Node":
            return self.conforms(constraint.shape, v)
        members = [f"({self.conforms(shape, v)})" for shape in constraint.shapes]
        if name == "And":
            return " && ".join(members) or "true"
        if name == "Or":
            return "(" + (" || ".join(members) or "false") + ")"
        if name == "Xone":
            ones = " + ".join(f"IF({member}, 1, 0)" for member in members)
            return f"({ones or '0'}) = 1"
        raise UnsupportedShapeError(f"constraint {name}")

    def _datatype(self, datatype: Term, v: str) -> str:
        iri = datatype.value
        if iri == RDF + "langString":
            return f'isLiteral({v}) && lang({v}) != ""'
        if iri == namespaces.RDFS + "Literal":
            return f"isLiteral({v})"
        if iri == namespaces.RDFS + "Datatype":
            return f'isLiteral({v}) && lang({v}) = "" && datatype({v}) != <{XSD}string>'
        test = f"isLiteral({v}) && datatype({v}) = <{iri}>"
        if iri in self._verbatim:
            test = f"isLiteral({v}) && datatype({v}) IN (<{iri}>, <{VERBATIM_DATATYPE}{iri}>)"
        ill = [f"sameTerm({v}, {self.constant(literal)})" for literal in self._ill_typed(iri)]
        return test + (f" && !({' || '.join(ill)})" if ill else "")

    def _language_in(self, tags: Sequence[str], v: str) -> str:
        if "*" in tags:
            return f'isLiteral({v}) && lang({v}) != ""'
        listed = ", ".join(string(tag) for tag in tags)
        if not listed:
            return "false"
        return (
            f'isLiteral({v}) && lang({v}) != "" && (LCASE(lang({v})) IN ({listed}) || '
            f'LCASE(STRBEFORE(CONCAT(lang({v}), "-"), "-")) IN ({listed}))'
        )


def _check_regex(pattern: str, flags: str) -> None:
    """Refuse a pattern Oxigraph does not read (it would silently never match)."""
    query = f'SELECT (COALESCE(REGEX("", {string(pattern)}, {string(flags)}), "x") AS ?r) {{}}'
    solutions = ox.Store().query(query)
    for row in solutions:  # type: ignore[union-attr]
        if not isinstance(row["r"], ox.Literal) or row["r"].datatype.value != XSD + "boolean":
            raise UnsupportedShapeError(
                f"sh:pattern {pattern!r} (flags {flags!r}) is not read by Oxigraph"
            )
