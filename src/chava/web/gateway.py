"""The front of `chava serve`: an RSGI app that gives pages and SPARQL capacity of their own.

granian runs this coroutine in each web worker's event loop; it reads the request and hands it
to the Flask app (its whole WSGI stack) on one of two lanes, each a fixed set of threads:

- the *pages* lane (`web_threads`) for everything but SPARQL queries: pages, resources, the
  API, dumps, the editor. SPARQL never takes these threads, so a slow query cannot hold a page.
- the *SPARQL* lane (query workers + 1 threads: one per query worker, and one for answers
  from the cache) for requests that run a query. A plain GET of a query from a machine (no
  HTML asked for: chava.web.sparql_fast.is_async_fast) takes a place in this lane but no
  thread: it is answered in the event loop (chava.web.hardening.answer_async, the same layers
  and answer function), its query sent to a killable worker whose reply the loop reads as it
  arrives. That saves two thread hand-overs per query; the screen, the limits, the per-client
  slots and budget and the worker isolation are the same.

Each lane lets a bounded number of requests wait (`web_queue_length`, `sparql_queue_length`);
beyond it the answer is 503 with Retry-After at once, so a flood never builds a backlog that
outlives it. A SPARQL request whose client hangs up while it waits is dropped before it runs
(granian reports the hang-up to RSGI apps; the WSGI interface cannot); one already running is
told through the CLIENT_GONE callable, checked again right before a query worker is asked; one
answered in the event loop is dropped if its client hangs up while it waits for a free query
worker (chava.sparql.pool.QueryPool.execute_async).

Bodies are read here, without a thread, capped while they arrive (chunked ones too: 413 as
soon as the cap is passed) and within `web_body_timeout` (408), so a slow or endless upload
holds no thread and no more memory than the cap. Files (dumps) are sent by granian from disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Protocol

from werkzeug.wsgi import _RangeWrapper

from chava.config import Settings
from chava.errors import PublisherError
from chava.sparql.sizing import query_sizing
from chava.web import response_rules as rules
from chava.web.hardening import is_sparql_query
from chava.web.replies import error_reply
from chava.web.sparql_answer import CLIENT_GONE, HANG_UP
from chava.web.sparql_fast import is_async_fast

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

BUSY_RETRY_AFTER: Final = 1
"""Seconds a client told 503 (a full queue) should wait."""
_NO_BODY_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})
_PROTOCOLS: Final = {"1": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2", "3": "HTTP/3"}
_BASE_ENVIRON: Final[dict[str, Any]] = {
    "SCRIPT_NAME": "",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": True,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,
}
AsyncAnswer = tuple[int, list[tuple[str, str]], bytes]
"""A status, headers and body computed in the event loop (chava.web.hardening.answer_async)."""
_HEADER_KEYS: dict[str, str] = {}
"""Header name (as granian gives it, lower-case) -> its WSGI environ key."""


class Scope(Protocol):
    """The part of granian's RSGI HTTP scope this module reads."""

    proto: str
    http_version: str
    server: str
    client: str
    scheme: str
    method: str
    path: str
    query_string: str
    authority: str | None

    @property
    def headers(self) -> Any: ...


class FileHandle:
    """`wsgi.file_wrapper`: werkzeug's send_file wraps its file in this, so granian can send it."""

    def __init__(self, file: Any, buffer_size: int = 8192) -> None:
        self.file = file
        self.buffer_size = buffer_size

    def __iter__(self) -> FileHandle:
        return self

    def __next__(self) -> bytes:
        data: bytes = self.file.read(self.buffer_size)
        if not data:
            raise StopIteration
        return data

    def close(self) -> None:
        """Close the file (granian opens it again by name)."""
        self.file.close()


@dataclass(frozen=True)
class Answer:
    """A response computed on a lane thread: bytes, or a file (or a range of one) to send."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    file: str | None = None
    start: int | None = None
    end: int | None = None


class Lane:
    """A fixed pool of threads and at most *queue_length* requests waiting for one.

    A request takes its place (reserve) before its body is read, so the bodies held in
    memory are bounded by the lane too; the place is freed when its job ends (or is dropped).
    """

    def __init__(self, name: str, threads: int, queue_length: int) -> None:
        self.name = name
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"chava-{name}")
        self.limit = threads + max(0, queue_length)
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Requests holding a place: reading their body, waiting or running."""
        return self._pending

    def reserve(self) -> bool:
        """Take a place, or return False when the lane is full."""
        with self._lock:
            if self._pending >= self.limit:
                return False
            self._pending += 1
            return True

    def release(self) -> None:
        """Give back a place taken by reserve (a request refused before it ran)."""
        with self._lock:
            self._pending -= 1

    def run(self, job: Callable[[], Answer]) -> Future[Answer] | None:
        """Queue *job* on a reserved place (freed when it ends); None if the lane is closed."""
        try:
            future = self.executor.submit(job)
        except RuntimeError:  # shut down
            self.release()
            return None
        future.add_done_callback(lambda _future: self.release())
        return future

    def submit(self, job: Callable[[], Answer]) -> Future[Answer] | None:
        """Reserve and queue *job*, or return None when the lane is full."""
        return self.run(job) if self.reserve() else None

    def close(self) -> None:
        """Stop the threads once the jobs under way end; waiting ones are dropped."""
        self.executor.shutdown(wait=False, cancel_futures=True)


class Gateway:
    """The RSGI application granian runs: *app* is the Flask app's WSGI callable."""

    def __init__(
        self, app: WSGIApp, settings: Settings, *, on_close: Callable[[], None] | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.on_close = on_close
        # chava.web.hardening's replay: repeated requests answered in the event loop.
        self._replay: Callable[..., Iterable[bytes] | None] | None = getattr(
            getattr(app, "wsgi_app", app), "replay", None
        )
        # chava.web.hardening's answer_async: SPARQL GETs answered in the event loop.
        self._answer_async: Callable[[dict[str, Any]], Awaitable[AsyncAnswer | None]] | None = (
            getattr(getattr(app, "wsgi_app", app), "answer_async", None)
        )
        self.pages = Lane("pages", max(1, settings.web_threads), settings.web_queue_length)
        self.sparql = Lane(
            "sparql", query_sizing(settings).workers + 1, settings.sparql_queue_length
        )
        self.dropped = 0
        """SPARQL requests dropped unrun because their client hung up."""
        too_long = settings.sparql_max_query_bytes * 3 + 4096  # as chava.web.sparql checks
        self.sparql_body_limit = min(too_long, settings.web_max_body_bytes)

    async def __call__(self, scope: Scope, proto: Any) -> None:
        if scope.proto != "http":  # websockets are off; nothing else is served
            return
        if scope.method in ("GET", "HEAD") and self._replay is not None:
            replayed = self._replayed(_replay_environ(scope))
            if replayed is not None:  # a dictionary lookup: no thread, no queue
                _send(proto, replayed)
                return
        is_query = is_sparql_query(
            {
                "PATH_INFO": scope.path,
                "REQUEST_METHOD": scope.method,
                "QUERY_STRING": scope.query_string,
            }
        )
        lane = self.sparql if is_query else self.pages
        if not lane.reserve():  # refused before anything is read or built: a flood costs little
            _refuse(proto, 503, f"the server's {lane.name} queue is full; try again shortly")
            return
        try:
            environ = self._environ(scope)
            body_read = await self._read_body(scope, proto, environ, is_query)
        except BaseException:
            lane.release()
            raise
        if not body_read:
            lane.release()
            return
        if is_query and self._answer_async is not None and is_async_fast(environ):
            answered = await self._in_loop(environ, proto, lane)
            if answered is not None:
                _send(proto, answered)
                return
        gone = threading.Event()
        environ[CLIENT_GONE] = gone.is_set
        job = lane.run(lambda: self._call_app(environ))
        if job is None:
            _refuse(proto, 503, "the server is stopping")
            return
        if is_query:
            answer = await self._unless_gone(job, proto, gone)
            if answer is None:
                return
        else:
            answer = await asyncio.wrap_future(job)
        _send(proto, answer)

    async def _in_loop(self, environ: dict[str, Any], proto: Any, lane: Lane) -> Answer | None:
        """Answer a plain SPARQL GET in the event loop, holding its lane place meanwhile.

        No thread runs it: the screen, the cache and the answer run here (about a tenth of a
        millisecond), the query in a killable worker whose reply the loop reads as it
        arrives; a query waiting for a free worker is dropped if its client hangs up. None
        (the place kept) when the app wants the request on a thread (a 429 to report).
        """
        environ[HANG_UP] = proto.client_disconnect
        try:
            answered = await self._answer_async(environ)  # type: ignore[misc]
        except PublisherError as error:  # outside the answer (the build's pinning), as on a lane
            lane.release()
            logger.warning("GET %s: %s", environ["PATH_INFO"], error)
            return _error_answer(error, environ.get("HTTP_ACCEPT"))
        except Exception:  # the answer reports every error itself; this is a bug: log it
            lane.release()
            logger.exception("unexpected error on GET %s", environ["PATH_INFO"])
            return Answer(
                500,
                rules.with_security_headers(rules.error_headers(html=False)),
                rules.error_json(500, "InternalServerError", "internal error; see the server log"),
            )
        except BaseException:
            lane.release()
            raise
        if answered is None:
            del environ[HANG_UP]
            return None
        lane.release()
        status, headers, body = answered
        return Answer(status, headers, body)

    async def _unless_gone(
        self, job: Future[Answer], proto: Any, gone: threading.Event
    ) -> Answer | None:
        """Wait for *job*; if the client hangs up first, drop it (or flag it, if it runs)."""
        answer = asyncio.wrap_future(job)
        hang_up = asyncio.ensure_future(proto.client_disconnect())
        try:
            await asyncio.wait({answer, hang_up}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not hang_up.done():
                hang_up.cancel()
        if answer.done():
            return answer.result()
        gone.set()
        if job.cancel():
            self.dropped += 1
            logger.info("a SPARQL request was dropped unrun: its client hung up")
        return None

    async def _read_body(
        self, scope: Scope, proto: Any, environ: dict[str, Any], is_query: bool
    ) -> bool:
        """Read the body into `wsgi.input` within its cap and time; False once refused."""
        declared = environ.get("CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not declared and not chunked and scope.method in _NO_BODY_METHODS:
            environ["wsgi.input"] = io.BytesIO()
            return True
        limit = self.sparql_body_limit if is_query else self.settings.web_max_body_bytes
        if declared and declared.isdigit() and int(declared) > limit:
            _refuse(proto, 413, f"the request body is {declared} bytes; the limit is {limit}")
            return False
        try:
            # wait_for runs the reading as an asyncio task of its own: granian's Rust tasks
            # (TaskImpl.rust) do not support asyncio.timeout.
            body = await asyncio.wait_for(_collect(proto, limit), self.settings.web_body_timeout)
        except TimeoutError:
            _refuse(proto, 408, "the request body did not arrive in time")
            return False
        except Exception:  # granian's protocol error: the client went away mid-body
            logger.debug("request body not read", exc_info=True)
            return False
        if body is None:
            _refuse(proto, 413, f"the request body passed the limit of {limit} bytes")
            return False
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return True

    def _environ(self, scope: Scope) -> dict[str, Any]:
        """The WSGI environ of *scope*, as granian's WSGI interface builds it (PEP 3333)."""
        server_host, _colon, server_port = scope.server.rpartition(":")
        client_host = scope.client.rpartition(":")[0] or scope.client
        path, query = scope.path, scope.query_string
        environ = dict(_BASE_ENVIRON)
        environ["REQUEST_METHOD"] = scope.method
        # PEP 3333: the percent-decoded bytes as latin-1 (granian gives them as UTF-8).
        environ["PATH_INFO"] = path if path.isascii() else path.encode().decode("latin-1")
        environ["QUERY_STRING"] = query if query.isascii() else query.encode().decode("latin-1")
        environ["SERVER_NAME"] = server_host.strip("[]")
        environ["SERVER_PORT"] = server_port
        environ["SERVER_PROTOCOL"] = _PROTOCOLS.get(scope.http_version, "HTTP/1.1")
        environ["REMOTE_ADDR"] = client_host.strip("[]")
        environ["wsgi.url_scheme"] = scope.scheme
        environ["wsgi.file_wrapper"] = FileHandle
        for name, value in scope.headers.items():
            key = _HEADER_KEYS.get(name)
            if key is None:
                key = name.upper().replace("-", "_")
                if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                    key = "HTTP_" + key
                if len(_HEADER_KEYS) < 1024:  # header names are the client's: stay bounded
                    _HEADER_KEYS[name] = key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if "HTTP_HOST" not in environ and scope.authority:
            environ["HTTP_HOST"] = scope.authority
        return environ

    def _replayed(self, environ: dict[str, Any]) -> Answer | None:
        assert self._replay is not None
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_rest: Any) -> Any:
            started[:] = [status, headers]
            return _no_write

        try:
            result = self._replay(environ, start_response)
            if result is None:
                return None
            body = b"".join(result)
        except Exception:  # a bug in the replay: log it, let the app answer on a lane
            logger.exception("replay failed on %s", environ["PATH_INFO"])
            return None
        return Answer(int(str(started[0]).split(" ", 1)[0]), list(started[1]), body)

    def _call_app(self, environ: dict[str, Any]) -> Answer:
        """Run the WSGI app on a lane thread and collect its response."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_rest: Any) -> Any:
            started[:] = [status, headers]
            return _no_write

        try:
            result = self.app(environ, start_response)
            try:
                file = _file_of(result)
                body = b"" if file is not None else b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            status = int(str(started[0]).split(" ", 1)[0])
            headers = list(started[1])
        except PublisherError as error:
            # Outside Flask's handlers (the build's pinning, a streamed body): an engine that is
            # down or slow is still 502 / 503 / 504 with Retry-After, on every route.
            logger.warning("%s %s: %s", environ["REQUEST_METHOD"], environ["PATH_INFO"], error)
            return _error_answer(error, environ.get("HTTP_ACCEPT"))
        except Exception:  # the app's error handlers answer everything; this is a bug: log it
            logger.exception(
                "unexpected error on %s %s", environ["REQUEST_METHOD"], environ["PATH_INFO"]
            )
            return Answer(
                500,
                rules.with_security_headers(rules.error_headers(html=False)),
                rules.error_json(500, "InternalServerError", "internal error; see the server log"),
            )
        if file is not None:
            path, start, end = file
            return Answer(status, headers, file=path, start=start, end=end)
        return Answer(status, headers, body)

    def close(self) -> None:
        """Stop both lanes (and call on_close: the query workers are stopped with them)."""
        self.pages.close()
        self.sparql.close()
        if self.on_close is not None:
            self.on_close()

    def __rsgi_init__(self, loop: Any) -> None:
        """granian's hook when the worker starts: leave Ctrl-C to the main process.

        SIGINT from a terminal reaches every process of the group; a worker that stopped on
        its own would be restarted by the main process (respawn_failed_workers) while it shuts
        down. The main process stops the workers (SIGTERM) on the first Ctrl-C.
        """
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGINT)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __rsgi_del__(self, _loop: Any) -> None:
        """granian's hook when the worker stops: drop what waits, end the queries under way."""
        self.close()


def _replay_environ(scope: Scope) -> dict[str, Any]:
    """The part of the environ a replay reads (chava.web.response_cache's key, conditions).

    Built for every GET, so kept small: the full environ is built only when the app runs.
    """
    headers = scope.headers
    path, query = scope.path, scope.query_string
    environ = {
        "REQUEST_METHOD": scope.method,
        "PATH_INFO": path if path.isascii() else path.encode().decode("latin-1"),
        "QUERY_STRING": query if query.isascii() else query.encode().decode("latin-1"),
        "HTTP_ACCEPT": headers.get("accept"),
        "HTTP_ACCEPT_LANGUAGE": headers.get("accept-language"),
        "HTTP_HOST": headers.get("host") or scope.authority,
        "REMOTE_ADDR": (scope.client.rpartition(":")[0] or scope.client).strip("[]"),
        "wsgi.url_scheme": scope.scheme,
    }
    for name, key in (
        ("if-none-match", "HTTP_IF_NONE_MATCH"),
        ("if-modified-since", "HTTP_IF_MODIFIED_SINCE"),
    ):
        value = headers.get(name)
        if value is not None:
            environ[key] = value
    return environ


async def _collect(proto: Any, limit: int) -> bytes | None:
    """The request body, or None as soon as it passes *limit* bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in proto:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _no_write(_data: bytes) -> None:
    raise NotImplementedError("the WSGI write() callable is not supported")


def _file_of(result: Iterable[bytes]) -> tuple[str, int | None, int | None] | None:
    """(path, start, end) when *result* is a file (or a range of one) granian can send itself."""
    if isinstance(result, FileHandle):
        name = getattr(result.file, "name", None)
        return (name, None, None) if isinstance(name, str) else None
    if isinstance(result, _RangeWrapper) and isinstance(result.iterable, FileHandle):
        name = getattr(result.iterable.file, "name", None)
        if isinstance(name, str) and result.end_byte is not None:
            return name, result.start_byte, result.end_byte
    return None


def _send(proto: Any, answer: Answer) -> None:
    if answer.file is None:
        proto.response_bytes(answer.status, answer.headers, answer.body)
    elif answer.start is None or answer.end is None:
        proto.response_file(answer.status, answer.headers, answer.file)
    else:
        proto.response_file_range(
            answer.status, answer.headers, answer.file, answer.start, answer.end
        )


def _error_answer(error: PublisherError, accept: str | None) -> Answer:
    """The answer for a chava error raised outside the app's own handlers (the same rules)."""
    reply = error_reply(error, accept=accept, site=None)
    return Answer(reply.status, rules.with_security_headers(reply.headers), reply.body)


def _refuse(proto: Any, status: int, message: str) -> None:
    """Answer *status* at once, in JSON, without the app (the lane or the body refused it)."""
    kind = {408: "RequestTimeout", 413: "PayloadTooLargeError", 503: "ServiceBusyError"}
    retry_after = BUSY_RETRY_AFTER if status in (503, 429) else None
    headers = rules.error_headers(html=False, retry_after=retry_after, close=True)
    body = rules.error_json(status, kind.get(status, "Error"), message)
    proto.response_bytes(status, rules.with_security_headers(headers), body)
