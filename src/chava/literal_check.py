"""Which literals of the data are ill-typed, for `sh:datatype`, the same for every engine.

A literal such as `"2020-13-01"^^xsd:date` has the datatype a shape asks for, yet is not a
date: SHACL's `sh:datatype` reports it. Engines disagree (rudof 0.3 reads the datatype IRI
only), so chava decides once, for all of them:

- for the datatypes rdflib converts (dates, times, numbers, booleans, durations...), the
  literal is ill-typed when rdflib finds it so or its value is not of the datatype's Python
  type: exactly what pyshacl, the reference engine, reports;
- for those rdflib leaves unchecked (`xsd:gYear`, `xsd:gYearMonth`, `xsd:gMonthDay`, `xsd:gDay`,
  `xsd:gMonth`), when Oxigraph cannot cast its lexical form to the datatype: an ill-formed
  month such as `"2020-13"^^xsd:gYearMonth` would otherwise pass every engine.

The literals are read distinct from the validation store (in Rust), so a million statements
cost one scan and a check per distinct typed literal.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Final

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from chava import namespaces
from chava.entailment import Statement
from chava.rdflib_bridge import rdflib_term

XSD: Final = namespaces.XSD
UNCHECKED: Final = frozenset(
    {
        XSD + "string",
        namespaces.RDF + "langString",
        namespaces.RDFS + "Literal",
        namespaces.RDFS + "Datatype",
    }
)
"""Datatypes whose every literal is well-typed (or handled by the shape's own expression)."""
PYTHON_TYPES: Final[dict[str, type | tuple[type, ...]]] = {
    XSD + "integer": int,
    XSD + "float": float,
    XSD + "decimal": Decimal,
    XSD + "boolean": bool,
    XSD + "date": date,
    XSD + "time": time,
    XSD + "dateTime": datetime,
}
"""pyshacl's `_assert_actual_datatype`: the Python type rdflib's value must have."""
OXIGRAPH_CASTS: Final = frozenset(
    XSD + name for name in ("gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth")
)
"""Datatypes rdflib does not check and Oxigraph casts to: its verdict decides."""


def ill_typed_literals(
    store: ox.Store, datatypes: Iterable[str]
) -> dict[str, frozenset[ox.Literal]]:
    """The ill-typed literals of the store (every graph), by datatype, for *datatypes*."""
    wanted = sorted(set(datatypes) - UNCHECKED)
    found: dict[str, frozenset[ox.Literal]] = {datatype: frozenset() for datatype in wanted}
    if not wanted:
        return found
    listed = ", ".join(f"<{datatype}>" for datatype in wanted)
    candidates: dict[str, list[ox.Literal]] = {datatype: [] for datatype in wanted}
    query = (
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && "
        f"datatype(?o) IN ({listed})) }}"
    )
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        literal = row["o"]
        if isinstance(literal, ox.Literal):
            candidates[literal.datatype.value].append(literal)
    for datatype, literals in candidates.items():
        if literals:
            found[datatype] = frozenset(_ill_typed(store, datatype, literals))
    return found


def _ill_typed(store: ox.Store, datatype: str, literals: list[ox.Literal]) -> Iterator[ox.Literal]:
    unconverted: list[ox.Literal] = []
    with _quiet_rdflib():
        for literal in literals:
            value = Literal(literal.value, datatype=URIRef(datatype))
            if value.ill_typed:
                yield literal
            elif value.value is None:
                unconverted.append(literal)
            elif datatype in PYTHON_TYPES and not isinstance(value.value, PYTHON_TYPES[datatype]):
                yield literal
    if unconverted and datatype in OXIGRAPH_CASTS:
        yield from _not_castable(store, datatype)


def _not_castable(store: ox.Store, datatype: str) -> Iterator[ox.Literal]:
    query = (
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o "
        f"FILTER(isLiteral(?o) && datatype(?o) = <{datatype}> && "
        f"!COALESCE(sameTerm(datatype(<{datatype}>(?o)), <{datatype}>), false)) }}"
    )
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        literal = row["o"]
        if isinstance(literal, ox.Literal):
            yield literal


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback (and warns) for each literal it cannot convert: expected here."""
    terms = logging.getLogger("rdflib.term")
    was_disabled = terms.disabled
    terms.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        terms.disabled = was_disabled


ILL_TYPED_DATATYPE: Final = "urn:chava:ill-typed:"
"""Engines that cannot see an ill-typed literal are given it under this datatype prefix (then
`sh:datatype` reports it, as it should); the report gets the literal back."""


def disguise(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """For each ill-typed literal, the literal an engine is given in its place."""
    return {
        literal: ox.Literal(
            literal.value, datatype=ox.NamedNode(ILL_TYPED_DATATYPE + literal.datatype.value)
        )
        for literal in literals
    }


def disguised(
    statements: Iterable[Statement], disguises: Mapping[ox.Literal, ox.Literal]
) -> list[Statement]:
    """*statements* with each ill-typed literal object in disguise."""
    if not disguises:
        return list(statements)
    return [
        (
            subject,
            predicate,
            disguises.get(value, value) if isinstance(value, ox.Literal) else value,
        )
        for subject, predicate, value in statements
    ]


def reveal(report: Graph, disguises: Mapping[ox.Literal, ox.Literal]) -> None:
    """Put the ill-typed literals back in place of their disguise in an engine's report."""
    for literal, disguise_literal in disguises.items():
        hidden = rdflib_term(disguise_literal)
        for subject, predicate in list(report.subject_predicates(hidden)):
            report.remove((subject, predicate, hidden))
            report.add((subject, predicate, rdflib_term(literal)))
