"""Typed literals, decided once for every engine: which are ill-typed, which Oxigraph rewrites.

**Ill-typed literals.** `"2020-13-01"^^xsd:date` has the datatype a shape asks for, yet is
not a date: `sh:datatype` reports it. Engines disagree (rudof 0.3 reads the datatype IRI
only), so chava decides, for all of them:
- for the datatypes rdflib converts (dates, times, numbers, booleans, durations...), the
  literal is ill-typed when rdflib finds it so or its value is not of the datatype's Python
  type: exactly what pyshacl, the reference engine, reports;
- for those rdflib leaves unchecked (`xsd:gYear`, `xsd:gYearMonth`, `xsd:gMonthDay`,
  `xsd:gDay`, `xsd:gMonth`), when Oxigraph cannot cast it to its datatype: an ill-formed month
  such as `"2020-13"^^xsd:gYearMonth` would otherwise pass every engine.
An engine that cannot see them is given them in disguise (`ILL_TYPED_DATATYPE`, so that
`sh:datatype` reports them) and the report gets them back.

**Literals Oxigraph rewrites.** Oxigraph stores numbers, booleans and dates by value: in its
store `"4.0"^^xsd:decimal` reads back as `"4"`, and `"5"^^xsd:int` as `"5"^^xsd:integer`
(a shape asking for xsd:int would no longer see one). The validation store keeps such literals
verbatim, under a datatype of their own (`VERBATIM_DATATYPE`); the compiled queries know it,
and reports show the literal as written.
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
from chava.loading.rdflib_bridge import rdflib_term
from chava.validation.entailment import Statement

XSD: Final = namespaces.XSD
TEXT: Final = frozenset({XSD + "string", namespaces.RDF + "langString"})
"""Datatypes Oxigraph keeps as written and sh:datatype checks without conversion."""
PYTHON_TYPES: Final[dict[str, type]] = {
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
ILL_TYPED_DATATYPE: Final = "urn:chava:ill-typed:"
VERBATIM_DATATYPE: Final = "urn:chava:verbatim:"


def typed_literals(literals: Iterable[ox.Literal | object]) -> dict[str, set[ox.Literal]]:
    """The distinct literals of *literals* that have a datatype other than a text one."""
    found: dict[str, set[ox.Literal]] = {}
    for literal in literals:
        if type(literal) is ox.Literal:
            datatype = literal.datatype.value
            if datatype not in TEXT:
                found.setdefault(datatype, set()).add(literal)
    return found


def verbatim_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """For each literal Oxigraph would store in another form, the verbatim literal kept instead.

    Found by storing them all in a scratch store and reading them back (in Rust).
    """
    listed = list(dict.fromkeys(literals))
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:chava:value")
    scratch.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:chava:{index}"), predicate, literal)
        for index, literal in enumerate(listed)
    )
    stored = {quad.subject.value: quad.object for quad in scratch}
    return {
        literal: verbatim(literal)
        for index, literal in enumerate(listed)
        if stored.get(f"urn:chava:{index}") != literal
    }


def verbatim(literal: ox.Literal) -> ox.Literal:
    """The literal as the validation store keeps it when Oxigraph would rewrite it."""
    return ox.Literal(
        literal.value, datatype=ox.NamedNode(VERBATIM_DATATYPE + literal.datatype.value)
    )


def ill_typed_literals(
    typed: Mapping[str, Iterable[ox.Literal]], datatypes: Iterable[str]
) -> dict[str, frozenset[ox.Literal]]:
    """The ill-typed literals among *typed* (literals by datatype), for each of *datatypes*."""
    found: dict[str, frozenset[ox.Literal]] = {}
    for datatype in datatypes:
        literals = list(typed.get(datatype, ())) if datatype not in TEXT else []
        found[datatype] = frozenset(_ill_typed(datatype, literals)) if literals else frozenset()
    return found


def _ill_typed(datatype: str, literals: list[ox.Literal]) -> Iterator[ox.Literal]:
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
        yield from _not_castable(datatype, unconverted)


def _not_castable(datatype: str, literals: list[ox.Literal]) -> Iterator[ox.Literal]:
    """Those Oxigraph does not cast to *datatype*."""
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:chava:value")
    scratch.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:chava:{index}"), predicate, literal)
        for index, literal in enumerate(literals)
    )
    query = (
        f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(!COALESCE(sameTerm(datatype(<{datatype}>(?o)), "
        f"<{datatype}>), false)) }}"
    )
    for row in scratch.query(query):  # type: ignore[union-attr]
        subject = row["s"]
        if isinstance(subject, ox.NamedNode):
            yield literals[int(subject.value.removeprefix("urn:chava:"))]


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


def disguise(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """For each ill-typed literal, the literal an engine that cannot see it is given."""
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
