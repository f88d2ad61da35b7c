"""Serialize query results with pyoxigraph's writers, cut at a row cap and a byte cap.

SELECT results are first written as TSV into a writer that stops the engine once either cap is
passed: TSV puts one row per line, so counting lines counts rows, in native code, without ever
holding more than the caps. That text is then parsed back (losslessly) and written in the
requested format by pyoxigraph (pyoxigraph cannot build solutions from Python objects); if that
format is larger than the byte cap, rows are dropped from the end until it fits. CONSTRUCT and
DESCRIBE results take at most the row cap plus one triple from the engine, and no more than the
byte cap of triples, and are written once, in the requested format.

A cut result stays a valid document of its format, holding whole rows only: the cut is said in
the HTTP headers (chava.web.response_rules), and, where the format has a place for metadata, in
its head (each format's `truncation_mark`, chava.sparql.truncation). Nothing is added to the
data itself (a CSV reader would take a note for a row).
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, cast

import pyoxigraph as ox

from chava.formats import Format

if TYPE_CHECKING:  # a query worker imports this module: no HTTP client unless remote
    from chava.stores.remote_store import RemoteTriples


class _EnoughError(Exception):
    """Raised inside the engine's writer to stop it once a cap is passed."""


class _LineCapWriter(io.RawIOBase):
    """Collect bytes until more than *max_lines* lines or *max_bytes* bytes came, then stop."""

    def __init__(self, max_lines: int, max_bytes: int) -> None:
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.chunks: list[bytes] = []
        self.lines = 0
        self.size = 0
        self.overflowed = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        self.size += len(chunk)
        if self.lines > self.max_lines or self.size > self.max_bytes:
            self.overflowed = True
            raise _EnoughError
        return len(chunk)

    def head(self) -> bytes:
        """The complete lines written: at most *max_lines*, and *max_bytes* past the first."""
        text = b"".join(self.chunks)
        if not self.overflowed:
            return text
        end = -1
        for _line in range(self.max_lines):
            following = text.find(b"\n", end + 1)
            if following < 0 or (end >= 0 and following + 1 > self.max_bytes):
                break
            end = following
        return text[: end + 1]


def write_solutions(
    solutions: ox.QuerySolutions,
    fmt: Format,
    *,
    limit: int,
    max_bytes: int,
) -> tuple[bytes, bool]:
    """Serialize SELECT results in *fmt*: at most *limit* rows and about *max_bytes*; say if
    cut (and mark the result so where its format can)."""
    assert fmt.results_format is not None
    results_format = fmt.results_format
    writer = _LineCapWriter(limit + 1, max_bytes)  # the header line, then one line per row
    with contextlib.suppress(_EnoughError):
        solutions.serialize(cast(IO[bytes], writer), format=ox.QueryResultsFormat.TSV)
    tsv = writer.head()
    truncated = writer.overflowed
    body = _from_tsv(tsv, results_format)
    while len(body) > max_bytes and tsv.count(b"\n") > 1:
        rows = tsv.count(b"\n") - 1
        keep = min(rows - 1, rows * max_bytes // len(body))
        tsv = b"".join(tsv.splitlines(keepends=True)[: keep + 1])
        body, truncated = _from_tsv(tsv, results_format), True
    if truncated and fmt.truncation_mark is not None:
        body = fmt.truncation_mark(body)
    return body, truncated


def write_boolean(answer: ox.QueryBoolean, fmt: Format) -> bytes:
    """Serialize an ASK result in *fmt*."""
    assert fmt.results_format is not None
    return answer.serialize(format=fmt.results_format) or b""


def write_triples(
    triples: ox.QueryTriples | RemoteTriples,
    fmt: Format,
    *,
    limit: int,
    max_bytes: int,
    prefixes: Mapping[str, str],
) -> tuple[bytes, bool]:
    """Serialize CONSTRUCT/DESCRIBE results: at most *limit* triples and about *max_bytes*.

    The engine yields at most *limit* + 1 triples (one more says whether there were more), and
    pyoxigraph writes them once, in the requested format: a thousand triples take 0.3 ms more
    than the engine's own Turtle writer, against 1.7 ms through N-Triples and back.
    """
    assert fmt.rdf_format is not None
    rdf_format = fmt.rdf_format
    taken, truncated = _take(triples, limit, max_bytes)
    body = _write_graph(taken, rdf_format, prefixes)
    while len(body) > max_bytes and taken:
        taken = taken[: min(len(taken) - 1, len(taken) * max_bytes // len(body))]
        body, truncated = _write_graph(taken, rdf_format, prefixes), True
    return body, truncated


def _take(triples: Iterable[ox.Triple], limit: int, max_bytes: int) -> tuple[list[ox.Triple], bool]:
    """The first triples up to *limit* and about *max_bytes* of N-Triples; and whether cut."""
    taken: list[ox.Triple] = []
    size = 0
    for triple in itertools.islice(triples, limit + 1):
        size += len(str(triple)) + 3
        if len(taken) == limit or size > max_bytes:
            return taken, True
        taken.append(triple)
    return taken, False


def _write_graph(
    triples: list[ox.Triple], rdf_format: ox.RdfFormat, prefixes: Mapping[str, str]
) -> bytes:
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return ox.serialize(triples, format=rdf_format) or b""
    return ox.serialize(triples, format=rdf_format, prefixes=dict(prefixes)) or b""


def _from_tsv(tsv: bytes, results_format: ox.QueryResultsFormat) -> bytes:
    if results_format == ox.QueryResultsFormat.TSV:
        return tsv
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed.serialize(format=results_format) or b""
