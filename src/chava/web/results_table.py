"""A query's results as a table for people: IRIs as links with their labels, language tags kept.

Read from the machine format the results were computed in (SPARQL JSON for SELECT and ASK,
N-Triples for CONSTRUCT and DESCRIBE; chava.formats.results_carrier). Used by the HTML results
page of /sparql and by the example query pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from chava.formats import Format
from chava.web.linking import Linker


@dataclass(frozen=True)
class Cell:
    """One value of a result table: its text, a link for IRIs, its language for literals."""

    text: str
    href: str | None = None
    language: str | None = None
    """The language of *text*: a literal's tag, or the language of an IRI's label."""
    iri: str | None = None
    """The full IRI of an IRI cell (shown on hover); None for other values."""
    datatype: str | None = None
    """A typed literal's datatype, compact (`xsd:date`); None for strings and IRIs."""


@dataclass(frozen=True)
class ResultTable:
    """Results ready for a template."""

    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    links: Mapping[str, str] = field(default_factory=dict)
    """Download links: format label -> URL of the same query in that format."""


_IMPLICIT = frozenset(
    {
        "http://www.w3.org/2001/XMLSchema#string",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    }
)


def iris_in(body: bytes, carrier: Format) -> set[str]:
    """Every IRI the results mention (to fetch their labels)."""
    found: set[str] = set()
    if carrier.rdf_format is not None:
        for quad in ox.parse(body, format=carrier.rdf_format):
            for term in (quad.subject, quad.predicate, quad.object):
                if isinstance(term, ox.NamedNode):
                    found.add(term.value)
        return found
    document = json.loads(body)
    for binding in document.get("results", {}).get("bindings", ()):
        for value in binding.values():
            if value.get("type") == "uri":
                found.add(value["value"])
    return found


def tabulate(
    body: bytes,
    carrier: Format,
    linker: Linker,
    *,
    truncated: bool,
    links: Mapping[str, str],
) -> ResultTable:
    """The table of *body*, written in *carrier*; IRIs labelled in the linker's language."""
    cell = _cell_maker(linker)
    if carrier.rdf_format is not None:
        triples = ox.parse(body, format=carrier.rdf_format)
        rows: tuple[tuple[Cell, ...], ...] = tuple(
            (cell(_term(quad.subject)), cell(_term(quad.predicate)), cell(_term(quad.object)))
            for quad in triples
        )
        return ResultTable(("subject", "predicate", "object"), rows, None, truncated, links)
    document = json.loads(body)
    if "boolean" in document:
        return ResultTable(boolean=bool(document["boolean"]), links=links)
    columns = tuple(document["head"]["vars"])
    rows = tuple(
        tuple(cell(binding.get(column)) for column in columns)
        for binding in document["results"]["bindings"]
    )
    return ResultTable(columns, rows, None, truncated, links)


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    """A term as a SPARQL JSON binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        binding = {"type": "literal", "value": term.value}
        if term.language:
            binding["xml:lang"] = term.language
        else:
            binding["datatype"] = term.datatype.value
        return binding
    return {"type": "triple", "value": str(term)}


def _cell_maker(linker: Linker) -> Callable[[Mapping[str, str] | None], Cell]:
    def cell(binding: Mapping[str, str] | None) -> Cell:
        if binding is None:
            return Cell("")
        kind, value = binding.get("type"), binding.get("value", "")
        if kind == "uri":
            label = linker.label(value)
            return Cell(label.text, linker.href(value) or None, label.language, value)
        if kind == "bnode":
            return Cell(f"_:{value}")
        datatype = binding.get("datatype")
        shown = None if datatype is None or datatype in _IMPLICIT else linker.compact(datatype)
        return Cell(value, None, binding.get("xml:lang"), None, shown)

    return cell


def download_links(downloads: Iterable[tuple[Format, str]]) -> dict[str, str]:
    """Format label -> URL, for a template."""
    return {fmt.label: url for fmt, url in downloads}
