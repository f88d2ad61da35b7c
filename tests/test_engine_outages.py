"""The real `chava serve --store` when its engine (a real Oxigraph server) dies or hangs.

Killed: every route that needs the engine answers 502 with Retry-After at once (the circuit
breaker), pages already cached still answer, and once the engine is back (probed) everything
answers again. Paused (SIGSTOP: connections accepted, nothing answered): requests give up at
`store_timeout` with 504, no more than `store_concurrency` threads wait on the engine, so the
cached home page keeps answering meanwhile. A query chava gave up on is stopped by the engine
itself (`oxigraph serve --timeout-s`), not left running.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from chava.building.builds import Build
from chava.config import Settings
from chava.network.publish_remote import push_build
from tests.conftest import PROJECT_ROOT
from tests.oxigraph_server import OxigraphServer, free_port, oxigraph_server
from tests.serve_support import chava_serve

pytestmark = pytest.mark.server

STORE_TIMEOUT = 3
QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESOURCES = (
    "/id/tool/aide-memoire",
    "/id/org/ville-de-charleroi",
    "/id/initiative/chava",
    "/id/place/charleroi",
    "/id/event/premiere-rencontre-apprenante",
    "/id/body/comite-de-pilotage",
    "/id/body/comite-de-gouvernance",
    "/id/body/conseil-d-orientations",
)


def _environment(settings: Settings) -> dict[str, str]:
    return {
        "CHAVA_BUILD_DIR": str(settings.build_path),
        "CHAVA_STORE_TIMEOUT": str(STORE_TIMEOUT),
        "CHAVA_SPARQL_TIMEOUT": "4",
        "CHAVA_SPARQL_RATE_LIMIT": "0",
        "CHAVA_SPARQL_CLIENT_BUDGET": "0",
        "CHAVA_SPARQL_CACHE_BYTES": "0",
    }


@pytest.fixture
def engine(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> Iterator[tuple[OxigraphServer, Path, int]]:
    settings, build = bundled_build
    location, port = tmp_path / "engine", free_port()
    with oxigraph_server(location, union_default_graph=False, port=port, timeout_s=2) as server:
        push_build(build, server.store, settings, full=True)
        yield server, location, port


def _get(base: str, path: str, **headers: str) -> requests.Response:
    return requests.get(base + path, headers=headers, timeout=60)


def test_an_engine_killed_gives_502_with_retry_after_then_is_probed_back(
    bundled_build: tuple[Settings, Build], engine: tuple[OxigraphServer, Path, int]
) -> None:
    settings, _build = bundled_build
    server, location, port = engine
    options = ("--workers", "1", "--threads", "4", "--no-validate", "--store", server.query)
    with chava_serve(PROJECT_ROOT, *options, environment=_environment(settings)) as base:
        assert _get(base, "/").status_code == 200  # the home page, now cached
        assert _get(base, "/sparql", Accept="application/json").status_code == 200
        assert server.process is not None
        server.process.kill()
        server.process.wait(timeout=10)
        for path in (f"/sparql?query={QUERY}", RESOURCES[0], "/api/tools", RESOURCES[1]):
            answer = _get(base, path, Accept="application/json")
            assert answer.status_code == 502, (path, answer.text)
            assert int(answer.headers["Retry-After"]) >= 1, path
        started = time.monotonic()
        assert _get(base, RESOURCES[2]).status_code == 502  # the breaker: no connection tried
        assert _get(base, "/").status_code == 200  # cached: served without the engine
        assert time.monotonic() - started < STORE_TIMEOUT  # nothing waited for the engine
        with oxigraph_server(location, union_default_graph=False, port=port):
            deadline = time.monotonic() + 60
            while _get(base, RESOURCES[3]).status_code != 200:  # probed once the wait is over
                assert time.monotonic() < deadline, "never answered again"
                time.sleep(0.5)
            assert _get(base, f"/sparql?query={QUERY}").status_code == 200


def test_a_hung_engine_gives_504_and_never_takes_every_thread(
    bundled_build: tuple[Settings, Build], engine: tuple[OxigraphServer, Path, int]
) -> None:
    settings, _build = bundled_build
    server, _location, _port = engine
    options = ("--workers", "1", "--threads", "4", "--no-validate", "--store", server.query)
    environment = {**_environment(settings), "CHAVA_STORE_CONCURRENCY": "2"}
    with chava_serve(PROJECT_ROOT, *options, environment=environment) as base:
        assert _get(base, "/").status_code == 200
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            with concurrent.futures.ThreadPoolExecutor(len(RESOURCES)) as pool:
                slow = [pool.submit(_get, base, path) for path in RESOURCES]
                time.sleep(0.5)
                started = time.monotonic()
                home = _get(base, "/")
                assert home.status_code == 200
                assert time.monotonic() - started < STORE_TIMEOUT  # a thread was free for it
                statuses = [future.result().status_code for future in slow]
            assert set(statuses) <= {503, 504}, statuses
            assert 504 in statuses, statuses
            started = time.monotonic()
            sparql = _get(base, f"/sparql?query={QUERY}", Accept="application/json")
            assert sparql.status_code in (503, 504)
            assert "Retry-After" in sparql.headers
            assert time.monotonic() - started < STORE_TIMEOUT + 3
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        deadline = time.monotonic() + 60
        while _get(base, RESOURCES[0]).status_code != 200:
            assert time.monotonic() < deadline, "never answered again"
            time.sleep(0.5)


def test_a_query_given_up_is_stopped_on_the_engine(
    bundled_build: tuple[Settings, Build], engine: tuple[OxigraphServer, Path, int]
) -> None:
    settings, _build = bundled_build
    server, _location, _port = engine
    options = ("--workers", "1", "--threads", "2", "--no-validate", "--store", server.query)
    with chava_serve(PROJECT_ROOT, *options, environment=_environment(settings)) as base:
        answer = _get(base, f"/sparql?query={HEAVY}", Accept="application/json")
        assert answer.status_code == 504, answer.text
        assert server.process is not None
        # The engine's own --timeout-s (2 s) stops it between two steps of its join: on a busy
        # host (the suite runs in parallel) that may take a few seconds more. Left running, the
        # query (5,010 statements cubed) would keep a core busy for hours.
        deadline = time.monotonic() + 20
        while not _idle(server.process.pid):
            assert time.monotonic() < deadline, "the engine still runs the query given up"


def _idle(pid: int) -> bool:
    """Whether the process used under a third of a core over the next second."""
    before = _cpu_seconds(pid)
    time.sleep(1.0)
    return _cpu_seconds(pid) - before < 0.3


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
