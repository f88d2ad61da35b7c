"""The life of the real `chava serve`: its start line, Ctrl-C, a busy port, and `make serve`.

Issue 15: the first Ctrl-C (SIGINT to the process group, as a terminal sends it) stops the
server within 2 s with one line; a busy port is one line naming the port and how to pick
another (exit 2); `CHAVA_PORT` is honoured by `make serve`.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from chava.web.server import _drop_known_notices as drop_known_notices
from tests.conftest import PROJECT_ROOT
from tests.publish_fixtures import write_publication
from tests.serve_support import CHAVA, ServedProcess, free_port, serving_process

pytestmark = pytest.mark.server

STOP_SECONDS = 2.0
"""The bar: the first Ctrl-C stops the server within this."""
SERVE_OPTIONS = ("--workers", "2", "--no-validate")
ENVIRONMENT = {"CHAVA_SPARQL_RATE_LIMIT": "0", "CHAVA_SPARQL_CLIENT_BUDGET": "0"}


@pytest.fixture(scope="module")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small publication, built once by the first server (later ones find it up to date)."""
    return write_publication(tmp_path_factory.mktemp("publication"))


@pytest.fixture
def server(publication: Path) -> Iterator[ServedProcess]:
    with serving_process(
        publication, *SERVE_OPTIONS, environment=ENVIRONMENT, ready_path="/health"
    ) as served:
        yield served


def _interrupt(served: ServedProcess) -> float:
    """Send SIGINT to the server's process group, as Ctrl-C does; seconds until it is gone."""
    started = time.monotonic()
    os.killpg(served.process.pid, signal.SIGINT)
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chava serve still runs 30 s after Ctrl-C:\n{served.output()}")
    return time.monotonic() - started


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_start_line_gives_the_url_and_how_to_stop(server: ServedProcess) -> None:
    lines = server.output().splitlines()
    start = [line for line in lines if "Ctrl-C to stop" in line]
    assert len(start) == 1, server.output()
    assert start[0].startswith("INFO ")
    assert f"http://127.0.0.1:{server.port}/" in start[0]


def test_the_first_sigint_stops_the_server_within_two_seconds_with_one_line(
    server: ServedProcess,
) -> None:
    # Busy the way a person leaves it: query workers started, a keep-alive connection open.
    with requests.Session() as session:
        query = session.get(
            server.base + "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert query.status_code == 200
        before = server.output().splitlines()
        seconds = _interrupt(server)
    assert seconds <= STOP_SECONDS, f"stopped after {seconds:.2f} s"
    assert _port_is_closed(server.port)
    output = server.output()
    after = output.splitlines()[len(before) :]
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output
    assert len(after) == 1, after
    assert "stopped" in after[0]
    assert server.process.returncode == 0


def _run_chava(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHAVA_")}
    return subprocess.run(
        [str(CHAVA), *arguments],
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("by_variable", [False, True], ids=["--port", "CHAVA_PORT"])
def test_a_busy_port_is_one_line_naming_it_and_exit_2(
    publication: Path, tmp_path: Path, by_variable: bool
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        arguments = ["--root", str(publication), "serve", "--host", "127.0.0.1"]
        environment = {"CHAVA_BUILD_DIR": str(tmp_path / "build")}
        if by_variable:
            environment["CHAVA_PORT"] = str(port)
        else:
            arguments += ["--port", str(port)]
        result = _run_chava(*arguments, environment=environment)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 2, output
    assert 1 <= len(output.splitlines()) <= 5, output
    assert "Traceback" not in output
    assert "panicked" not in output
    assert f"port {port}" in output
    assert "--port" in output
    assert "CHAVA_PORT" in output
    assert not (tmp_path / "build").exists(), "nothing is built for a server that cannot start"


def _make_serve(*variables: str) -> list[str]:
    """`make serve` in the project, with the virtualenv running these tests (never remade)."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    venv = Path(sys.executable).parent.parent
    never_remade = f"{venv}/bin/chava"
    return [make, "-C", str(PROJECT_ROOT), f"VENV={venv}", "-o", never_remade, "serve", *variables]


def test_make_serve_honours_chava_port(publication: Path, tmp_path: Path) -> None:
    port = free_port()
    environment = {
        **ENVIRONMENT,
        "CHAVA_ROOT": str(publication),
        "CHAVA_PORT": str(port),
        "CHAVA_BUILD_DIR": str(tmp_path / "build"),
        "CHAVA_WEB_WORKERS": "1",
    }
    with serving_process(
        publication,
        environment=environment,
        ready_path="/health",
        command=_make_serve(),
        port=port,
    ) as served:
        assert requests.get(served.base + "/health", timeout=30).json()["status"] == "ok"
        assert _interrupt(served) <= STOP_SECONDS
        assert "Traceback" not in served.output()
    assert _port_is_closed(port)


def test_make_serve_takes_a_port_on_its_command_line() -> None:
    dry_run = subprocess.run(
        [*_make_serve("PORT=9123", "HOST=0.0.0.0"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "serve --host 0.0.0.0 --port 9123" in " ".join(dry_run.stdout.split())
    plain = subprocess.run(
        [*_make_serve(), "--dry-run"],
        env={**os.environ, "PORT": "1", "HOST": "example"},  # other programs' variables
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "--port" not in plain.stdout
    assert "--host" not in plain.stdout


def test_make_serve_installs_what_serving_needs_and_make_test_the_rest(tmp_path: Path) -> None:
    """`make serve` on a fresh machine: the package alone; `make test`: the test and dev tools."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    fresh = str(tmp_path / "venv")

    def dry_run(target: str) -> str:
        result = subprocess.run(
            [make, "-C", str(PROJECT_ROOT), f"VENV={fresh}", "--dry-run", target],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout

    serve = dry_run("serve")
    assert "pip install --quiet -c requirements.lock -e .\n" in serve
    assert "[test]" not in serve
    assert "[dev]" not in serve
    assert "-e '.[dev]'" in dry_run("test")


def test_granian_notices_chava_expects_are_not_printed(caplog: pytest.LogCaptureFixture) -> None:
    """The experimental-task notice and the kill of a web worker still busy at Ctrl-C (after
    the second chava gives it) print nothing at the default level: stopping is one line."""
    granian = logging.getLogger("_granian")
    granian.addFilter(drop_known_notices)
    try:
        with caplog.at_level(logging.DEBUG):
            granian.warning("Rust task implementation is experimental!")
            granian.warning("Killing worker-2 after it refused to gracefully stop")
            granian.warning("something else")
    finally:
        granian.removeFilter(drop_known_notices)
    shown = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert ("_granian", logging.WARNING, "something else") in shown
    assert not [entry for entry in shown if entry[0] == "_granian" and "worker-2" in entry[2]]
    assert not [entry for entry in shown if "experimental" in entry[2]]
    assert (
        "chava.web.server",
        logging.DEBUG,
        "granian: Killing worker-2 after it refused to gracefully stop",
    ) in shown
