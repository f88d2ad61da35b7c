"""Query workers cannot reach the network, by the kernel's doing, with or without the screen.

Each worker runs in a network namespace of its own (chava.sparql.sandbox). The tests count the
connections a loopback canary accepts: with the screen switched off (its test-only seam), a
SERVICE call to the canary, under any spelling of its address, opens none; from inside a
worker's namespaces (entered with nsenter), no connection gets out. A pool without isolation
makes the same call reach the canary: the canary does see connections when they happen.
"""

from __future__ import annotations

import dataclasses
import functools
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask import Flask

from chava import formats
from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.errors import ConfigError, QueryError
from chava.sparql import endpoint, sandbox
from chava.sparql.contract import QueryJob
from chava.sparql.pool import QueryPool
from chava.sparql.screen import screen_query
from chava.sparql.worker import SERVICE_FAILED, encode_frame
from chava.web.sparql_state import SERVICE_KEY
from tests.app_support import new_app

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Canary:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (and closes them)."""

    def __init__(self, *, reset: bool = False) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self.reset = reset
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self.reset:  # RST instead of FIN: "connection reset by peer" on the other side
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00" * 2)
            connection.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listening = Canary()
    yield listening
    listening.close()


def spellings(port: int) -> list[str]:
    """Queries calling the canary, its address written in the ways that reach 127.0.0.1."""
    hosts = ["127.0.0.1", "127.1", "0x7f.1", "2130706433", "localhost", "[::ffff:127.0.0.1]"]
    queries = [
        f"SELECT * WHERE {{ SERVICE <http://{host}:{port}/x> {{ ?s ?p ?o }} }}" for host in hosts
    ]
    queries.append(  # the bypass of the old lexical screen (issue 12, finding 1)
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\# AS ?x) "
        f"SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
    )
    queries.append(f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ }} }}")
    return queries


@contextmanager
def unscreened_app(
    bundled_build: tuple[Settings, Build], monkeypatch: pytest.MonkeyPatch, **settings: Any
) -> Iterator[Flask]:
    """The app with the SERVICE check of the screen switched off (its test-only seam)."""
    unchecked = functools.partial(screen_query, enforce_service_allowlist=False)
    monkeypatch.setattr(endpoint, "screen_query", unchecked)
    base, build = bundled_build
    app = new_app(dataclasses.replace(base, **settings), build=build)
    try:
        yield app
    finally:
        app.extensions[SERVICE_KEY].close()


def test_the_kernel_allows_the_isolation_here() -> None:
    """CI runs on machines like this one: user and network namespaces are available."""
    assert sandbox.probe() is None
    assert sandbox.check("require") is True


def test_with_the_screen_off_service_opens_no_connection(
    bundled_build: tuple[Settings, Build], monkeypatch: pytest.MonkeyPatch, canary: Canary
) -> None:
    with unscreened_app(bundled_build, monkeypatch) as app:
        client = app.test_client()
        for query in spellings(canary.port):
            for response in (
                client.get("/sparql?" + urlencode({"query": query})),
                client.post("/sparql", data={"query": query}),
            ):
                assert response.status_code in (200, 400), response.get_data(as_text=True)
                if response.status_code == 400:  # SILENT gives an empty result instead
                    assert response.get_json()["message"] == f"the query failed: {SERVICE_FAILED}"
    time.sleep(0.2)
    assert canary.accepted == 0


def test_without_isolation_the_same_call_reaches_the_canary(
    bundled_build: tuple[Settings, Build], canary: Canary
) -> None:
    """The control: the canary counts a connection when one is made (so 0 above means none)."""
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=10, isolation="off")
    try:
        job = QueryJob(
            spellings(canary.port)[0], formats.SPARQL_JSON, limit=10, max_bytes=1 << 20, union=True
        )
        with pytest.raises(QueryError):
            pool.execute(job)
    finally:
        pool.close()
    assert canary.accepted == 1


@pytest.fixture
def isolated_pool(bundled_build: tuple[Settings, Build]) -> Iterator[QueryPool]:
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=10)
    pool.execute(QueryJob("ASK {}", formats.SPARQL_JSON, limit=1, max_bytes=1 << 20))
    yield pool
    pool.close()


def test_each_worker_has_a_network_namespace_with_loopback_only(isolated_pool: QueryPool) -> None:
    [pid] = isolated_pool.worker_pids()
    assert Path(f"/proc/{pid}/ns/net").readlink() != Path("/proc/self/ns/net").readlink()
    assert Path(f"/proc/{pid}/ns/user").readlink() != Path("/proc/self/ns/user").readlink()
    interfaces = Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]
    assert [line.split(":")[0].strip() for line in interfaces] == ["lo"]


def test_nothing_connects_out_from_a_worker_namespace(
    isolated_pool: QueryPool, canary: Canary
) -> None:
    """Enter a live worker's user and network namespaces and try: loopback, and beyond."""
    [pid] = isolated_pool.worker_pids()
    script = (
        "import socket, sys\n"
        "for address in (('127.0.0.1', int(sys.argv[1])), ('192.0.2.1', 80), ('1.1.1.1', 53)):\n"
        "    s = socket.socket(); s.settimeout(3)\n"
        "    print(address[0], s.connect_ex(address))\n"
    )
    finished = subprocess.run(
        [
            "nsenter",
            f"--target={pid}",
            "--user",
            "--net",
            sys.executable,
            "-c",
            script,
            str(canary.port),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    codes = dict(line.split() for line in finished.stdout.splitlines())
    assert codes["127.0.0.1"] == "111"  # ECONNREFUSED: the namespace's own loopback, empty
    assert codes["192.0.2.1"] == codes["1.1.1.1"] == "101"  # ENETUNREACH: no route at all
    assert canary.accepted == 0


def test_only_the_allowed_targets_are_reachable_from_a_worker(
    bundled_build: tuple[Settings, Build], canary: Canary
) -> None:
    """The allow-list (and the engine of `serve --store`) is reached through the parent, which
    connects to those hosts and ports only; the same port on another address stays closed."""
    allowed = Canary()
    url = f"http://127.0.0.1:{allowed.port}/sparql"
    pool = QueryPool(bundled_build[1].store_path, size=1, timeout=10, egress=(url,))
    try:
        pool.execute(QueryJob("ASK {}", formats.SPARQL_JSON, limit=1, max_bytes=1 << 20))
        [pid] = pool.worker_pids()
        script = (  # the first connection waits for the end of the relay (the canary closes)
            "import socket, sys\n"
            "for host, port in (('127.0.0.1', sys.argv[1]), ('127.0.0.1', sys.argv[2]),"
            " ('127.0.0.2', sys.argv[1])):\n"
            "    s = socket.socket(); s.settimeout(10)\n"
            "    code = s.connect_ex((host, int(port)))\n"
            "    print(code, s.recv(1) if code == 0 else '')\n"
        )
        command = ["nsenter", f"--target={pid}", "--user", "--net", sys.executable, "-c", script]
        finished = subprocess.run(
            [*command, str(allowed.port), str(canary.port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        pool.close()
        allowed.close()
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == ["0", "b''", "111", "111"]
    assert allowed.accepted == 1
    assert canary.accepted == 0


def test_failed_service_calls_all_read_the_same(
    bundled_build: tuple[Settings, Build], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused, reset, not listening: one message, so errors cannot map the network."""
    resetting = Canary(reset=True)
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    endpoints = [f"http://127.0.0.1:{resetting.port}/x", f"http://127.0.0.1:{closed_port}/x"]
    base, build = bundled_build
    app = new_app(dataclasses.replace(base, sparql_service_allowlist=tuple(endpoints)), build=build)
    try:
        client = app.test_client()
        messages = set()
        for url in endpoints:
            query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
            response = client.get("/sparql?" + urlencode({"query": query}))
            assert response.status_code == 400
            messages.add(response.get_json()["message"])
    finally:
        app.extensions[SERVICE_KEY].close()
        resetting.close()
    assert messages == {f"the query failed: {SERVICE_FAILED}"}
    assert resetting.accepted >= 1  # the allow-listed endpoint was really called


def test_require_stops_the_server_when_the_kernel_refuses(
    bundled_build: tuple[Settings, Build],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(sandbox, "probe", lambda: "unshare failed: Operation not permitted")
    with pytest.raises(ConfigError, match=r"cannot be isolated.*sparql_worker_isolation"):
        sandbox.check("require")
    assert sandbox.check("warn") is False
    assert "WITHOUT network isolation" in caplog.text
    with pytest.raises(ConfigError, match="not one of"):
        sandbox.check("off")
    with pytest.raises(ConfigError, match="not one of"):
        new_app(dataclasses.replace(bundled_build[0], sparql_worker_isolation="off"))
    outcome = CliRunner().invoke(cli, ["--root", str(PROJECT_ROOT), "serve", "--no-validate"])
    assert outcome.exit_code == 2
    assert "cannot be isolated" in outcome.output
    assert len(outcome.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("mode", "starts"), [("require", False), ("warn", True)])
def test_a_worker_that_cannot_isolate_itself_obeys_the_mode(
    bundled_build: tuple[Settings, Build], mode: str, starts: bool
) -> None:
    """The worker itself refuses to run unisolated under "require" (exit status 3)."""
    script = (
        "import sys\n"
        "from chava.sparql import sandbox, worker\n"
        "def refuse(*args):\n"
        "    raise sandbox.SandboxError('refused for the test')\n"
        "sandbox.enter = refuse\n"
        "sys.exit(worker.main())\n"
    )
    launch = {"store": str(bundled_build[1].store_path), "isolation": mode, "targets": []}
    finished = subprocess.run(
        [sys.executable, "-c", script],
        input=encode_frame(launch),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert b"refused for the test" in finished.stderr
    assert (finished.stdout == b"R") is starts
    assert finished.returncode == (0 if starts else 3)


def test_the_sandbox_knows_the_isolation_modes_the_settings_accept() -> None:
    """The worker reads its modes from chava.sparql.sandbox, not from the settings."""
    from chava.config import ISOLATION_MODES

    assert sandbox.MODES == ISOLATION_MODES
