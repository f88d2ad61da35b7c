"""A real Virtuoso 7 (Debian's `virtuoso-opensource`) on 127.0.0.1, for the engine tests.

Each server has its own temporary database folder and free ports, runs `virtuoso-t +foreground
+configfile` with a row cap (ResultSetMaxRows) small enough for the tests to meet it, and is
stopped within a bounded time. `make test` installs the package (as root, where apt-get
exists); elsewhere the tests that need it skip, saying why, unless they run in CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.auth import HTTPDigestAuth

from tests.oxigraph_server import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
DBA_PASSWORD = "dba"
"""The password of a new database's `dba`: the server listens on 127.0.0.1 only."""
START_SECONDS = 60.0
STOP_SECONDS = 20.0

CONFIG = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def require_virtuoso() -> None:
    """Skip (outside CI) or fail (in CI) when Virtuoso is not installed."""
    if VIRTUOSO is not None and ISQL is not None:
        return
    message = (
        "Virtuoso is not installed: `make test` installs Debian's virtuoso-opensource "
        "(as root), or run `apt-get install virtuoso-opensource`"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso: its HTTP base, its SQL port, its process and folder."""

    base: str
    sql_port: int
    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def query(self) -> str:
        """The public SPARQL endpoint (reads, anonymous)."""
        return self.base + "/sparql"

    @property
    def query_auth(self) -> str:
        """The SPARQL endpoint behind Digest authentication."""
        return self.base + "/sparql-auth"

    @property
    def store(self) -> str:
        """The Graph Store Protocol endpoint behind Digest authentication."""
        return self.base + "/sparql-graph-crud-auth"

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba (isql-vt); return its output."""
        assert ISQL is not None
        script = "".join(statement.rstrip(";") + ";\n" for statement in statements)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", DBA_PASSWORD],
            input=script.encode(),
            capture_output=True,
            timeout=60,
            check=True,
        )
        output = done.stdout.decode("utf-8", "replace")
        if "*** Error" in output:
            raise RuntimeError(output[-1000:])
        return output

    def add_user(self, name: str, password: str, *roles: str) -> None:
        """A SQL user with these roles (SPARQL_SELECT, SPARQL_UPDATE)."""
        self.isql(
            f"DB.DBA.USER_CREATE('{name}', '{password}')",
            *(f'GRANT {role} TO "{name}"' for role in roles),
        )

    def load(self, graph: str, ntriples: bytes) -> None:
        """PUT a graph through the Graph Store Protocol (Digest, as dba)."""
        response = requests.put(
            self.store,
            params={"graph": graph},
            data=ntriples,
            headers={"Content-Type": "application/n-triples"},
            auth=HTTPDigestAuth("dba", DBA_PASSWORD),
            timeout=120,
        )
        response.raise_for_status()

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT on the public endpoint and return its rows as {variable: value}."""
        response = requests.post(
            self.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
        return [
            {name: cell["value"] for name, cell in row.items()}
            for row in response.json()["results"]["bindings"]
        ]

    def pause(self) -> None:
        """SIGSTOP: the engine holds its connections and answers nothing."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after pause."""
        os.kill(self.process.pid, signal.SIGCONT)


def _ready(base: str) -> bool:
    try:
        answer = requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2)
    except requests.RequestException:
        return False
    return answer.status_code == 200


@contextmanager
def virtuoso_server(folder: Path, *, max_rows: int = 10_000) -> Iterator[VirtuosoServer]:
    """Start Virtuoso on free loopback ports with its database in *folder*; stop it after."""
    require_virtuoso()
    assert VIRTUOSO is not None
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    config = folder / "virtuoso.ini"
    config.write_text(
        CONFIG.format(folder=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows),
        encoding="utf-8",
    )
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(config)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port, process, folder)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _ready(server.base):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (folder / "server.log").read_text(errors="replace")[-800:]
                raise RuntimeError(f"virtuoso-t did not start: {tail}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.kill(process.pid, signal.SIGCONT)  # a paused server cannot stop
        process.terminate()
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)
