"""What goes through the pipe to a query worker and back: typed records, one encoding each.

A QueryJob is what the endpoint asks (chava.sparql.endpoint builds it, chava.sparql.pool sends
it); a QueryReply is what the worker answers, the serialized result following it in the frame.
Both travel as the JSON header of a frame (chava.sparql.worker.write_frame): `encode` and
`decode` are the only code that knows their field names on the wire. The format travels by its
extension (chava.formats.BY_EXTENSION): the worker writes what the endpoint chose, never choosing
again.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chava.formats import BY_EXTENSION, Format


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker: the text, how to write its result, the dataset it reads."""

    query: str
    format: Format
    """The machine format to write (never a page: see chava.formats.results_carrier)."""
    limit: int
    """Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) written."""
    max_bytes: int
    """About the most bytes written; a larger result is cut at a row boundary."""
    base_iri: str | None = None
    calls_service: bool = False
    """The query calls SERVICE: every failure gets one message (no port-scanner oracle)."""
    prefixes: Mapping[str, str] = field(default_factory=dict)
    """Prefixes Turtle, TriG and RDF/XML results are written with."""
    default_graphs: tuple[str, ...] | None = None
    """The graphs forming the default graph ('' the default graph itself); None: see union."""
    named_graphs: tuple[str, ...] | None = None
    union: bool = False
    """The default graph is the union of every graph (when default_graphs is None)."""
    timeout: float | None = None
    """Seconds an external engine is given (its own limit, told to it where it takes one); the
    worker is killed at the endpoint's limit, a little later (504, not 503). None: no engine."""

    def encode(self) -> dict[str, Any]:
        """The JSON header of the job's frame."""
        header: dict[str, Any] = {
            "query": self.query,
            "format": self.format.extension,
            "limit": self.limit,
            "max_bytes": self.max_bytes,
            "base_iri": self.base_iri,
            "service": self.calls_service,
            "prefixes": dict(self.prefixes),
            "union": self.union,
        }
        if self.timeout is not None:
            header["timeout"] = self.timeout
        if self.default_graphs is not None:
            header["default_graphs"] = list(self.default_graphs)
        if self.named_graphs is not None:
            header["named_graphs"] = list(self.named_graphs)
        return header

    @classmethod
    def decode(cls, header: Mapping[str, Any]) -> QueryJob:
        """The job a frame header carries; KeyError or ValueError if it is not one."""
        default_graphs = header.get("default_graphs")
        named_graphs = header.get("named_graphs")
        return cls(
            query=str(header["query"]),
            format=BY_EXTENSION[str(header["format"])],
            limit=int(header["limit"]),
            max_bytes=int(header["max_bytes"]),
            base_iri=None if header.get("base_iri") is None else str(header["base_iri"]),
            calls_service=bool(header.get("service")),
            prefixes={str(k): str(v) for k, v in dict(header.get("prefixes") or {}).items()},
            default_graphs=None if default_graphs is None else tuple(map(str, default_graphs)),
            named_graphs=None if named_graphs is None else tuple(map(str, named_graphs)),
            union=bool(header.get("union")),
            timeout=None if header.get("timeout") is None else float(header["timeout"]),
        )


class ReplyKind(enum.Enum):
    """How a query ended in the worker."""

    OK = "ok"
    SYNTAX = "syntax"
    """The query does not parse (400, with the parser's position)."""
    EVALUATION = "evaluation"
    """It parsed but failed while running (400)."""
    FORMAT = "format"
    """The chosen format cannot carry this kind of result."""
    ENGINE = "engine"
    """The external engine failed, not the query: unreachable (502), busy (503) or timed out
    (504), as `status` says, with `retry_after`."""


@dataclass(frozen=True)
class QueryReply:
    """The worker's answer; the serialized result follows it in the frame."""

    kind: ReplyKind
    truncated: bool = False
    """The result was cut at the row or byte cap."""
    message: str = ""
    """Why it failed (empty when ok)."""
    status: int = 0
    """The HTTP status of an ENGINE failure (502, 503 or 504); 0 otherwise."""
    retry_after: int = 0
    """Seconds a client should wait before retrying, for an ENGINE failure."""

    @property
    def ok(self) -> bool:
        """The result follows."""
        return self.kind is ReplyKind.OK

    def encode(self) -> dict[str, Any]:
        """The JSON header of the reply's frame."""
        header: dict[str, Any] = {
            "kind": self.kind.value,
            "truncated": self.truncated,
            "message": self.message,
        }
        if self.kind is ReplyKind.ENGINE:
            header["status"] = self.status
            header["retry_after"] = self.retry_after
        return header

    @classmethod
    def decode(cls, header: Mapping[str, Any]) -> QueryReply:
        """The reply a frame header carries; KeyError or ValueError if it is not one."""
        return cls(
            ReplyKind(header["kind"]),
            bool(header.get("truncated")),
            str(header.get("message", "")),
            int(header.get("status") or 0),
            int(header.get("retry_after") or 0),
        )
