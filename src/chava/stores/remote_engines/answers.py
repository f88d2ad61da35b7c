"""An engine's answer read into pyoxigraph's terms, its dialect undone, a cut never taken whole.

SPARQL JSON results are parsed by pyoxigraph; for an engine with a dialect (Virtuoso) they are
first put right: blank-node ids `nodeID://b1` become `b1` (as in its N-Triples), booleans
`"1"^^xsd:boolean` become `"true"`, an ASK answered as a one-row table becomes a boolean, and
the `_star_fake` column of `SELECT * {}` is dropped. An answer the engine says it cut at its
time limit (Virtuoso's `X-SQL-State: S1TAT`, "incomplete results") is an EngineTimeoutError;
one cut at its row cap is flagged (`Answer.cut`) for the caller to page or to mark truncated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

import pyoxigraph as ox

from chava.errors import EngineAnswerError, EngineTimeoutError
from chava.stores.remote_engines.profiles import EngineProfile
from chava.stores.remote_engines.transport import EngineReply

XSD_BOOLEAN: Final = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_INTEGER: Final = "http://www.w3.org/2001/XMLSchema#integer"
RESULTS_JSON: Final = "application/sparql-results+json"
_ASK_COLUMN: Final = "__ASK_RETVAL"
_FAKE_COLUMN: Final = "_star_fake"
_BOOLEANS: Final = {"1": "true", "0": "false"}


class RemoteTriples:
    """The triples of a remote CONSTRUCT / DESCRIBE, with QueryTriples' iterate and serialize."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(
        self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES
    ) -> bytes | None:
        """Write the triples like QueryTriples.serialize (to *output*, else returned)."""
        if output is None:
            return ox.serialize(self._triples, format=format)
        ox.serialize(self._triples, output, format=format)
        return None


Result = ox.QuerySolutions | ox.QueryBoolean | RemoteTriples


@dataclass(frozen=True)
class Answer:
    """A parsed answer and whether the engine cut it at its row cap."""

    result: Result
    cut: bool
    rows: int
    """Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in the answer."""
    variables: tuple[str, ...] = ()


def read_answer(
    reply: EngineReply,
    profile: EngineProfile,
    *,
    max_rows: int = 0,
    booleans: frozenset[str] = frozenset(),
) -> Answer:
    """Parse *reply*; raise EngineTimeoutError for a partial answer, EngineAnswerError for one
    chava cannot read. *max_rows* is the engine's row cap (0: none known); *booleans* are the
    columns the query binds to boolean expressions (answered 1 / 0 by some engines)."""
    if profile.partial_header is not None:
        name, value = profile.partial_header
        if reply.headers.get(name, "").strip().upper() == value:
            raise EngineTimeoutError(
                f"{reply.url}: the engine stopped the query at its time limit "
                f"({reply.headers.get('X-SQL-Message', '')[:120].strip()}); its partial "
                "answer is not used"
            )
    if profile.cancelled_marker and profile.cancelled_marker in reply.body[-2000:]:
        raise EngineTimeoutError(f"{reply.url}: the engine stopped the query at its own time limit")
    cut = bool(profile.cut_header and reply.headers.get(profile.cut_header))
    table = ox.QueryResultsFormat.from_media_type(reply.media_type)
    if table is not None:
        if table == ox.QueryResultsFormat.JSON:
            return _json_answer(reply, profile, cut, booleans)
        try:
            parsed = ox.parse_query_results(reply.body, format=table)
        except SyntaxError as error:
            raise EngineAnswerError(f"{reply.url}: unreadable results: {error}") from error
        if not isinstance(parsed, ox.QuerySolutions):
            return Answer(parsed, False, 1)
        names = tuple(variable.value for variable in parsed.variables)
        # TSV and CSV: one row per line after the head (line breaks in values are escaped).
        rows = max(0, reply.body.count(b"\n") - 1) if table != ox.QueryResultsFormat.XML else 0
        return Answer(parsed, cut, rows, names)
    graph = ox.RdfFormat.from_media_type(reply.media_type)
    if graph is None:
        raise EngineAnswerError(f"{reply.url}: unexpected answer type {reply.media_type!r}")
    try:
        triples = [quad.triple for quad in ox.parse(reply.body, format=graph)]
    except SyntaxError as error:
        raise EngineAnswerError(f"{reply.url}: unreadable graph: {error}") from error
    # CONSTRUCT is cut silently at the row cap (no header): as many triples as the cap is a cut.
    cut = cut or bool(max_rows and len(triples) >= max_rows)
    return Answer(RemoteTriples(triples), cut, len(triples))


def _json_answer(
    reply: EngineReply, profile: EngineProfile, cut: bool, booleans: frozenset[str]
) -> Answer:
    body = reply.body
    dialect = profile.blank_prefix or profile.numeric_booleans or profile.ask_as_table
    try:
        data: dict[str, Any] = json.loads(body)
        head = data.get("head") or {}
        variables = [str(name) for name in head.get("vars") or ()]
        if "boolean" in data:
            return Answer(_boolean(bool(data["boolean"])), False, 1)
        bindings: list[dict[str, Any]] = (data.get("results") or {}).get("bindings") or []
        if dialect:
            if profile.ask_as_table and variables == [_ASK_COLUMN]:
                value = bindings[0][_ASK_COLUMN]["value"] if bindings else "0"
                return Answer(_boolean(str(value) in ("1", "true")), False, 1)
            _undo_dialect(data, variables, bindings, profile, booleans)
            body = json.dumps(data).encode()
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise EngineAnswerError(f"{reply.url}: unreadable SPARQL JSON results") from error
    try:
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as error:
        raise EngineAnswerError(f"{reply.url}: unreadable results: {error}") from error
    names = tuple(name for name in variables if not name.startswith(_FAKE_COLUMN))
    return Answer(parsed, cut, len(bindings), names)


def _undo_dialect(
    data: dict[str, Any],
    variables: list[str],
    bindings: list[dict[str, Any]],
    profile: EngineProfile,
    booleans: frozenset[str],
) -> None:
    fake = [name for name in variables if name.startswith(_FAKE_COLUMN)]
    if fake:
        data["head"]["vars"] = [name for name in variables if name not in fake]
    prefix = profile.blank_prefix
    numeric = profile.numeric_booleans
    for row in bindings:
        for name in fake:
            row.pop(name, None)
        for name, cell in row.items():
            kind = cell.get("type")
            if kind == "bnode":
                if prefix and cell["value"].startswith(prefix):
                    cell["value"] = cell["value"][len(prefix) :]
            elif numeric and cell.get("datatype") == XSD_BOOLEAN:
                cell["value"] = _BOOLEANS.get(cell["value"], cell["value"])
            elif (
                name in booleans
                and cell.get("datatype") == XSD_INTEGER
                and cell["value"] in _BOOLEANS
            ):  # a boolean expression answered 1 / 0
                cell["value"] = _BOOLEANS[cell["value"]]
                cell["datatype"] = XSD_BOOLEAN


def _boolean(value: bool) -> ox.QueryBoolean:
    answer = ox.parse_query_results(
        b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}",
        format=ox.QueryResultsFormat.JSON,
    )
    assert isinstance(answer, ox.QueryBoolean)
    return answer
