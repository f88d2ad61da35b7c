"""A query worker process: opens the built store read-only and runs one query at a time.

Started by `chava.sparql.pool` as `python -m chava.sparql.worker`; the first frame on stdin says
how to start (a `chava.sparql.launch.WorkerLaunch`): the store's path or the external engine's
RemoteConfig (so credentials never show in the process list), the memory limit, the isolation
mode and the egress targets. It first enters its own network namespace (chava.sparql.sandbox),
then opens the store and speaks frames on stdin/stdout (see `write_frame`). It may be SIGKILLed
at any moment, which is the point: the supervisor kills it when a query overruns its deadline.
It exits when its stdin closes.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import resource
import signal
import socket
import struct
import sys
from typing import IO, TYPE_CHECKING, Any, Final

import pyoxigraph as ox

from chava.errors import (
    EngineBusyError,
    EngineTimeoutError,
    EngineUnreachableError,
    PublisherError,
)
from chava.sparql import results, sandbox
from chava.sparql.contract import QueryJob, QueryReply, ReplyKind
from chava.sparql.launch import WorkerLaunch

if TYPE_CHECKING:  # imported only by a worker of an external engine (a lean worker otherwise)
    from chava.stores.remote_store import RemoteStore, RemoteTriples

_LENGTHS: Final = struct.Struct(">II")
READY: Final = b"R"
SANDBOX_FAILED: Final = 3
"""Exit status of a worker that could not isolate itself while isolation is required."""
SERVICE_FAILED: Final = (
    "a query calling SERVICE failed; the reason is not given (the endpoint may be unreachable, "
    "may have answered with an error, or the query may have failed for another reason)"
)
"""The one message of every failure of a query that calls SERVICE: no port-scanner oracle."""


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


def check_syntax(query: str, base_iri: str | None, *, calls_service: bool = False) -> None:
    """Raise the SyntaxError (line and column) pyoxigraph gives *query*, as over a local store.

    Parsed over an empty store: SELECT and CONSTRUCT are not evaluated until read, but ASK is,
    so a query calling SERVICE is left to the engine to parse (no call made twice).
    """
    if calls_service:
        return
    try:
        _empty_store().query(query, base_iri=base_iri)
    except SyntaxError:
        raise
    except (ValueError, OSError, RuntimeError):
        return  # an evaluation error over no data says nothing about the query on the engine


@functools.cache
def _empty_store() -> ox.Store:
    return ox.Store()


def run_job(store: ox.Store | RemoteStore, job: QueryJob) -> tuple[QueryReply, bytes]:
    """Run one query job; return the reply and the serialized result."""
    options: dict[str, Any] = {"base_iri": job.base_iri}
    try:
        if job.default_graphs is not None:
            options["default_graph"] = [
                ox.NamedNode(iri) if iri else ox.DefaultGraph() for iri in job.default_graphs
            ]
        elif job.union:
            options["use_default_graph_as_union"] = True
        if job.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    except ValueError as error:  # the web side checks these IRIs first; never crash on one
        return QueryReply(ReplyKind.EVALUATION, message=str(error)), b""
    cut = False
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | RemoteTriples
    try:
        if not isinstance(store, ox.Store):  # a RemoteStore (`chava serve --store`)
            check_syntax(job.query, job.base_iri, calls_service=job.calls_service)
            found = store.answer(job.query, rows=job.limit + 1, timeout=job.timeout, **options)
            answer, cut = found.result, found.cut
        else:
            answer = store.query(job.query, **options)
    except SyntaxError as error:
        return QueryReply(ReplyKind.SYNTAX, message=str(error)), b""
    except (EngineUnreachableError, EngineTimeoutError, EngineBusyError) as error:
        # The engine's failure, not the query's: the web side answers 502 / 504 / 503.
        return _engine_failure(error), b""
    except (ValueError, OSError, RuntimeError, PublisherError) as error:
        return _failure(job, error), b""
    try:
        reply, body = _serialize(answer, job)
        if cut and reply.ok:
            reply = dataclasses.replace(reply, truncated=True)  # cut by the engine: never whole
        return reply, body
    except (ValueError, OSError, RuntimeError, SyntaxError) as error:
        # Errors raised while results stream out (a failing function, a bad IRI built by IRI())
        return _failure(job, error), b""


def _engine_failure(error: PublisherError) -> QueryReply:
    return QueryReply(
        ReplyKind.ENGINE,
        message=str(error),
        status=error.http_status,
        retry_after=int(getattr(error, "retry_after", 1) or 1),
    )


def _failure(job: QueryJob, error: Exception) -> QueryReply:
    message = SERVICE_FAILED if job.calls_service else str(error)
    return QueryReply(ReplyKind.EVALUATION, message=message)


def _serialize(
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | RemoteTriples,
    job: QueryJob,
) -> tuple[QueryReply, bytes]:
    fmt, limit, max_bytes = job.format, job.limit, job.max_bytes
    if isinstance(answer, ox.QueryBoolean) and fmt.results_format is not None:
        return QueryReply(ReplyKind.OK), results.write_boolean(answer, fmt)
    if isinstance(answer, ox.QuerySolutions) and fmt.results_format is not None:
        body, truncated = results.write_solutions(answer, fmt, limit=limit, max_bytes=max_bytes)
        return QueryReply(ReplyKind.OK, truncated), body
    if not isinstance(answer, ox.QuerySolutions | ox.QueryBoolean) and fmt.rdf_format is not None:
        body, truncated = results.write_triples(
            answer, fmt, limit=limit, max_bytes=max_bytes, prefixes=job.prefixes
        )
        return QueryReply(ReplyKind.OK, truncated), body
    message = f"{fmt.media_type} cannot carry the results of this query"
    return QueryReply(ReplyKind.FORMAT, message=message), b""


def main() -> int:
    """Read the launch frame, isolate, open the store, then serve jobs until stdin closes."""
    # Ctrl-C in a terminal reaches the whole process group: the pool stops its workers (it
    # closes their stdin or kills them), so the key must not interrupt one mid-frame.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    opening = read_frame(stdin)
    if opening is None:
        return 1
    launch, channel = WorkerLaunch.from_frame(opening[0])
    if not _isolate(launch, channel):
        return SANDBOX_FAILED
    if launch.memory_mb > 0:
        # Past this, allocations fail and the worker aborts: the pool answers 503 and replaces it.
        limit = launch.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store: ox.Store | RemoteStore
    if launch.remote is not None:
        from chava.stores.remote_store import RemoteStore

        store = RemoteStore(launch.remote)
        store.warm()  # a connection to the engine, opened before the first query needs it
    else:
        store = ox.Store.read_only(str(launch.store_path))
    stdout.write(READY)
    stdout.flush()
    while (frame := read_frame(stdin)) is not None:
        try:
            job = QueryJob.decode(frame[0])
        except (KeyError, ValueError, TypeError) as error:  # the pool sends only QueryJobs
            reply, body = QueryReply(ReplyKind.EVALUATION, message=f"bad job: {error}"), b""
        else:
            reply, body = run_job(store, job)
        write_frame(stdout, reply.encode(), body)
    return 0


def _isolate(launch: WorkerLaunch, channel: int | None) -> bool:
    """Enter the sandbox as *launch* says; False when it is required and failed."""
    if launch.isolation == "off":
        return True
    connection = None if channel is None else socket.socket(fileno=channel)
    try:
        sandbox.enter(launch.targets, connection)
    except sandbox.SandboxError as error:
        print(f"chava query worker: cannot isolate: {error}", file=sys.stderr, flush=True)
        return launch.isolation != "require"
    return True


if __name__ == "__main__":
    sys.exit(main())
