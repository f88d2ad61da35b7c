"""What chava knows of each SPARQL engine's dialect, and how it tells which engine it talks to.

A profile is chosen by the `store_engine` setting, or (`auto`) detected at start-up: the
`Server` header of the endpoint's service description names Oxigraph, Virtuoso, Fuseki or
QLever; anything else is `generic` (plain SPARQL 1.1 Protocol, nothing assumed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from chava.errors import ConfigError

NTRIPLES: Final = "application/n-triples"


@dataclass(frozen=True)
class EngineProfile:
    """One engine's dialect, as far as chava's reads and writes meet it."""

    name: str
    label: str
    tested: bool
    """Started and checked by chava's test suite (Oxigraph server, Virtuoso 7)."""
    server_marker: str
    """A word of the engine's `Server` header (empty: never detected, only chosen)."""
    dataset: str
    """How the build's graphs are named in a request:
    `parameter`: the engine's own union default graph (Oxigraph's `union-default-graph`
    parameter) when the engine holds nothing else, else the protocol's parameters;
    `define`: Virtuoso's `define input:default-graph-uri` / `input:named-graph-uri` pragmas,
    in the query text (no protocol parameters, so no header echoed per graph);
    `protocol`: one `default-graph-uri` and `named-graph-uri` parameter per graph."""
    blank_prefix: str = ""
    """What the engine puts before a blank node's label in SPARQL JSON (`nodeID://`)."""
    cut_header: str = ""
    """The response header saying a SELECT was cut at the engine's row cap."""
    default_max_rows: int = 0
    """The engine's usual row cap (0: none); the probe at start-up finds the real one."""
    partial_header: tuple[str, str] | None = None
    """(header, value) of an answer the engine cut at its time limit (Virtuoso's anytime)."""
    ask_as_table: bool = False
    """ASK answered as a one-row table (Virtuoso: `__ASK_RETVAL`, 1 or 0)."""
    numeric_booleans: bool = False
    """xsd:boolean values read back as "1" / "0"."""
    timeout_parameter: str = ""
    """Request parameter giving the query's time limit in milliseconds (Virtuoso: `timeout`)."""
    insert_template: bool = False
    """SPARQL Update: INSERT { } WHERE { } instead of INSERT DATA (Virtuoso refuses blank
    nodes in INSERT DATA)."""
    table_accept: str = "application/sparql-results+json"
    """What SELECT and ASK are asked for (Oxigraph: TSV, the least to write and to read;
    Virtuoso's TSV writes IRIs as strings)."""
    graph_accept: str = NTRIPLES
    """What CONSTRUCT and DESCRIBE are asked for (a syntax chava parses)."""
    describe_blank_nodes: bool = False
    """A subject's statements are read with those of the blank nodes within two steps, in one
    query (Oxigraph answers it at once; Virtuoso's planner does not: it takes seconds)."""
    cancelled_marker: bytes = b""
    """Words of an answer the engine broke off at its own time limit (Oxigraph's
    `--timeout-s` ends a started answer with an error): read as a timeout (504)."""
    order_pages: bool = True
    """Pages of a cut answer are ordered by every variable (Virtuoso: no, it refuses to sort
    past its MaxSortedTopRows; it answers an unchanged query in the same order)."""


OXIGRAPH: Final = EngineProfile(
    "oxigraph",
    "Oxigraph server",
    tested=True,
    server_marker="oxigraph",
    dataset="parameter",
    describe_blank_nodes=True,
    cancelled_marker=b"operation has been cancelled",
    table_accept="text/tab-separated-values, application/sparql-results+json;q=0.9",
)
VIRTUOSO: Final = EngineProfile(
    "virtuoso",
    "OpenLink Virtuoso 7",
    tested=True,
    server_marker="virtuoso",
    dataset="define",
    blank_prefix="nodeID://",
    cut_header="X-SPARQL-MaxRows",
    default_max_rows=10_000,
    partial_header=("X-SQL-State", "S1TAT"),
    ask_as_table=True,
    numeric_booleans=True,
    timeout_parameter="timeout",
    insert_template=True,
    order_pages=False,
)
FUSEKI: Final = EngineProfile(
    "fuseki",
    "Apache Jena Fuseki (untested)",
    tested=False,
    server_marker="fuseki",
    dataset="protocol",
)
QLEVER: Final = EngineProfile(
    "qlever", "QLever (untested)", tested=False, server_marker="qlever", dataset="protocol"
)
GENERIC: Final = EngineProfile(
    "generic", "any SPARQL 1.1 engine", tested=False, server_marker="", dataset="protocol"
)
PROFILES: Final = {
    profile.name: profile for profile in (OXIGRAPH, VIRTUOSO, FUSEKI, QLEVER, GENERIC)
}
ENGINE_CHOICES: Final = ("auto", *PROFILES)


def profile_named(name: str) -> EngineProfile:
    """The profile called *name*; ConfigError for a name chava does not know."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"store_engine: {name!r} is not one of {', '.join(ENGINE_CHOICES)}"
        ) from None


def profile_of_server(server: str) -> EngineProfile:
    """The profile a `Server` header names, else the generic one."""
    lowered = server.lower()
    for profile in PROFILES.values():
        if profile.server_marker and profile.server_marker in lowered:
            return profile
    return GENERIC
