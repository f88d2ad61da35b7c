"""The representations the publisher serves, as values that carry how they are written.

Each Format says how clients name it (media type, suffix, aliases), which engine syntax writes
it, how a cut SPARQL result says so in it, and which W3C format IRI names it. Which formats a
resource, a document, a query result or a validation report offers is listed here, and nowhere
else: adding a format is adding it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

import pyoxigraph as ox

from chava.sparql.truncation import mark_json_head, mark_xml_head

W3C_FORMATS: Final = "http://www.w3.org/ns/formats/"


def write_rdf_syntax(
    quads: Sequence[ox.Quad], fmt: Format, *, root: str | None, base_url: str
) -> bytes:
    """chava.render.write_rdf_syntax, imported on first use: a query worker imports this
    module for the formats' names but writes with pyoxigraph alone."""
    from chava import render

    return render.write_rdf_syntax(quads, fmt, root=root, base_url=base_url)


def write_json_ld(
    quads: Sequence[ox.Quad], fmt: Format, *, root: str | None, base_url: str
) -> bytes:
    """chava.render.write_json_ld, imported on first use (see write_rdf_syntax)."""
    from chava import render

    return render.write_json_ld(quads, fmt, root=root, base_url=base_url)


class GraphWriter(Protocol):
    """Writes quads in a format: *root* is the resource a document is about (JSON-LD puts it
    first), *base_url* the server it is served from (JSON-LD names its context there)."""

    def __call__(
        self, quads: Sequence[ox.Quad], fmt: Format, *, root: str | None, base_url: str
    ) -> bytes: ...


@dataclass(frozen=True)
class Format:
    """One representation: how clients name it and how it is written."""

    label: str
    """Human name, shown in pages and error messages."""
    media_type: str
    """The canonical media type, sent as Content-Type."""
    extension: str
    """Suffix of suffix URLs (`/id/x.ttl`) and dump files, without the dot; unique."""
    rdf_format: ox.RdfFormat | None = None
    """pyoxigraph's RDF syntax; None for pages and query-result formats."""
    results_format: ox.QueryResultsFormat | None = None
    """pyoxigraph's SPARQL results syntax, for SELECT/ASK results."""
    is_text: bool = True
    """Text formats get `; charset=utf-8` in their Content-Type."""
    aliases: tuple[str, ...] = ()
    """Other names accepted by `?format=` and other media types accepted in `Accept`."""
    writer: GraphWriter | None = field(default=None, compare=False, repr=False)
    """Writes a graph (resources, documents, CONSTRUCT results); None: not an RDF syntax."""
    page: bool = False
    """A page for people, rendered from templates (HTML), not written by an engine."""
    truncation_mark: Callable[[bytes], bytes] | None = field(
        default=None, compare=False, repr=False
    )
    """Says in the result's own metadata that it was cut (JSON and XML heads); None: no place."""
    w3c_iri: str | None = None
    """The W3C's IRI for the format (service descriptions)."""
    profiles: bool = False
    """Shaped by a profile (a JSON-LD frame) when a client asks for one."""

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with the charset where it applies."""
        return f"{self.media_type}; charset=utf-8" if self.is_text else self.media_type

    @property
    def supports_datasets(self) -> bool:
        """Whether the representation keeps named graphs (TriG, N-Quads); JSON-LD shows triples."""
        return self.rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)

    def names(self) -> tuple[str, ...]:
        """Every name `?format=` accepts for this format, lower-case."""
        return (self.extension, self.label.lower(), self.media_type, *self.aliases)

    def __str__(self) -> str:
        return self.label


HTML: Final = Format(
    "HTML", "text/html", "html", aliases=("application/xhtml+xml", "htm"), page=True
)
TURTLE: Final = Format(
    "Turtle",
    "text/turtle",
    "ttl",
    ox.RdfFormat.TURTLE,
    # Turtle is valid N3: SPARQL clients asking for N3 (SPARQLWrapper sends format=n3) get it.
    aliases=("turtle", "application/x-turtle", "application/turtle", "n3", "text/n3"),
    writer=write_rdf_syntax,
    w3c_iri=W3C_FORMATS + "Turtle",
)
JSON_LD: Final = Format(
    "JSON-LD",
    "application/ld+json",
    "jsonld",
    ox.RdfFormat.JSON_LD,
    aliases=("json-ld", "json", "application/json"),
    writer=write_json_ld,
    profiles=True,
    w3c_iri=W3C_FORMATS + "JSON-LD",
)
N_TRIPLES: Final = Format(
    "N-Triples",
    "application/n-triples",
    "nt",
    ox.RdfFormat.N_TRIPLES,
    aliases=("ntriples", "text/plain"),
    writer=write_rdf_syntax,
    w3c_iri=W3C_FORMATS + "N-Triples",
)
RDF_XML: Final = Format(
    "RDF/XML",
    "application/rdf+xml",
    "rdf",
    ox.RdfFormat.RDF_XML,
    aliases=("rdfxml", "rdf-xml", "rdf+xml", "xml", "application/xml"),
    writer=write_rdf_syntax,
    w3c_iri=W3C_FORMATS + "RDF_XML",
)
TRIG: Final = Format(
    "TriG",
    "application/trig",
    "trig",
    ox.RdfFormat.TRIG,
    writer=write_rdf_syntax,
    w3c_iri=W3C_FORMATS + "TriG",
)
N_QUADS: Final = Format(
    "N-Quads",
    "application/n-quads",
    "nq",
    ox.RdfFormat.N_QUADS,
    aliases=("nquads",),
    writer=write_rdf_syntax,
    w3c_iri=W3C_FORMATS + "N-Quads",
)

SPARQL_JSON: Final = Format(
    "SPARQL JSON",
    "application/sparql-results+json",
    "srj",
    results_format=ox.QueryResultsFormat.JSON,
    aliases=("json", "application/json"),
    truncation_mark=mark_json_head,
    w3c_iri=W3C_FORMATS + "SPARQL_Results_JSON",
)
SPARQL_XML: Final = Format(
    "SPARQL XML",
    "application/sparql-results+xml",
    "srx",
    results_format=ox.QueryResultsFormat.XML,
    aliases=("xml", "application/xml"),
    truncation_mark=mark_xml_head,
    w3c_iri=W3C_FORMATS + "SPARQL_Results_XML",
)
CSV: Final = Format(
    "CSV",
    "text/csv",
    "csv",
    results_format=ox.QueryResultsFormat.CSV,
    w3c_iri=W3C_FORMATS + "SPARQL_Results_CSV",
)
TSV: Final = Format(
    "TSV",
    "text/tab-separated-values",
    "tsv",
    results_format=ox.QueryResultsFormat.TSV,
    w3c_iri=W3C_FORMATS + "SPARQL_Results_TSV",
)
REPORT_TEXT: Final = Format("text", "text/plain", "txt")
"""A validation report for people: one line per result (`chava validate`)."""

# Order matters: on equal preference (a bare */*, no Accept at all) the first one wins.
RESOURCE_FORMATS: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
"""What a dereferenceable IRI offers (and the ontology and shapes documents: HTML is their
generated documentation)."""
RDF_FORMATS: Final = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
"""Machine formats of a graph (CONSTRUCT/DESCRIBE results, whole graphs)."""
TABLE_FORMATS: Final = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
"""Machine formats of SELECT results."""
BOOLEAN_FORMATS: Final = (SPARQL_JSON, SPARQL_XML)
"""Machine formats of ASK results: CSV and TSV carry no boolean."""
SERVICE_DESCRIPTION_FORMATS: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)
"""What `/sparql` without a query offers: its description, or the editor (HTML)."""
REPORT_FORMATS: Final = (REPORT_TEXT, TURTLE, JSON_LD)
"""What `chava validate --format` writes: text for people, the first; RDF for machines."""
ALL_FORMATS: Final = (*RESOURCE_FORMATS, *TABLE_FORMATS)


def results_formats(form: str) -> tuple[Format, ...]:
    """What a query of *form* (SELECT, ASK, CONSTRUCT, DESCRIBE) offers, preferred first.

    The machine formats, then the HTML page (a browser's Accept prefers it; `*/*` does not).
    """
    machine = {"SELECT": TABLE_FORMATS, "ASK": BOOLEAN_FORMATS}.get(form, RDF_FORMATS)
    return (*machine, HTML)


def results_carrier(fmt: Format, form: str) -> Format:
    """The machine format a query's results are computed in for *fmt*: itself, or for a page
    the format it is rendered from (SPARQL JSON for SELECT and ASK, N-Triples for graphs)."""
    if not fmt.page:
        return fmt
    return SPARQL_JSON if form in ("SELECT", "ASK") else N_TRIPLES


def format_for_extension(extension: str, offered: tuple[Format, ...] = RESOURCE_FORMATS) -> Format:
    """Return the offered format with this file suffix (no dot), or raise KeyError."""
    for candidate in offered:
        if candidate.extension == extension.lower():
            return candidate
    raise KeyError(extension)


def format_named(name: str, offered: Sequence[Format]) -> Format:
    """The offered format *name* names (`?format=`, `--format`), or raise KeyError."""
    wanted = name.strip().lower()
    for candidate in offered:
        if wanted in candidate.names():
            return candidate
    raise KeyError(name)


BY_EXTENSION: Final = {fmt.extension: fmt for fmt in (*ALL_FORMATS, REPORT_TEXT)}
"""Every format by its extension: the name a format travels by (to a query worker)."""
