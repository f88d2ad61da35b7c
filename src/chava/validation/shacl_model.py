"""The typed shapes the compiled engine works with: a shape, its constraints, its targets.

`chava.validation.shacl_shapes` reads them from a shapes graph; `chava.validation.shacl_conditions`
and `chava.validation.shacl_sparql` compile them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.errors import ShaclEngineError

SH: Final = namespaces.SH
TARGETS: Final = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class UnsupportedShapeError(ShaclEngineError):
    """A shape the compiled engine cannot evaluate; the message says why.

    Caught by chava.validation.engine_oxigraph, which runs that shape on pyshacl instead; in the
    error tree so that one escaping by mistake still reads as the engine's failure, in one line.
    """


@dataclass(frozen=True)
class Constraint:
    """One constraint: its component's local name (`MinCount`) and its parameter."""

    component: str
    value: object

    @property
    def iri(self) -> str:
        """The constraint component's IRI, as reported."""
        return f"{SH}{self.component}ConstraintComponent"

    @property
    def term(self) -> Term:
        """The parameter, an RDF term (sh:class, sh:hasValue, sh:minInclusive...)."""
        if isinstance(self.value, ox.NamedNode | ox.BlankNode | ox.Literal):
            return self.value
        raise UnsupportedShapeError(f"{self.component}: not an RDF term")

    @property
    def number(self) -> int:
        """The parameter, a count or a length."""
        if isinstance(self.value, int):
            return self.value
        if isinstance(self.value, tuple) and len(self.value) == 2:
            return int(self.value[1])
        raise UnsupportedShapeError(f"{self.component}: not a number")

    @property
    def shape(self) -> Shape:
        """The parameter, a shape (sh:not, sh:node; sh:qualifiedValueShape's)."""
        value = self.value[0] if isinstance(self.value, tuple) and self.value else self.value
        if isinstance(value, Shape):
            return value
        raise UnsupportedShapeError(f"{self.component}: not a shape")

    @property
    def shapes(self) -> tuple[Shape, ...]:
        """The parameter, a list of shapes (sh:and, sh:or, sh:xone)."""
        value = self.value if isinstance(self.value, tuple) else ()
        return tuple(shape for shape in value if isinstance(shape, Shape))

    @property
    def terms(self) -> tuple[Term, ...]:
        """The parameter, a list of terms (sh:in)."""
        value = self.value if isinstance(self.value, tuple) else ()
        return tuple(t for t in value if isinstance(t, ox.NamedNode | ox.BlankNode | ox.Literal))

    @property
    def texts(self) -> tuple[str, ...]:
        """The parameter, strings (sh:languageIn's tags; sh:pattern and sh:flags)."""
        value = self.value if isinstance(self.value, tuple) else ()
        return tuple(text for text in value if isinstance(text, str))

    @property
    def iris(self) -> frozenset[str]:
        """The parameter, a set of IRIs (sh:closed: the allowed properties)."""
        return self.value if isinstance(self.value, frozenset) else frozenset()


@dataclass
class Shape:
    """A node shape (no path) or a property shape, with what the engine needs of it."""

    node: Term
    path: str | None
    """The SHACL path as a SPARQL property path, for property shapes."""
    path_node: Term | None
    severity: str
    messages: tuple[ox.Literal, ...]
    deactivated: bool
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: dict[str, tuple[Term, ...]] = field(default_factory=dict)
