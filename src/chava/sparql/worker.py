"""A query worker process: opens the built store read-only and runs one query at a time.

Started by `chava.sparql.pool` as `python -m chava.sparql.worker STORE_PATH`, or with `--remote`
instead of the path to query an external engine (its RemoteConfig comes as the first frame on
stdin, so credentials never show in the process list); it speaks frames
on stdin/stdout (see `write_frame`). It may be SIGKILLed at any moment, which is the point: the
supervisor kills it when a query overruns its deadline. It exits when its stdin closes.
"""

from __future__ import annotations

import json
import resource
import struct
import sys
from typing import IO, Any, Final

import pyoxigraph as ox

from chava.errors import PublisherError
from chava.remote_store import RemoteConfig, RemoteStore, RemoteTriples
from chava.sparql import results

_LENGTHS: Final = struct.Struct(">II")
_EMPTY: Final = ox.Store()
REMOTE: Final = "--remote"
"""The worker argument meaning: read from the engine described by the first frame."""
READY: Final = b"R"


def encode_frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    """One frame: two big-endian lengths, a JSON header, then the body bytes."""
    encoded = json.dumps(header).encode()
    return _LENGTHS.pack(len(encoded), len(body)) + encoded + body


def write_frame(stream: IO[bytes], header: dict[str, Any], body: bytes = b"") -> None:
    """Write one frame (see encode_frame) and flush it."""
    stream.write(encode_frame(header, body))
    stream.flush()


def read_frame(stream: IO[bytes]) -> tuple[dict[str, Any], bytes] | None:
    """Read one frame written by write_frame; None at end of stream."""
    lengths = stream.read(_LENGTHS.size)
    if len(lengths) < _LENGTHS.size:
        return None
    header_length, body_length = _LENGTHS.unpack(lengths)
    header = json.loads(stream.read(header_length))
    return header, stream.read(body_length)


def unpack_lengths(data: bytes) -> tuple[int, int]:
    """Decode the two lengths at the start of a frame."""
    header_length, body_length = _LENGTHS.unpack(data)
    return int(header_length), int(body_length)


LENGTHS_SIZE: Final = _LENGTHS.size


def check_syntax(query: str, base_iri: str | None) -> None:
    """Raise the SyntaxError (line and column) pyoxigraph gives *query*, as over a local store.

    Parsed over an empty store: SELECT and CONSTRUCT are not evaluated until read, but ASK is,
    so a query calling SERVICE is left to the engine to parse (no call made twice).
    """
    if "SERVICE" in query.upper():
        return
    try:
        _EMPTY.query(query, base_iri=base_iri)
    except SyntaxError:
        raise
    except (ValueError, OSError, RuntimeError):
        return  # an evaluation error over no data says nothing about the query on the engine


def run_job(store: ox.Store | RemoteStore, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one query job; return the reply header and the serialized result."""
    options: dict[str, Any] = {"base_iri": job.get("base_iri")}
    try:
        if job.get("default_graphs") is not None:
            options["default_graph"] = [
                ox.NamedNode(iri) if iri else ox.DefaultGraph() for iri in job["default_graphs"]
            ]
        elif job.get("union"):
            options["use_default_graph_as_union"] = True
        if job.get("named_graphs") is not None:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in job["named_graphs"]]
    except ValueError as error:  # the web side checks these IRIs first; never crash on one
        return {"ok": False, "kind": "evaluation", "message": str(error)}, b""
    try:
        if isinstance(store, RemoteStore):
            check_syntax(job["query"], job.get("base_iri"))
        answer = store.query(job["query"], **options)
    except SyntaxError as error:
        return {"ok": False, "kind": "syntax", "message": str(error)}, b""
    except (ValueError, OSError, RuntimeError, PublisherError) as error:
        return {"ok": False, "kind": "evaluation", "message": str(error)}, b""
    media_type = job["media_type"]
    limit = int(job["limit"])
    table_format = ox.QueryResultsFormat.from_media_type(media_type)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    try:
        if isinstance(answer, ox.QueryBoolean) and table_format is not None:
            body = results.write_boolean(answer, table_format)
            return {"ok": True, "truncated": False}, body
        if isinstance(answer, ox.QuerySolutions) and table_format is not None:
            body, truncated = results.write_solutions(answer, table_format, limit=limit)
            return {"ok": True, "truncated": truncated}, body
        if isinstance(answer, ox.QueryTriples | RemoteTriples) and rdf_format is not None:
            prefixes = job.get("prefixes", {})
            body, truncated = results.write_triples(
                answer, rdf_format, limit=limit, prefixes=prefixes
            )
            return {"ok": True, "truncated": truncated}, body
    except (ValueError, OSError, RuntimeError, SyntaxError) as error:
        # Errors raised while results stream out (a failing function, a bad IRI built by IRI())
        return {"ok": False, "kind": "evaluation", "message": str(error)}, b""
    message = f"{media_type} cannot carry the results of this query"
    return {"ok": False, "kind": "format", "message": message}, b""


def main(argv: list[str]) -> int:
    """Serve jobs from stdin until it closes: `worker STORE_PATH|--remote [MEMORY_MB]`."""
    memory_mb = int(argv[2]) if len(argv) > 2 else 0
    if memory_mb > 0:
        # Past this, allocations fail and the worker aborts: the pool answers 503 and replaces it.
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    store: ox.Store | RemoteStore
    if argv[1] == REMOTE:
        opening = read_frame(stdin)
        if opening is None:
            return 1
        store = RemoteStore(RemoteConfig.from_dict(opening[0]))
    else:
        store = ox.Store.read_only(argv[1])
    stdout.write(READY)
    stdout.flush()
    while (frame := read_frame(stdin)) is not None:
        header, body = run_job(store, frame[0])
        write_frame(stdout, header, body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
