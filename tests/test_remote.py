"""chava.network.remote: a partner that says "not now" (429/503 with Retry-After) is asked again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chava.errors import RemoteSourceError
from chava.network.remote import MAX_RETRIES, Limits, send

LIMITS = Limits(connect_timeout=2.0, read_timeout=5.0, max_bytes=10_000)


class Busy(ThreadingHTTPServer):
    """Answers 429 (Retry-After: *wait*) to the first *refusals* requests, then 200."""

    def __init__(self, refusals: int, wait: str) -> None:
        self.refusals, self.wait, self.requests = refusals, wait, 0
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Busy

    def do_GET(self) -> None:
        self.server.requests += 1
        if self.server.requests <= self.server.refusals:
            body = b"slow down"
            self.send_response(429)
            self.send_header("Retry-After", self.server.wait)
        else:
            body = b"<a> <b> <c> ."
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def serve(refusals: int, wait: str) -> Iterator[Busy]:
    server = Busy(refusals, wait)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def busy_twice() -> Iterator[Busy]:
    yield from serve(2, "0")


@pytest.fixture
def always_busy() -> Iterator[Busy]:
    yield from serve(1000, "0")


@pytest.fixture
def busy_for_an_hour() -> Iterator[Busy]:
    yield from serve(1000, "3600")


def url(server: Busy) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/data.nt"


def test_a_429_with_retry_after_is_asked_again(busy_twice: Busy) -> None:
    reply = send("GET", url(busy_twice), LIMITS)
    assert reply.status == 200
    assert reply.body == b"<a> <b> <c> ."
    assert busy_twice.requests == 3


def test_retries_are_bounded(always_busy: Busy) -> None:
    with pytest.raises(RemoteSourceError, match="HTTP 429"):
        send("GET", url(always_busy), LIMITS)
    assert always_busy.requests == MAX_RETRIES + 1


def test_a_server_asking_to_wait_too_long_fails_at_once(busy_for_an_hour: Busy) -> None:
    with pytest.raises(RemoteSourceError, match="HTTP 429"):
        send("GET", url(busy_for_an_hour), LIMITS)
    assert busy_for_an_hour.requests == 1
