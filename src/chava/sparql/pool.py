"""Supervised, killable query workers: one pool per web worker process.

pyoxigraph cannot be interrupted from Python, so each untrusted query runs in a worker process
(`chava.sparql.worker`) with a deadline. A worker past its deadline is SIGKILLed and replaced in
the background; only its own query fails (QueryTimeoutError, 503). A worker that dies on a query
is replaced the same way. Workers read the built store read-only, so any number can share it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn

from chava.errors import (
    ClientGoneError,
    ConfigError,
    EngineBusyError,
    EngineTimeoutError,
    EngineUnreachableError,
    PublisherError,
    QueryEngineError,
    QueryError,
    QueryTimeoutError,
    QueryWorkerDiedError,
)
from chava.sparql import worker as protocol
from chava.sparql.contract import QueryJob, QueryReply, ReplyKind
from chava.sparql.egress import Broker, targets_of
from chava.sparql.launch import WorkerLaunch
from chava.sparql.syntax_errors import syntax_error

if TYPE_CHECKING:  # a web worker of a local store imports no HTTP client
    from chava.stores.remote_store import RemoteConfig

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 400
"""Characters of an engine error message passed on to the client."""
START_TIMEOUT = 60.0
"""Seconds a new worker may take to open the store before it is given up on."""
REPLY_SLACK = 64 * 1024
"""Bytes a reply may exceed the result byte cap by (the head's truncation link, a header)."""


@dataclass(frozen=True)
class QueryOutcome:
    """A finished query: the serialized result and whether it was cut at the row cap."""

    body: bytes
    truncated: bool


MALLOC_ARENAS: Final = "2"
"""glibc's malloc arenas in a worker (MALLOC_ARENA_MAX, unless the operator set it). Each arena
reserves 64 MB of address space, and glibc makes up to 8 a core as threads contend: on a busy
host a worker's RocksDB threads could reserve the whole `sparql_worker_memory_mb` (1 GB) at
start-up, and the next thread failed to start ("Resource temporarily unavailable"), ending the
worker. Two arenas keep the address-space cap a cap on memory, not on reservations."""

WORKER_ENTRY: Final = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "import sys; from chava.sparql.worker import main; sys.exit(main())"
)
"""How a worker starts: Ctrl-C in a terminal reaches the server's whole process group, and the
pool stops its workers itself, so SIGINT is ignored before the worker imports anything (a
worker still importing prints no traceback); the workers stay in the server's group, so
stopping the group stops them too."""


class _WorkerDiedError(Exception):
    """The worker process ended (crash, kill) while answering."""


class _IsolationError(_WorkerDiedError):
    """The worker could not enter its namespaces, and isolation is required."""


class _DeadlineError(Exception):
    """The worker did not answer before the deadline."""


def _engine_error(reply: QueryReply, message: str) -> PublisherError:
    """The error a worker reported for the engine (not the query): 502, 503 or 504."""
    retry_after = reply.retry_after or 1
    status = reply.status or 502
    if status == 504:
        return EngineTimeoutError(message, retry_after=retry_after)
    if status == 503:
        return EngineBusyError(message, retry_after=retry_after)
    return EngineUnreachableError(message, retry_after=retry_after)


def outcome_of(
    job: QueryJob, reply: QueryReply, body: bytes, known_prefixes: Mapping[str, str]
) -> QueryOutcome:
    """The result of *job* as a worker answered it (*reply*, *body*), or the error to report.

    A syntax error names the line, column and what was expected (*known_prefixes*: namespaces
    suggested for an undeclared prefix).
    """
    if reply.kind is ReplyKind.SYNTAX:
        raise syntax_error(reply.message, job.query, known_prefixes)
    if not reply.ok:
        # The engine's message may be long: one line of it is enough to read.
        message = " ".join((reply.message or "query failed").split())
        if len(message) > MESSAGE_LIMIT:
            message = message[:MESSAGE_LIMIT] + " …"
        if reply.kind is ReplyKind.ENGINE:
            raise _engine_error(reply, message)
        raise QueryError(f"the query failed: {message}")
    return QueryOutcome(body, reply.truncated)


class QueryWorker:
    """One worker process, the pipes to it and the broker of its connections."""

    def __init__(self, launch: WorkerLaunch, *, max_reply_bytes: int | None = None) -> None:
        self.max_reply_bytes = max_reply_bytes
        channel = None
        if launch.isolation != "off" and launch.targets:
            channel, inherited = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        frame = launch.as_frame(None if channel is None else inherited.fileno())
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_ENTRY],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                close_fds=True,
                pass_fds=() if channel is None else (inherited.fileno(),),
                env={"MALLOC_ARENA_MAX": MALLOC_ARENAS, **os.environ},
            )
        finally:
            if channel is not None:
                inherited.close()
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._stdin = self.process.stdin
        if channel is not None:
            Broker(channel, launch.targets, connect_timeout=launch.connect_timeout)
        try:
            protocol.write_frame(self._stdin, frame)
        except OSError:
            self.kill()
            raise
        self._stdout_fd = self.process.stdout.fileno()
        self._buffer = bytearray()
        self.idle_since = 0.0
        """time.monotonic() when it last went back to the idle queue."""
        try:
            ready = self._read_exactly(1, time.monotonic() + START_TIMEOUT)
        except (_DeadlineError, _WorkerDiedError):
            self.kill()
            if self.process.returncode == protocol.SANDBOX_FAILED:
                raise _IsolationError from None
            raise
        if ready != protocol.READY:
            self.kill()
            raise _WorkerDiedError("worker did not start")

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    def run(self, job: QueryJob, deadline: float) -> tuple[QueryReply, bytes]:
        """Send *job* and wait for the reply until *deadline* (time.monotonic)."""
        self._send(job)
        lengths = self._read_exactly(protocol.LENGTHS_SIZE, deadline)
        header_length, body_length = self._lengths(lengths)
        header = json.loads(self._read_exactly(header_length, deadline))
        reply = QueryReply.decode(header)  # KeyError, ValueError: a garbled reply
        return reply, self._read_exactly(body_length, deadline)

    async def run_async(self, job: QueryJob, deadline: float) -> tuple[QueryReply, bytes]:
        """run, from an event loop: the reply is read as it arrives, no thread waits for it."""
        self._send(job)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int] = loop.create_future()

        def readable() -> None:
            if done.done():
                return
            try:
                chunk = os.read(self._stdout_fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError as error:
                done.set_exception(_WorkerDiedError(str(error)))
                return
            if not chunk:
                done.set_exception(_WorkerDiedError("worker closed its output"))
                return
            self._buffer += chunk
            try:
                size = self._complete_reply()
            except _WorkerDiedError as error:
                done.set_exception(error)
                return
            if size is not None:
                done.set_result(size)

        def overdue() -> None:
            if not done.done():
                done.set_exception(_DeadlineError())

        loop.add_reader(self._stdout_fd, readable)
        timer = loop.call_later(max(0.0, deadline - time.monotonic()), overdue)
        try:
            size = await done
        finally:
            timer.cancel()
            loop.remove_reader(self._stdout_fd)
        frame = bytes(self._buffer[:size])
        del self._buffer[:size]
        start = protocol.LENGTHS_SIZE
        header_length, _body_length = protocol.unpack_lengths(frame[:start])
        reply = QueryReply.decode(json.loads(frame[start : start + header_length]))
        return reply, frame[start + header_length :]

    def _send(self, job: QueryJob) -> None:
        try:
            frame = memoryview(protocol.encode_frame(job.encode()))
            while frame:
                frame = frame[os.write(self._stdin.fileno(), frame) :]
        except (BrokenPipeError, OSError) as error:
            raise _WorkerDiedError(str(error)) from error

    def _lengths(self, lengths: bytes) -> tuple[int, int]:
        header_length, body_length = protocol.unpack_lengths(lengths)
        if self.max_reply_bytes is not None and body_length > self.max_reply_bytes:
            # The worker caps its results itself; a larger reply is never read into memory.
            raise _WorkerDiedError(f"a reply of {body_length} bytes was refused")
        return header_length, body_length

    def _complete_reply(self) -> int | None:
        """The size of the whole reply frame once the buffer holds it, else None."""
        if len(self._buffer) < protocol.LENGTHS_SIZE:
            return None
        header_length, body_length = self._lengths(bytes(self._buffer[: protocol.LENGTHS_SIZE]))
        size = protocol.LENGTHS_SIZE + header_length + body_length
        return size if len(self._buffer) >= size else None

    def kill(self) -> None:
        """SIGKILL the worker and reap it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._stdin.close()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        # One buffer per worker: a reply usually arrives in one read, header and body together.
        while len(self._buffer) < size:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise _DeadlineError
            readable, _writable, _errors = select.select([self._stdout_fd], [], [], timeout)
            if not readable:
                raise _DeadlineError
            chunk = os.read(self._stdout_fd, max(size - len(self._buffer), 1 << 16))
            if not chunk:
                raise _WorkerDiedError("worker closed its output")
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a thread without a loop (the Flask route's queries)
        return None


def _expire(waiter: asyncio.Future[QueryWorker]) -> None:
    if not waiter.done():
        waiter.set_exception(_NoWorkerError())


def _abandon(waiter: asyncio.Future[QueryWorker]) -> None:
    if not waiter.done():
        waiter.set_exception(_ClientGoneError())


class _NoWorkerError(Exception):
    """No worker became free before the deadline."""


class _ClientGoneError(Exception):
    """The client hung up while its query waited for a worker."""


class QueryPool:
    """Up to *size* query workers over one store; started on first use, in this process.

    With *idle_timeout* (seconds, 0: off), the pool starts one worker, starts another when a
    query finds none free (one start at a time, up to *size*), and stops a worker idle for
    longer than that while more than one run: each worker holds its own RocksDB caches (tens
    of MB at a million statements), so a quiet server keeps one. Without, all start at once
    and stay.
    """

    def __init__(
        self,
        store_path: Path,
        *,
        size: int,
        timeout: float,
        memory_mb: int = 0,
        remote: RemoteConfig | None = None,
        isolation: str = "require",
        egress: Sequence[str] = (),
        connect_timeout: float = 5.0,
        max_result_bytes: int | None = None,
        known_prefixes: Mapping[str, str] | None = None,
        idle_timeout: float = 0.0,
    ) -> None:
        if size < 1:
            raise ConfigError(f"a query pool needs at least one worker, not {size}")
        self.store_path = store_path
        urls = [*egress, *([] if remote is None else remote.urls)]
        self.launch = WorkerLaunch(
            store_path, memory_mb, remote, isolation, targets_of(urls), connect_timeout
        )
        self.max_reply_bytes = None if max_result_bytes is None else max_result_bytes + REPLY_SLACK
        self.size = size
        self.idle_timeout = max(0.0, idle_timeout)
        self.initial = 1 if self.idle_timeout else size
        """Workers started at first use, and kept when idle."""
        self.timeout = timeout
        self.known_prefixes = dict(known_prefixes or {})
        """Namespaces a syntax error suggests for an undeclared prefix."""
        # Last in, first out: the worker that answered last takes the next query. Each worker has
        # its own RocksDB block cache, and a query's first run in a worker reads and decompresses
        # its blocks (query 04 of the benchmark mix, 1M statements: 65 ms, then 32 ms), so
        # sequential queries stay on the warmest worker; the others warm up under concurrency.
        self._idle: queue.LifoQueue[QueryWorker] = queue.LifoQueue()
        self._all: set[QueryWorker] = set()
        self._lock = threading.Lock()
        self._owner_pid: int | None = None
        self._starting = 0
        self._blocked = 0
        """Queries waiting in a thread for a free worker (execute)."""
        self._closed = False
        self._waiters: collections.deque[
            tuple[asyncio.AbstractEventLoop, asyncio.Future[QueryWorker]]
        ] = collections.deque()
        """Queries waiting in an event loop for a free worker (execute_async), oldest first."""

    def execute(self, job: QueryJob) -> QueryOutcome:
        """Run *job* on a free worker within the time limit, or raise the error to report."""
        deadline = time.monotonic() + self.timeout
        self._start()
        worker = self._live_worker(deadline)
        try:
            reply, body = worker.run(job, deadline)
        except (_DeadlineError, _WorkerDiedError, KeyError, ValueError) as error:
            self._fail(worker, error)
        self._release(worker)
        return outcome_of(job, reply, body, self.known_prefixes)

    async def execute_async(
        self, job: QueryJob, *, hang_up: Callable[[], Awaitable[object]] | None = None
    ) -> QueryOutcome:
        """execute, from an event loop (chava.web.gateway): no thread waits for the worker.

        Waiting for a free worker ends early when *hang_up* (the client's disconnect) completes:
        ClientGoneError, and the query never runs. A task cancelled while its query runs
        kills the worker (it is replaced), as a timeout does.
        """
        deadline = time.monotonic() + self.timeout
        self._start()
        try:
            worker = await self._worker_async(deadline, hang_up)
        except _NoWorkerError:
            raise QueryTimeoutError(
                f"no query worker became free within {self.timeout:g} s; try again later"
            ) from None
        except _ClientGoneError:
            raise ClientGoneError("the client hung up before its query ran") from None
        try:
            reply, body = await worker.run_async(job, deadline)
        except (_DeadlineError, _WorkerDiedError, KeyError, ValueError) as error:
            self._fail(worker, error)
        except BaseException:  # cancelled mid-query: the worker's state is unknown
            self._retire(worker)
            raise
        self._release(worker)
        return outcome_of(job, reply, body, self.known_prefixes)

    def _fail(self, worker: QueryWorker, error: Exception) -> NoReturn:
        """Retire *worker* after *error*; raise the error to report."""
        self._retire(worker)
        if isinstance(error, _DeadlineError) and self.launch.remote is not None:
            raise EngineTimeoutError(  # the engine did not answer in time
                f"the engine did not answer within the {self.timeout:g} s limit; the query "
                "was given up"
            ) from None
        if isinstance(error, _DeadlineError):
            raise QueryTimeoutError(
                f"the query ran longer than the {self.timeout:g} s limit and was stopped"
            ) from None
        # _WorkerDiedError; KeyError, ValueError: a garbled reply
        raise QueryWorkerDiedError(
            "the query worker died while running this query, as it does when a query needs "
            "more memory than the limit (sparql_worker_memory_mb); it was replaced"
        ) from None

    def start(self) -> None:
        """Start the workers now, in the background, instead of on the first query."""
        self._start()

    def wait_ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Wait until every worker has started (or failed to); True if all are up.

        A server switching to a new build waits for its workers before sending it queries.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._starting <= 0:
                    return len(self._all) >= self.initial
            time.sleep(0.02)
        return False

    def _release(self, worker: QueryWorker) -> None:
        """Give a free worker to a query waiting in an event loop, or to the idle ones."""
        while True:
            with self._lock:
                if not self._waiters:
                    break
                loop, waiter = self._waiters.popleft()
            if not waiter.done():
                if _running_loop() is loop:  # released in the waiter's own loop: no wake-up
                    self._hand_over(waiter, worker)
                    return
                try:
                    loop.call_soon_threadsafe(self._hand_over, waiter, worker)
                except RuntimeError:  # the loop is closed: try the next waiter
                    continue
                return
        worker.idle_since = time.monotonic()
        self._idle.put(worker)

    def _hand_over(self, waiter: asyncio.Future[QueryWorker], worker: QueryWorker) -> None:
        if waiter.done():  # it gave up meanwhile (hang-up, deadline): pass the worker on
            self._release(worker)
        else:
            waiter.set_result(worker)

    async def _worker_async(
        self, deadline: float, hang_up: Callable[[], Awaitable[object]] | None
    ) -> QueryWorker:
        """A free live worker; waits in the event loop (no thread) when all are busy."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                self._grow()
                worker = await self._wait_for_worker(deadline, hang_up)
            if worker.process.poll() is None:
                return worker
            self._retire(worker)

    async def _wait_for_worker(
        self, deadline: float, hang_up: Callable[[], Awaitable[object]] | None
    ) -> QueryWorker:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[QueryWorker] = loop.create_future()
        with self._lock:
            self._waiters.append((loop, waiter))
        # A worker freed between get_nowait and the line above went to the idle queue.
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            pass
        else:
            waiter.cancel()  # a hand-over already under way passes its worker on
            with self._lock, contextlib.suppress(ValueError):
                self._waiters.remove((loop, waiter))
            return worker
        watcher = None if hang_up is None else asyncio.ensure_future(hang_up())
        timer = loop.call_later(max(0.0, deadline - time.monotonic()), _expire, waiter)
        if watcher is not None:
            watcher.add_done_callback(lambda _watcher: _abandon(waiter))
        try:
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # cancelled as the worker arrived: pass it on
            with self._lock, contextlib.suppress(ValueError):
                self._waiters.remove((loop, waiter))
            raise
        finally:
            timer.cancel()
            if watcher is not None and not watcher.done():
                watcher.cancel()

    def _live_worker(self, deadline: float) -> QueryWorker:
        """Take a free worker; one that died while idle (OOM killer...) is replaced, not used."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                self._grow()
                with self._lock:
                    self._blocked += 1
                try:
                    worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise QueryTimeoutError(
                        f"no query worker became free within {self.timeout:g} s; try again later"
                    ) from None
                finally:
                    with self._lock:
                        self._blocked -= 1
            if worker.process.poll() is None:
                return worker
            self._retire(worker)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and the log)."""
        with self._lock:
            return sorted(worker.pid for worker in self._all)

    def close(self) -> None:
        """Kill every worker; the pool refuses work afterwards."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()

    def _start(self) -> None:
        """Start workers up to `initial`: on first use, after a fork, after failed starts."""
        with self._lock:
            if self._closed:
                raise QueryEngineError("the query pool is closed")
            if self._owner_pid != os.getpid():
                # First use in this process (or after a fork: the parent's workers are not ours).
                self._owner_pid = os.getpid()
                self._idle = queue.LifoQueue()
                self._waiters.clear()
                self._all = set()
                self._starting = 0
                if self.idle_timeout:
                    threading.Thread(
                        target=self._reap,
                        args=(os.getpid(),),
                        name="chava-query-reaper",
                        daemon=True,
                    ).start()
            missing = self.initial - len(self._all) - self._starting
            self._starting += max(0, missing)
        for _index in range(missing):
            threading.Thread(target=self._spawn, name="chava-query-spawn", daemon=True).start()

    def _grow(self) -> None:
        """No worker is free: start one more, up to the size, one start at a time (a worker
        that starts while queries still wait starts the next one)."""
        with self._lock:
            if self._closed or self._starting or len(self._all) >= self.size:
                return
            self._starting += 1
        threading.Thread(target=self._spawn, name="chava-query-spawn", daemon=True).start()

    def _reap(self, owner: int) -> None:
        """Stop the workers idle longer than idle_timeout, keeping `initial` of them."""
        period = min(5.0, self.idle_timeout / 2)
        while True:
            time.sleep(period)
            with self._lock:
                if self._closed or self._owner_pid != owner:
                    return
            for worker in self._idle_too_long():
                logger.info(
                    "stopping query worker %d, idle for %g s", worker.pid, self.idle_timeout
                )
                worker.kill()

    def _idle_too_long(self) -> list[QueryWorker]:
        """Take out of the pool the workers idle too long, the longest idle first."""
        expired: list[QueryWorker] = []
        limit = time.monotonic() - self.idle_timeout
        with self._lock, self._idle.mutex:
            idle = self._idle.queue  # last in, first out: the longest idle first
            while idle and idle[0].idle_since < limit and len(self._all) > self.initial:
                worker = idle.pop(0)
                self._all.discard(worker)
                expired.append(worker)
        return expired

    def _retire(self, worker: QueryWorker) -> None:
        logger.warning("killing query worker %d", worker.pid)
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._start()  # a replacement, in the background

    def _spawn(self) -> None:
        try:
            worker = QueryWorker(self.launch, max_reply_bytes=self.max_reply_bytes)
        except _IsolationError:
            logger.error(
                "SECURITY: a query worker could not isolate itself from the network and "
                'sparql_worker_isolation is "require": no query can run (see its error above)'
            )
            with self._lock:
                self._starting -= 1
            return
        except (OSError, _WorkerDiedError, _DeadlineError):
            logger.exception("could not start a query worker on %s", self.store_path)
            with self._lock:
                self._starting -= 1
            return
        with self._lock:
            self._starting -= 1
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        logger.info("query worker %d ready", worker.pid)
        self._release(worker)
        if self._waiters or self._blocked:  # more queries wait than this one could take
            self._grow()
