"""The hardening layers on their own, without a server: each holds alone (issue 12).

The client ledger (rate and query-time budget across processes), the outermost WSGI layer
(security headers, public host, 429), Flask's cap on streamed bodies (the layer that holds
under any WSGI server), and the RSGI gateway's lanes, environ and body reading.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import ConfigError, TooManyRequestsError
from chava.sparql.clients import ClientLedger
from chava.web.gateway import Answer, Gateway, Lane
from chava.web.origin import public_origin
from chava.web.response_rules import CONTENT_SECURITY_POLICY
from tests.sparql_support import small_app, url

# --- the ledger ---------------------------------------------------------------------------


def test_the_rate_allows_a_burst_then_429_with_retry_after(tmp_path: Path) -> None:
    ledger = ClientLedger(tmp_path, rate=2, burst=3, budget=0)
    for _request in range(3):
        ledger.admit("203.0.113.1")
    with pytest.raises(TooManyRequestsError) as refused:
        ledger.admit("203.0.113.1")
    assert refused.value.retry_after >= 1
    ledger.admit("198.51.100.2")  # another client is unaffected
    ledger.close()


def test_the_budget_refuses_once_spent_and_refills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    ledger = ClientLedger(tmp_path, rate=0, burst=1, budget=6)  # 6 s per 60 s: 0.1 s/s
    ledger.admit("203.0.113.1")
    ledger.charge("203.0.113.1", 8.0)
    with pytest.raises(TooManyRequestsError) as refused:
        ledger.admit("203.0.113.1")
    assert refused.value.retry_after == 20  # 2 s over, refilled at 0.1 s per second
    assert "query time" in str(refused.value)
    now[0] += 21
    ledger.admit("203.0.113.1")
    assert ledger.spent("203.0.113.1") == pytest.approx(8.0 - 2.1)
    ledger.close()


def test_no_limits_means_no_refusals(tmp_path: Path) -> None:
    ledger = ClientLedger(tmp_path, rate=0, burst=1, budget=0)
    for _request in range(1000):
        ledger.admit("203.0.113.1")
    ledger.charge("203.0.113.1", 1e6)
    ledger.admit("203.0.113.1")
    ledger.close()


CHARGE = """
import sys
from pathlib import Path
from chava.sparql.clients import ClientLedger
ledger = ClientLedger(Path(sys.argv[1]), rate=0, burst=1, budget=60)
ledger.charge("203.0.113.9", 50.0)
ledger.close()
"""


def test_the_ledger_is_shared_by_processes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", CHARGE, str(tmp_path)], check=True, timeout=60)
    ledger = ClientLedger(tmp_path, rate=0, burst=1, budget=60)
    assert ledger.spent("203.0.113.9") > 49
    ledger.admit("203.0.113.9")  # 50 of 60: still allowed
    ledger.charge("203.0.113.9", 11)
    with pytest.raises(TooManyRequestsError):
        ledger.admit("203.0.113.9")
    ledger.close()
    ledger.close()  # idempotent


# --- the WSGI layers ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_settings() -> dict[str, Any]:
    """A public URL, and a rate of one query a second after a burst of two."""
    return {
        "sparql_max_results": 5,
        "public_base_url": "https://data.example.org",
        "sparql_rate_limit": 1,
        "sparql_rate_burst": 2,
    }


def _secured(headers: Any) -> bool:
    return bool(
        headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY
        and headers.get("X-Content-Type-Options") == "nosniff"
    )


@pytest.mark.parametrize(
    "path",
    ["/", "/id/org/territoires-de-la-memoire", "/api/tools", "/dumps/chava.ttl", "/nowhere"],
)
def test_every_response_of_the_app_is_secured_replays_too(app: Flask, path: str) -> None:
    client = app.test_client()
    for _attempt in range(2):
        with client.get(path, headers={"Accept": "text/html"}) as response:
            assert _secured(response.headers), (path, dict(response.headers))


def test_the_sparql_fast_path_and_429_are_secured(app: Flask) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    replies = [client.get(url("ASK { ?s ?p ?o }")) for _ in range(4)]
    assert [reply.status_code for reply in replies[:2]] == [200, 200]
    assert replies[-1].status_code == 429
    assert int(replies[-1].headers["Retry-After"]) >= 1
    assert all(_secured(reply.headers) for reply in replies)


def test_the_public_base_url_replaces_the_host_header(app: Flask) -> None:
    client = app.test_client()
    redirect = client.get("/classes", headers={"Host": "evil.example"})
    assert redirect.status_code in (301, 308)
    assert "evil.example" not in redirect.headers["Location"]
    api = client.get("/api", headers={"Host": "evil.example", "Accept": "application/ld+json"})
    assert b"evil.example" not in api.data
    assert b"https://data.example.org/" in api.data


@pytest.mark.parametrize(
    "value", ["ftp://data.example.org", "https://data.example.org/base", "data.example.org",
              "https://user@data.example.org", "https://data.example.org/?x=1"]
)  # fmt: skip
def test_a_malformed_public_base_url_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="public_base_url"):
        public_origin(value)


def test_public_base_url_may_be_empty_or_an_origin() -> None:
    assert public_origin("") is None
    assert public_origin("https://data.example.org/") == ("https", "data.example.org")
    assert public_origin("http://127.0.0.1:8080") == ("http", "127.0.0.1:8080")


def _streamed_post(app: Flask, path: str, content_type: str, body: bytes) -> int:
    """POST *body* as a stream without Content-Length, as a chunked body arrives."""
    environ = {
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "CONTENT_TYPE": content_type,
    }
    response = app.test_client().post(path, environ_overrides=environ)
    return response.status_code


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", b"ASK {}" + b" " * 5_000_000),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D&pad=" + b"x" * 5_000_000),
    ],
)
def test_flask_caps_streamed_bodies_under_any_wsgi_server(
    bundled_build: tuple[Settings, Build], content_type: str, body: bytes
) -> None:
    """The layer under `--dev` or another WSGI server: a body without length is capped too.

    Cut at the cap, either body would still be a valid query (werkzeug truncates silently):
    it must be refused, never run on what was read.
    """
    with small_app(bundled_build, web_max_body_bytes=50_000) as capped:
        assert _streamed_post(capped, "/sparql", content_type, body) == 413
        assert _streamed_post(capped, "/sparql", content_type, body[:40_000]) == 200


# --- the gateway --------------------------------------------------------------------------


@dataclasses.dataclass
class FakeScope:
    """An RSGI scope as granian builds it."""

    method: str = "GET"
    path: str = "/"
    query_string: str = ""
    headers_list: tuple[tuple[str, str], ...] = ()
    proto: str = "http"
    http_version: str = "1.1"
    server: str = "127.0.0.1:8080"
    client: str = "203.0.113.4:50123"
    scheme: str = "http"
    authority: str | None = None

    @property
    def headers(self) -> Any:
        return dict(self.headers_list)


class FakeProto:
    """An RSGI protocol: a body in chunks (with pauses), the response it was given."""

    def __init__(self, chunks: list[bytes], pause: float = 0.0) -> None:
        self.chunks = chunks
        self.pause = pause
        self.response: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def _body(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            await asyncio.sleep(self.pause)
            yield chunk

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._body()

    async def client_disconnect(self) -> None:
        await asyncio.sleep(3600)

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.response = (status, headers, body)


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{len(body)} {environ['PATH_INFO']} {environ['REMOTE_ADDR']}".encode()]


def _gateway(**settings: Any) -> Gateway:
    return Gateway(_echo, Settings.load(environ={}, overrides=settings))


def test_the_gateway_caps_a_chunked_body_as_it_arrives() -> None:
    gateway = _gateway(web_max_body_bytes=1000)
    proto = FakeProto([b"x" * 600] * 1000)
    scope = FakeScope(
        method="POST", path="/upload", headers_list=(("transfer-encoding", "chunked"),)
    )
    asyncio.run(gateway(scope, proto))
    assert proto.response is not None
    assert proto.response[0] == 413
    gateway.close()


def test_the_gateway_cuts_a_slow_body_with_408() -> None:
    gateway = _gateway(web_body_timeout=0.2)
    proto = FakeProto([b"x"] * 100, pause=0.05)
    scope = FakeScope(method="POST", path="/upload", headers_list=(("content-length", "100"),))
    asyncio.run(gateway(scope, proto))
    assert proto.response is not None
    assert proto.response[0] == 408
    gateway.close()


def test_the_gateway_passes_a_body_and_the_client_address() -> None:
    gateway = _gateway()
    proto = FakeProto([b"ab", b"cd"])
    scope = FakeScope(
        method="POST", path="/caf\u00e9", client="[2001:db8::1]:4000",
        headers_list=(("transfer-encoding", "chunked"), ("host", "example.org")),
    )  # fmt: skip
    asyncio.run(gateway(scope, proto))
    assert proto.response is not None
    assert proto.response[0] == 200
    # PEP 3333: the path's UTF-8 bytes as latin-1, as werkzeug expects them.
    assert proto.response[2] == "4 /caf\u00e9 2001:db8::1".encode().replace(
        "caf\u00e9".encode(), "caf\u00e9".encode().decode("latin-1").encode()
    )
    gateway.close()


def test_a_lane_refuses_past_its_threads_and_queue() -> None:
    lane = Lane("test", threads=1, queue_length=1)
    gate = threading.Event()

    def job() -> Answer:
        gate.wait(10)
        return Answer(200, [])

    first, second = lane.submit(job), lane.submit(job)
    assert first is not None
    assert second is not None
    assert lane.submit(job) is None  # 1 running + 1 waiting: full
    gate.set()
    assert first.result(10).status == 200
    assert second.result(10).status == 200
    assert lane.submit(job) is not None
    lane.close()


def test_an_ipv6_client_is_its_64_network(tmp_path: Path) -> None:
    """Addresses of one /64 share one budget; another /64 and IPv4 have their own."""
    ledger = ClientLedger(tmp_path, rate=1, burst=2, budget=0)
    ledger.admit("2001:db8:1:2::1")
    ledger.admit("2001:db8:1:2:ffff::9")
    with pytest.raises(TooManyRequestsError):
        ledger.admit("2001:db8:1:2:abcd::42")
    ledger.admit("2001:db8:1:3::1")
    ledger.admit("::ffff:192.0.2.7")
    ledger.admit("192.0.2.7")
    with pytest.raises(TooManyRequestsError):
        ledger.admit("192.0.2.7")  # the mapped address was the same client
    ledger.close()


def test_a_body_being_read_holds_its_place_in_the_lane() -> None:
    """Slow uploads cannot pile up in memory past the lane's places: the next one gets 503."""
    gateway = _gateway(web_threads=1, web_queue_length=0, web_body_timeout=5)
    slow = FakeProto([b"x"] * 5, pause=0.1)
    other = FakeProto([b"y"])
    upload = FakeScope(method="POST", path="/upload", headers_list=(("content-length", "5"),))

    async def both() -> None:
        first = asyncio.ensure_future(gateway(upload, slow))
        await asyncio.sleep(0.05)  # the first is reading its body
        await gateway(upload, other)
        await first

    asyncio.run(both())
    assert other.response is not None
    assert other.response[0] == 503
    assert slow.response is not None
    assert slow.response[0] == 200
    assert gateway.pages.pending == 0
    gateway.close()


def test_serve_refuses_a_malformed_public_base_url_in_one_line(tmp_path: Path) -> None:
    """Before any build or worker: a worker refusing it at start-up would crash-loop."""
    from click.testing import CliRunner

    from chava.cli import cli
    from tests.publish_fixtures import write_publication

    root = write_publication(tmp_path / "publication")
    result = CliRunner().invoke(
        cli,
        ["--root", str(root), "serve", "--no-validate"],
        env={"CHAVA_PUBLIC_BASE_URL": "https://data.example.org/base/"},
    )
    assert result.exit_code == 2, result.output
    assert "public_base_url" in result.output
    assert "Traceback" not in result.output
    assert not (root / "build").exists()  # refused before building
