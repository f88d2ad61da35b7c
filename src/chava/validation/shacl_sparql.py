"""Compile SHACL shapes (`chava.validation.shacl_shapes`) to SPARQL queries over the validation
store.

Each shape with a target becomes a few SELECT queries, one per kind of check: the values that
fail the value constraints of a property shape (one boolean per constraint), the focus nodes
whose number of values is out of bounds, the languages used twice, and so on. Shapes nested in
logical and shape-based constraints are boolean expressions (`chava.validation.shacl_conditions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Final

from chava.validation.shacl_conditions import VALUE_COMPONENTS, Conditions, term
from chava.validation.shacl_shapes import Constraint, Shape


@dataclass(frozen=True)
class Check:
    """One query and how to read its rows: which shape and constraints they report."""

    query: str
    shape: Shape
    kind: str
    """`value` (?focus ?value ?k0..), `count` (?focus ?n), `focus` (?focus), `pair`
    (?focus ?value), `unique` (?focus ?language), `closed` (?focus ?path ?value)."""
    constraints: tuple[Constraint, ...]
    distinct: str = ""
    """For a property shape's values: the failing distinct values (?value ?k0..); `query`
    then runs only when one of them is a blank node."""
    join: str = ""
    """With `distinct`: the (?focus ?value) pairs of the failing values, listed in place of
    JOINED (a VALUES block)."""


JOINED: Final = "@values@"


class Compiler(Conditions):
    """Write the checks of the shapes with a target."""

    def focus_nodes(self, shape: Shape, implicit_class: bool) -> str:
        """A subquery binding ?focus to each focus node of *shape*, once."""
        branches: list[str] = []
        classes = list(shape.targets.get("targetClass", ()))
        if implicit_class:
            classes.append(shape.node)
        if classes:
            branches.append(self.instance_of("?focus", *classes))
        nodes = shape.targets.get("targetNode", ())
        if nodes:
            branches.append(f"VALUES ?focus {{ {' '.join(self.constant(n) for n in nodes)} }}")
        for predicate in shape.targets.get("targetSubjectsOf", ()):
            branches.append(f"?focus {term(predicate)} [] .")
        for predicate in shape.targets.get("targetObjectsOf", ()):
            branches.append(f"[] {term(predicate)} ?focus .")
        union = " UNION ".join(f"{{ {branch} }}" for branch in branches)
        return f"{{ SELECT DISTINCT ?focus WHERE {{ {union} }} }}"

    def checks(
        self, shape: Shape, implicit_class: bool = False, focus: str | None = None
    ) -> Iterator[Check]:
        """The checks of a shape with targets: its own constraints, then its property shapes.

        *focus*: a pattern binding ?focus to each focus node once (default: `focus_nodes`).
        """
        if shape.deactivated:
            return
        focus = focus or self.focus_nodes(shape, implicit_class)
        if shape.path is None:
            yield from self._node_checks(shape, focus)
            for child in shape.properties:
                if not child.deactivated:
                    yield from self._property_checks(child, focus)
        else:
            yield from self._property_checks(shape, focus)

    def _node_checks(self, shape: Shape, focus: str) -> Iterator[Check]:
        values = [c for c in shape.constraints if c.component in VALUE_COMPONENTS]
        if values:
            tests = [self.value_test(c, "?focus") for c in values]
            yield self._value_check(shape, values, tests, f"{focus} BIND(?focus AS ?value)")
        for constraint in shape.constraints:
            if constraint.component == "HasValue":
                test = f"sameTerm(?focus, {self.constant(constraint.term)})"
                yield Check(
                    f"SELECT ?focus WHERE {{ {focus} FILTER(!{test}) }}",
                    shape,
                    "focus",
                    (constraint,),
                )
            elif constraint.component == "Closed":
                allowed = ", ".join(f"<{iri}>" for iri in sorted(constraint.iris))
                keep = f"FILTER(?path NOT IN ({allowed}))" if allowed else ""
                yield Check(
                    f"SELECT DISTINCT ?focus ?path ?value WHERE {{ {focus} ?focus ?path ?value "
                    f"{keep} }}",
                    shape,
                    "closed",
                    (constraint,),
                )

    def _property_checks(self, shape: Shape, focus: str) -> Iterator[Check]:
        path = shape.path or ""
        # Not DISTINCT: a statement in two graphs gives its pair twice; results are deduplicated.
        pairs = f"{focus} ?focus {path} ?value"
        values = [c for c in shape.constraints if c.component in VALUE_COMPONENTS]
        if values:
            tests = [self.value_test(c, "?value") for c in values]
            check = self._value_check(shape, values, tests, pairs)
            # A value's tests do not depend on its focus node: test each value once.
            distinct = self._value_check(
                shape,
                values,
                tests,
                f"{{ SELECT DISTINCT ?value WHERE {{ {focus} ?focus {path} ?value }} }}",
                projected="?value",
            ).query
            yield replace(
                check,
                distinct=distinct,
                join=f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value "
                f"VALUES ?value {{ {JOINED} }} }}",
            )
        yield from self._count_checks(shape, focus, pairs)
        for constraint in shape.constraints:
            name = constraint.component
            if name == "UniqueLang":
                yield Check(
                    f"SELECT ?focus ?language WHERE {{ {pairs} FILTER(isLiteral(?value) && "
                    'lang(?value) != "") BIND(LCASE(lang(?value)) AS ?language) } '
                    "GROUP BY ?focus ?language HAVING (COUNT(DISTINCT ?value) > 1)",
                    shape,
                    "unique",
                    (constraint,),
                )
            elif name == "HasValue":
                wanted = self.constant(constraint.term)
                yield Check(
                    f"SELECT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {path} ?value "
                    f"FILTER(sameTerm(?value, {wanted})) }} }}",
                    shape,
                    "focus",
                    (constraint,),
                )
            elif name in ("Equals", "Disjoint", "LessThan", "LessThanOrEquals"):
                yield Check(
                    self._pair_query(name, term(constraint.term), path, focus),
                    shape,
                    "pair",
                    (constraint,),
                )

    def _count_checks(self, shape: Shape, focus: str, pairs: str) -> Iterator[Check]:
        counts = [c for c in shape.constraints if c.component in ("MinCount", "MaxCount")]
        if counts:
            bounds = " || ".join(
                f"?n {'<' if c.component == 'MinCount' else '>'} {c.value}" for c in counts
            )
            yield Check(
                _counted(focus, f"?focus {shape.path} ?value", bounds),
                shape,
                "count",
                tuple(counts),
            )
        for constraint in shape.constraints:
            if constraint.component in ("QualifiedMinCount", "QualifiedMaxCount"):
                inner, bound = constraint.shape, constraint.number
                test = self.conforms(inner, "?value")
                operator = "<" if constraint.component == "QualifiedMinCount" else ">"
                yield Check(
                    _counted(
                        focus,
                        f"?focus {shape.path} ?value FILTER({test})",
                        f"?n {operator} {bound}",
                    ),
                    shape,
                    "count",
                    (constraint,),
                )

    def _value_check(
        self,
        shape: Shape,
        constraints: list[Constraint],
        tests: list[str],
        pairs: str,
        *,
        projected: str = "?focus ?value",
    ) -> Check:
        binds = " ".join(f"BIND({test} AS ?k{index})" for index, test in enumerate(tests))
        failing = " || ".join(f"!COALESCE(?k{index}, false)" for index in range(len(tests)))
        keys = " ".join(f"?k{index}" for index in range(len(tests)))
        return Check(
            f"SELECT {projected} {keys} WHERE {{ {pairs} {binds} FILTER({failing}) }}",
            shape,
            "value",
            tuple(constraints),
        )

    def _pair_query(self, name: str, other: str, path: str, focus: str) -> str:
        if name == "Equals":
            body = (
                f"{{ ?focus {path} ?value FILTER NOT EXISTS {{ ?focus {other} ?o "
                f"FILTER(sameTerm(?o, ?value)) }} }} UNION {{ ?focus {other} ?value FILTER NOT "
                f"EXISTS {{ ?focus {path} ?o FILTER(sameTerm(?o, ?value)) }} }}"
            )
        elif name == "Disjoint":
            body = f"?focus {path} ?value . ?focus {other} ?o FILTER(sameTerm(?o, ?value))"
        else:
            operator = "<" if name == "LessThan" else "<="
            body = (
                f"?focus {path} ?value . ?focus {other} ?o "
                f"FILTER(!COALESCE({self.value_of('?value')} {operator} {self.value_of('?o')}, "
                "false))"
            )
        return f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {body} }}"


def _counted(focus: str, values: str, bounds: str) -> str:
    """Focus nodes with their number ?n of distinct values, those out of *bounds*."""
    return (
        f"SELECT ?focus ?n WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
        f"{focus} OPTIONAL {{ {values} }} }} GROUP BY ?focus }} FILTER({bounds}) }}"
    )
