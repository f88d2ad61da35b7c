"""The representations the publisher serves: media types, suffixes and engine formats, as values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One representation: how clients name it and how the engine writes it."""

    label: str
    """Human name, shown in pages and error messages."""
    media_type: str
    """The canonical media type, sent as Content-Type."""
    extension: str
    """Suffix of suffix URLs (`/id/x.ttl`) and dump files, without the dot."""
    rdf_format: ox.RdfFormat | None = None
    """pyoxigraph's RDF syntax; None for HTML and query-result formats."""
    results_format: ox.QueryResultsFormat | None = None
    """pyoxigraph's SPARQL results syntax, for SELECT/ASK results."""
    is_text: bool = True
    """Text formats get `; charset=utf-8` in their Content-Type."""
    aliases: tuple[str, ...] = ()
    """Other names accepted by `?format=` and other media types accepted in `Accept`."""

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


HTML: Final = Format("HTML", "text/html", "html", aliases=("application/xhtml+xml", "htm"))
TURTLE: Final = Format(
    "Turtle",
    "text/turtle",
    "ttl",
    ox.RdfFormat.TURTLE,
    # Turtle is valid N3: SPARQL clients asking for N3 (SPARQLWrapper sends format=n3) get it.
    aliases=("turtle", "application/x-turtle", "application/turtle", "n3", "text/n3"),
)
JSON_LD: Final = Format(
    "JSON-LD",
    "application/ld+json",
    "jsonld",
    ox.RdfFormat.JSON_LD,
    aliases=("json-ld", "json", "application/json"),
)
N_TRIPLES: Final = Format(
    "N-Triples",
    "application/n-triples",
    "nt",
    ox.RdfFormat.N_TRIPLES,
    aliases=("ntriples", "text/plain"),
)
RDF_XML: Final = Format(
    "RDF/XML",
    "application/rdf+xml",
    "rdf",
    ox.RdfFormat.RDF_XML,
    aliases=("rdfxml", "rdf-xml", "rdf+xml", "xml", "application/xml"),
)
TRIG: Final = Format("TriG", "application/trig", "trig", ox.RdfFormat.TRIG)
N_QUADS: Final = Format(
    "N-Quads", "application/n-quads", "nq", ox.RdfFormat.N_QUADS, aliases=("nquads",)
)

SPARQL_JSON: Final = Format(
    "SPARQL JSON",
    "application/sparql-results+json",
    "srj",
    results_format=ox.QueryResultsFormat.JSON,
    aliases=("json", "application/json"),
)
SPARQL_XML: Final = Format(
    "SPARQL XML",
    "application/sparql-results+xml",
    "srx",
    results_format=ox.QueryResultsFormat.XML,
    aliases=("xml", "application/xml"),
)
CSV: Final = Format("CSV", "text/csv", "csv", results_format=ox.QueryResultsFormat.CSV)
TSV: Final = Format(
    "TSV", "text/tab-separated-values", "tsv", results_format=ox.QueryResultsFormat.TSV
)

# Order matters: on equal preference (a bare */*, no Accept at all) the first one wins.
RESOURCE_FORMATS: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
"""What a dereferenceable IRI offers."""
RDF_FORMATS: Final = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
"""Machine formats of a graph (CONSTRUCT/DESCRIBE results, whole graphs)."""
DOCUMENT_FORMATS: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
"""What the ontology and shapes documents offer (HTML is their generated documentation)."""
TABLE_FORMATS: Final = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
"""SELECT and ASK results (CSV/TSV only for SELECT)."""
ALL_FORMATS: Final = (*RESOURCE_FORMATS, *TABLE_FORMATS)


def format_for_extension(extension: str, offered: tuple[Format, ...] = RESOURCE_FORMATS) -> Format:
    """Return the offered format with this file suffix (no dot), or raise KeyError."""
    for candidate in offered:
        if candidate.extension == extension.lower():
            return candidate
    raise KeyError(extension)
