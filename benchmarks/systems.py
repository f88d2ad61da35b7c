"""The systems compared: chava, the Oxigraph server and rdflib-endpoint, on the same N-Quads.

Each system knows how to prepare its store from the dataset (timed), how to start on a port
of 127.0.0.1, and how to turn a benchmark request (describe an IRI, run a query) into an
HTTP path and headers. Requests a system cannot answer return None ("n/a").
"""

from __future__ import annotations

import compileall
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

from benchmarks.processes import ProcessRegistry, ServerProcess

logger = logging.getLogger(__name__)

REPOSITORY: Final = Path(__file__).resolve().parent.parent
BIN: Final = Path(sys.executable).parent
DESCRIBE_QUERY: Final = REPOSITORY / "benchmarks" / "queries" / "describe" / "describe.rq"

MEDIA_TYPES: Final = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "html": "text/html",
    "json": "application/sparql-results+json",
}


@dataclass(frozen=True)
class Dataset:
    """The generated data every system serves."""

    path: Path
    size: str
    cities: int
    seed: int
    base_iri: str
    statements: int
    work_dir: Path
    """Where systems keep their stores for this dataset (under benchmarks/data/)."""


@dataclass(frozen=True)
class Request:
    """One HTTP GET: the path (with query string) and the headers."""

    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Preparation:
    """How long the system took to load or build the dataset (None: loads at startup)."""

    seconds: float | None
    cached: bool
    note: str = ""


class System:
    """A server the harness starts and measures."""

    name: ClassVar[str]
    startup_timeout: float = 120.0
    prepare_timeout: float = 900.0

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def prepare(self) -> Preparation:
        """Load or build the dataset before starting; cached between runs."""
        return Preparation(None, cached=False, note="loads at startup")

    def command(self, port: int) -> list[str]:
        """The command line that serves on 127.0.0.1:*port*."""
        raise NotImplementedError

    def data_folders(self) -> list[Path]:
        """The folders the server reads its data from (its store), once prepared."""
        return []

    def environment(self) -> dict[str, str]:
        """Extra environment variables for the server."""
        return {}

    def start(self, registry: ProcessRegistry, port: int) -> ServerProcess:
        """Start the server process group."""
        return registry.spawn(self.name, self.command(port), env=self.environment())

    def ready_request(self) -> Request:
        """A cheap request that answers 200 once the server is ready."""
        request = self.query("ASK { }", "json")
        assert request is not None
        return request

    def describe(self, iri: str, media: str) -> Request | None:
        """The request describing *iri* in *media* (turtle, jsonld, html), or None."""
        if media == "html":
            return None
        query = DESCRIBE_QUERY.read_text(encoding="utf-8").replace("%IRI%", iri)
        return self.query(query, media)

    def query(self, sparql: str, media: str) -> Request | None:
        """The GET request running *sparql*, results in *media*, or None if not offered."""
        raise NotImplementedError

    def api(self, path: str) -> Request | None:
        """A JSON-LD API request (`/api/...`, framed profiles); only chava has one."""
        return None

    def page(self, path: str) -> Request | None:
        """A page of the site (`/classes/...`) in HTML; only chava has one."""
        return None

    def _sparql_get(self, endpoint: str, sparql: str, media: str) -> Request:
        path = endpoint + "?" + urllib.parse.urlencode({"query": sparql})
        return Request(path, {"Accept": MEDIA_TYPES[media]})


class OxigraphServer(System):
    """`oxigraph serve-read-only` over a store loaded with `oxigraph load`."""

    name = "oxigraph"

    @property
    def location(self) -> Path:
        """The Oxigraph store folder."""
        return self.dataset.work_dir / "oxigraph"

    def data_folders(self) -> list[Path]:
        """The store `oxigraph load` wrote."""
        return [self.location]

    def prepare(self) -> Preparation:
        """Load the N-Quads with `oxigraph load` (skipped when a finished store exists)."""
        marker = self.location / ".loaded"
        if marker.exists():
            return Preparation(float(marker.read_text()), cached=True)
        shutil.rmtree(self.location, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "oxigraph"),
                *("load", "--location", str(self.location)),
                *("--file", str(self.dataset.path)),
            ],
            check=True,
            capture_output=True,
            timeout=self.prepare_timeout,
        )
        seconds = time.perf_counter() - started
        marker.write_text(f"{seconds:.3f}")
        return Preparation(seconds, cached=False)

    def command(self, port: int) -> list[str]:
        """Read-only server; the default graph is the union of the named graphs, as in chava."""
        return [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]

    def query(self, sparql: str, media: str) -> Request | None:
        """GET /query."""
        return self._sparql_get("/query", sparql, media)


class RdflibEndpoint(System):
    """rdflib-endpoint's ASGI app under uvicorn, over an in-memory rdflib Dataset."""

    name = "rdflib-endpoint"
    startup_timeout = 900.0

    def command(self, port: int) -> list[str]:
        """`benchmarks/rdflib_server.py`: parse the file, then serve /sparql."""
        return [
            sys.executable,
            str(REPOSITORY / "benchmarks" / "rdflib_server.py"),
            "--data",
            str(self.dataset.path),
            "--port",
            str(port),
        ]

    def query(self, sparql: str, media: str) -> Request | None:
        """GET /sparql."""
        return self._sparql_get("/sparql", sparql, media)


def compile_chava() -> None:
    """Write the bytecode of chava's modules, as `make` does after installing (and pip for any
    installed package): an editable install whose bytecode is missing or older than its source
    compiles every module at each start when PYTHONDONTWRITEBYTECODE is set, as in many
    containers (0.6 s of a 1.4 s start-up at 1M statements, measured on this harness)."""
    compileall.compile_dir(REPOSITORY / "src" / "chava", quiet=1)


class ChavaServer(System):
    """`chava serve --data FILE`: granian, the built pyoxigraph store, /id/ and /sparql."""

    name = "chava"
    startup_timeout = 300.0

    @property
    def build_dir(self) -> Path:
        """The chava build folder for this dataset."""
        return self.dataset.work_dir / "chava-build"

    def data_folders(self) -> list[Path]:
        """The build folder (store, index, dumps)."""
        return [self.build_dir]

    def current_build(self) -> Path | None:
        """The folder of the build `chava serve` serves (its `current`), None before a build."""
        builds = sorted(self.build_dir.glob("data-*/current"))
        return builds[-1].resolve() if builds else None

    def environment(self) -> dict[str, str]:
        """Map local /id/ paths onto the generator's base IRI; keep builds with the data.

        The per-client request rate and query-time budget are lifted: every request of the
        harness comes from one client (127.0.0.1), and the figures measure the server, not its
        limits (benchmarks/hostile.py measures with the shipped limits).
        """
        return {
            "CHAVA_DATA_BASE_IRI": self.dataset.base_iri,
            "CHAVA_BUILD_DIR": str(self.build_dir),
            "CHAVA_ROOT": str(REPOSITORY),
            "CHAVA_SPARQL_RATE_LIMIT": "0",
            "CHAVA_SPARQL_CLIENT_BUDGET": "0",
        }

    def prepare(self) -> Preparation:
        """Run `chava build --data FILE --no-validate` (cached when this dataset was built):
        the build without validation, the figure issue 16's build bar compares with `oxigraph
        load` (which validates nothing); the validation table times `chava validate FILE`."""
        marker = self.build_dir / ".built"
        stamp = _build_stamp()
        if marker.exists():
            recorded, _newline, built_by = marker.read_text().partition("\n")
            if built_by == stamp:  # a build by another layout is made again, and timed
                return Preparation(float(recorded), cached=True, note=BUILD_NOTE)
        shutil.rmtree(self.build_dir, ignore_errors=True)
        self.build_dir.mkdir(parents=True)
        started = time.perf_counter()
        completed = subprocess.run(
            [str(BIN / "chava"), "build", "--data", str(self.dataset.path), "--no-validate"],
            env=_with(self.environment()),
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=self.prepare_timeout,
        )
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            message = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            raise RuntimeError(
                f"chava build failed ({completed.returncode}): {' | '.join(message)}"
            )
        marker.write_text(f"{seconds:.3f}\n{stamp}")
        return Preparation(seconds, cached=False, note=BUILD_NOTE)

    def command(self, port: int) -> list[str]:
        """Serve the build with the production server."""
        return [
            str(BIN / "chava"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-validate",
            "--data",
            str(self.dataset.path),
        ]

    def describe(self, iri: str, media: str) -> Request | None:
        """GET /id/... with the media type in Accept (HTML included)."""
        if not iri.startswith(self.dataset.base_iri):
            return None
        path = "/" + iri[len(self.dataset.base_iri) :]
        return Request(path, {"Accept": MEDIA_TYPES[media]})

    def query(self, sparql: str, media: str) -> Request | None:
        """GET /sparql."""
        return self._sparql_get("/sparql", sparql, media)

    def api(self, path: str) -> Request | None:
        """GET a JSON-LD API path, or a resource path with `?profile=`."""
        return Request(path, {"Accept": MEDIA_TYPES["jsonld"]})

    def page(self, path: str) -> Request | None:
        """GET a page of the site."""
        return Request(path, {"Accept": MEDIA_TYPES["html"]})


BUILD_NOTE: Final = "chava build --no-validate (validation: see the validation table)"


def _build_stamp() -> str:
    """What a cached chava build must have been made by: chava's version and build layout."""
    from importlib.metadata import version

    from chava.building.build_inputs import BUILD_LAYOUT_VERSION

    return f"chava {version('chava')} layout {BUILD_LAYOUT_VERSION} --no-validate"


def _with(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


class ChavaOnEngine(ChavaServer):
    """`chava serve --data FILE --store URL`: the same build, read from an external engine.

    prepare() builds (as chava does), starts the engine on its own store folder under the
    dataset's work folder, pushes the build with `chava publish --to` (timed; skipped when the
    engine already holds this build) and stops it; start() starts the engine again, then chava.
    """

    engine_name: ClassVar[str]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        self._engine_port = 0

    @property
    def engine_dir(self) -> Path:
        """The engine's own data folder for this dataset."""
        return self.dataset.work_dir / f"engine-{self.engine_name}"

    def data_folders(self) -> list[Path]:
        """The build (its index and dumps are read by chava) and the engine's own store."""
        return [self.build_dir, self.engine_dir]

    def engine_command(self, port: int) -> list[str]:
        """The engine serving on 127.0.0.1:*port*."""
        raise NotImplementedError

    def query_url(self, port: int) -> str:
        """The engine's SPARQL query endpoint."""
        raise NotImplementedError

    def store_url(self, port: int) -> str:
        """The engine's Graph Store Protocol endpoint (what `chava publish --to` is given)."""
        raise NotImplementedError

    def publish_environment(self) -> dict[str, str]:
        """Credentials for publishing."""
        return {}

    def prepare(self) -> Preparation:
        """Build, then push the build into the engine (unless it holds it already)."""
        built = super().prepare()
        self.engine_dir.mkdir(parents=True, exist_ok=True)
        marker = self.engine_dir / ".published"
        build_id = self._build_id()
        if marker.exists() and marker.read_text().split()[0] == build_id:
            seconds = float(marker.read_text().split()[1])
            return Preparation(built.seconds, cached=True, note=f"publish {seconds:.1f} s (cached)")
        port = _free_port()
        engine = subprocess.Popen(
            self.engine_command(port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.engine_dir,
            start_new_session=True,
        )
        try:
            _wait_for(self.query_url(port) + "?query=ASK%7B%7D", engine, 120)
            started = time.perf_counter()
            completed = subprocess.run(
                [
                    str(BIN / "chava"),
                    "publish",
                    "--full",
                    "--to",
                    self.store_url(port),
                    "--data",
                    str(self.dataset.path),
                ],
                env=_with({**self.environment(), **self.publish_environment()}),
                cwd=REPOSITORY,
                capture_output=True,
                text=True,
                timeout=self.prepare_timeout,
            )
            seconds = time.perf_counter() - started
            if completed.returncode != 0:
                raise RuntimeError(f"chava publish failed: {completed.stderr.strip()[-300:]}")
        finally:
            engine.terminate()
            try:
                engine.wait(timeout=60)
            except subprocess.TimeoutExpired:
                engine.kill()
                engine.wait()
        marker.write_text(f"{build_id} {seconds:.3f}")
        return Preparation(built.seconds, cached=built.cached, note=f"publish {seconds:.1f} s")

    def start(self, registry: ProcessRegistry, port: int) -> ServerProcess:
        """Start the engine, then `chava serve --store` on it."""
        engine_port = _free_port()
        engine = registry.spawn(f"{self.engine_name}-engine", self.engine_command(engine_port))
        _wait_for(self.query_url(engine_port) + "?query=ASK%7B%7D", engine.popen, 120)
        self._engine_port = engine_port
        return registry.spawn(self.name, self.command(port), env=self.environment())

    def command(self, port: int) -> list[str]:
        """chava serve, reading the engine."""
        return [*super().command(port), "--store", self.query_url(self._engine_port)]

    def _build_id(self) -> str:
        current = self.current_build()
        return current.name if current is not None else "none"


class ChavaOnOxigraph(ChavaOnEngine):
    """chava serving from an Oxigraph server (`oxigraph serve`, its own store)."""

    name = "chava@oxigraph"
    engine_name = "oxigraph"

    def engine_command(self, port: int) -> list[str]:
        """Read-write (publish), no union default graph: chava asks for it per query."""
        return [
            str(BIN / "oxigraph"),
            "serve",
            "--location",
            str(self.engine_dir / "store"),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            "30",
        ]

    def query_url(self, port: int) -> str:
        """GET/POST /query."""
        return f"http://127.0.0.1:{port}/query"

    def store_url(self, port: int) -> str:
        """The graph store."""
        return f"http://127.0.0.1:{port}/store"


VIRTUOSO_INI: Final = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


class ChavaOnVirtuoso(ChavaOnEngine):
    """chava serving from Virtuoso 7 (Debian's virtuoso-t, its own database folder)."""

    name = "chava@virtuoso"
    engine_name = "virtuoso"

    def engine_command(self, port: int) -> list[str]:
        """virtuoso-t in the foreground with a configuration written for *port*."""
        config = self.engine_dir / "virtuoso.ini"
        config.write_text(
            VIRTUOSO_INI.format(folder=self.engine_dir, port=port, sql_port=_free_port()),
            encoding="utf-8",
        )
        return [
            shutil.which("virtuoso-t") or "virtuoso-t",
            "+foreground",
            "+configfile",
            str(config),
        ]

    def query_url(self, port: int) -> str:
        """The public endpoint."""
        return f"http://127.0.0.1:{port}/sparql"

    def store_url(self, port: int) -> str:
        """The Graph Store Protocol endpoint behind Digest authentication."""
        return f"http://127.0.0.1:{port}/sparql-graph-crud-auth"

    def publish_environment(self) -> dict[str, str]:
        """A new database's dba (the server listens on 127.0.0.1 only)."""
        return {"CHAVA_PUBLISH_USER": "dba", "CHAVA_PUBLISH_PASSWORD": "dba"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the engine exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the engine did not answer {url} within {seconds:.0f} s")


SYSTEMS: Final[dict[str, type[System]]] = {
    system.name: system
    for system in (ChavaServer, OxigraphServer, RdflibEndpoint, ChavaOnOxigraph, ChavaOnVirtuoso)
}
"""Every system the harness knows; `--store oxigraph` adds chava@oxigraph to a run."""
