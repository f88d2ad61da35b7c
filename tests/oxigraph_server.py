"""A real Oxigraph server on 127.0.0.1 for the linking tests (harvest, profile, publish)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

OXIGRAPH = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "oxigraph"


@dataclass(frozen=True)
class OxigraphServer:
    """A running `oxigraph serve`: its base URL and SPARQL 1.1 Protocol and GSP endpoints."""

    base: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def query(self) -> str:
        return self.base + "/query"

    @property
    def update(self) -> str:
        return self.base + "/update"

    @property
    def store(self) -> str:
        return self.base + "/store"

    def load(self, data: bytes, media_type: str = "application/n-quads") -> None:
        """POST *data* into the store (named graphs kept)."""
        response = requests.post(
            self.store, data=data, headers={"Content-Type": media_type}, timeout=60
        )
        response.raise_for_status()

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT and return its rows as {variable: value}."""
        response = requests.post(
            self.query,
            data=query.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            timeout=60,
        )
        response.raise_for_status()
        return [
            {name: cell["value"] for name, cell in row.items()}
            for row in response.json()["results"]["bindings"]
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def oxigraph_server(
    location: Path,
    *,
    union_default_graph: bool = True,
    port: int | None = None,
    timeout_s: int | None = None,
) -> Iterator[OxigraphServer]:
    """Start `oxigraph serve` (read-write) on a free loopback port (or *port*); stop it after.

    *timeout_s*: the server's own time limit on queries (`--timeout-s`)."""
    port = port or free_port()
    command = [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(server.query, params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # a paused server cannot stop
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
