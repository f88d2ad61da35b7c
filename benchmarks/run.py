"""Run the side-by-side benchmark: chava, the Oxigraph server and rdflib-endpoint, same data.

    python benchmarks/run.py --size 10k          (make bench SIZE=10k)

Generates (or reuses) the synthetic dataset under benchmarks/data/, prepares each system's
store, starts every system on 127.0.0.1, runs the workloads with systems interleaved, stops
every process it started (also on errors and Ctrl-C), then prints one table per workload and
writes JSON and Markdown under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import extras, loadgen, scale, sources, validation
from benchmarks.bars import bars_table, engine_bars_table
from benchmarks.client import Client
from benchmarks.dataset import ensure_dataset
from benchmarks.measure import (
    Options,
    Running,
    api_table,
    latency_table,
    pages_table,
    query_table,
)
from benchmarks.processes import ProcessRegistry, ServerProcess
from benchmarks.report import Table, machine, write_results
from benchmarks.systems import MEDIA_TYPES, SYSTEMS, Request, System, compile_chava
from benchmarks.throughput import requests_for, throughput_table, varied_slices
from benchmarks.workloads import (
    DESCRIBE_MEDIA,
    load_queries,
    resource_iris,
    sample_iris,
    shuffled,
)

logger = logging.getLogger("benchmarks.run")
BENCHMARKS = Path(__file__).resolve().parent


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--size", default="10k", help="10k, 100k or 1m statements (default 10k)")
    size.add_argument("--cities", type=int, help="generate this many cities instead of --size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--systems", default="chava,oxigraph,rdflib-endpoint")
    parser.add_argument(
        "--store",
        default="",
        help="comma list of engines (oxigraph, virtuoso): add chava serving from each "
        "(`chava serve --store`) to the run, and the engine bars (issue 13)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="latency repeats per item")
    parser.add_argument("--sample", type=int, default=24, help="IRIs in the description sample")
    parser.add_argument(
        "--varied", type=int, default=2000, help="distinct IRIs per varied throughput run"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--throughput-repeats", type=int, default=2)
    parser.add_argument(
        "--idle-memory",
        type=float,
        default=0.0,
        help="seconds to wait after the workloads before measuring memory again (0: not)",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--addresses", type=int, default=8, help="client addresses of the varied-SELECT run"
    )
    parser.add_argument(
        "--load-generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="throughput client: wrk (auto when installed) or the Python processes",
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per wrk run")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument(
        "--row-budget", type=float, default=10.0, help="seconds per table row and system"
    )
    parser.add_argument(
        "--slow", type=float, default=1.0, help="skip throughput when one request takes longer"
    )
    parser.add_argument(
        "--validation-timeout", type=float, default=180.0, help="seconds per validation run"
    )
    parser.add_argument(
        "--validation-sizes", default="10k,100k,1m", help="sizes of the validation table"
    )
    parser.add_argument("--validation-engines", default="oxigraph,rudof,pyshacl")
    parser.add_argument("--framing-timeout", type=float, default=180.0)
    parser.add_argument(
        "--skip",
        default="",
        help=(
            "comma list of parts not to run: describe,mix,uncached,api,search,pages,throughput,"
            "validation,identity,harvest,framing (SPARQL only: "
            "describe,api,search,pages,validation,framing)"
        ),
    )
    parser.add_argument("--data-dir", type=Path, default=BENCHMARKS / "data")
    parser.add_argument("--output-dir", type=Path, default=BENCHMARKS / "results")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    system: System, registry: ProcessRegistry, options: Options
) -> tuple[Running, float, ServerProcess]:
    """Start *system* and wait until it answers HTTP; return it, its startup seconds, its
    process group (stopped again if it never becomes ready)."""
    port = free_port()
    process = system.start(registry, port)
    running = Running(system, port, Client(port, timeout=options.timeout), {})
    request = system.ready_request()
    deadline = time.monotonic() + system.startup_timeout
    while time.monotonic() < deadline:
        if not process.alive():
            running.client.close()
            registry.stop(process)
            raise RuntimeError(f"{system.name} exited: {process.log_tail()}")
        sample = running.client.get(request, timeout=5.0)
        if sample.error is None and sample.status:
            return running, time.perf_counter() - process.started, process
        time.sleep(0.05)
    running.client.close()
    registry.stop(process)  # do not let it run beside the measurements
    raise RuntimeError(f"{system.name} not ready after {system.startup_timeout:.0f} s")


def probe(running: Running, iri: str) -> None:
    """Mark the endpoints a system does not have yet (chava while it is being built)."""
    checks = {
        "describe": running.system.describe(iri, "turtle"),
        "sparql": running.system.query("ASK { ?s ?p ?o }", "json"),
        "api": running.system.api("/api/actors?limit=1"),
    }
    for capability, request in checks.items():
        if request is None:
            continue
        sample = running.client.get(request)
        if sample.status in (404, 405, 501):
            running.missing[capability] = f"n/a (endpoint missing: HTTP {sample.status})"
        elif not sample.ok:
            running.missing[capability] = f"n/a (HTTP {sample.status} {sample.error or ''})".strip()


def warm_files(folders: list[Path]) -> int:
    """Read every file under *folders* (or each file given) once, into the kernel's page
    cache; the bytes read."""
    total = 0
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else [folder]:
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        total += len(chunk)
    return total


FLOOR_REQUEST: Final = Request("/sparql?query=ASK%7B%7D", {"Accept": MEDIA_TYPES["json"]})


@contextmanager
def floor_server(
    registry: ProcessRegistry, options: Options, *, granian: bool, name: str
) -> Iterator[tuple[int, Client] | None]:
    """Run `benchmarks/floor_server.py` (with *granian*: an empty app under granian) as *name*;
    yield its port and a client once it answers, None if it did not start; stop it after."""
    port = free_port()
    command = [sys.executable, str(BENCHMARKS / "floor_server.py"), "--port", str(port)]
    process = registry.spawn(
        name,
        [*command, "--granian"] if granian else command,
        env={"PYTHONPATH": str(BENCHMARKS.parent)},
    )
    client = Client(port, timeout=options.timeout)
    try:
        deadline = time.monotonic() + 30
        while not client.get(FLOOR_REQUEST, timeout=1.0).ok:
            if time.monotonic() > deadline or not process.alive():
                logger.warning("the floor server did not start: %s", process.log_tail())
                yield None
                return
            time.sleep(0.05)
        yield port, client
    finally:
        client.close()
        registry.stop(process)


def client_floor(
    registry: ProcessRegistry, options: Options, *, granian: bool = False, count: int = 300
) -> float | None:
    """Median latency (ms) of `benchmarks/floor_server.py` with the harness's client.

    The server sends a fixed answer: what remains is the client, the loopback and the kernel
    (with *granian*: and chava's HTTP server running an empty app), the least any system can
    show. None when the floor server did not start.
    """
    name = "floor-granian" if granian else "floor"
    with floor_server(registry, options, granian=granian, name=name) as started:
        if started is None:
            return None
        _port, client = started
        samples = [client.get(FLOOR_REQUEST).seconds for _request in range(count)]
    return statistics.median(samples) * 1000


def floor_throughput(
    registry: ProcessRegistry,
    options: Options,
    requests: list[Request],
    environment: Mapping[str, str] | None,
) -> float | None:
    """Requests per second of the granian floor (an empty app under granian, configured as
    `chava serve` runs its front) under wrk: *requests* sent once each, from the client
    addresses of *environment* (benchmarks/sources.py). What no app served this way can exceed
    on this machine. None without wrk, when the floor server did not start, or on errors."""
    if not loadgen.wrk_available() or not requests:
        return None
    with floor_server(registry, options, granian=True, name="floor-granian-load") as started:
        if started is None:
            return None
        port, _client = started
        result = loadgen.run_wrk(
            port,
            requests,
            connections=options.connections,
            seconds=options.duration,
            max_requests=min(len(requests), options.max_requests),
            environment=environment,
        )
    return result.requests_per_second if result.errors == 0 else None


def benchmark(
    arguments: argparse.Namespace, registry: ProcessRegistry
) -> tuple[dict[str, Any], list[Table]]:
    """Run every workload; the caller stops the processes."""
    options = Options(
        repeats=arguments.repeats,
        throughput_repeats=arguments.throughput_repeats,
        duration=arguments.duration,
        connections=arguments.connections,
        max_requests=arguments.max_requests,
        timeout=arguments.timeout,
        row_budget=arguments.row_budget,
        slow=arguments.slow,
    )
    skip = {name.strip() for name in arguments.skip.split(",") if name.strip()}
    dataset = ensure_dataset(
        arguments.data_dir, size=arguments.size, cities=arguments.cities, seed=arguments.seed
    )
    iris = resource_iris(dataset)
    sample = sample_iris(iris, count=arguments.sample, seed=arguments.seed)
    systems_table = Table(
        "Systems: load/build, startup, peak memory",
        "plain",
        [],
        plain_columns=["system", "load/build s", "startup s", "peak RSS MB", "notes"],
    )
    running: dict[str, Running] = {}
    processes: dict[str, ServerProcess] = {}
    first: dict[str, float] = {}
    facts: dict[str, dict[str, Any]] = {}
    names = [name.strip() for name in arguments.systems.split(",") if name.strip()]
    names += [f"chava@{engine.strip()}" for engine in arguments.store.split(",") if engine.strip()]
    compile_chava()
    for name in names:
        system = SYSTEMS[name](dataset)
        try:
            # Each load or build starts alike: the input in the kernel's cache, and no write-back
            # of what an earlier step wrote (the dataset just generated, another system's store)
            # left to slow it down (the first 1M run on a new machine timed chava's build
            # x1.76 of `oxigraph load`, the next x1.32).
            os.sync()
            warm_files([dataset.path])
            preparation = system.prepare()
            # Every system starts with its files in the kernel's cache, as a store just written
            # is: one kept from an earlier run would meet cold disk reads on its first requests.
            warm_files(system.data_folders())
            state, startup, process = start(system, registry, options)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            logger.warning("%s unavailable: %s", name, error)
            facts[name] = {"error": str(error)}
            continue
        if name == scale.CHAVA:  # before anything else asks the API: a worker's first answers
            first = scale.first_requests(state)
        # Probe with an IRI outside the sample: the sample's first requests stay cold.
        probe(state, next((iri for iri in reversed(iris) if iri not in sample), sample[0]))
        running[name] = state
        processes[name] = process
        facts[name] = {"prepare": preparation, "startup": startup}
        logger.info("%s ready on port %d in %.1f s", name, state.port, startup)
    tables: list[Table] = []
    if "describe" not in skip:
        tables.append(
            latency_table(
                "Resource description (latency)",
                running,
                {media: sample for media in DESCRIBE_MEDIA},
                lambda system, media, iri: system.describe(iri, media),
                capability="describe",
                options=options,
            )
        )
    queries = load_queries(dataset)
    if "mix" not in skip:
        tables.append(query_table(running, queries, options))
    engine_ms: dict[str, float] = {}
    if "uncached" not in skip:
        tables.append(query_table(running, queries, options, uncached=True))
        store = scale.served_store(running[scale.CHAVA].system) if scale.CHAVA in running else None
        if store is not None:  # the same texts run by pyoxigraph alone, for the bar's note
            engine_ms = scale.engine_query_ms(store, queries)
    if "api" not in skip:
        tools = [iri for iri in iris if "/id/tool/" in iri]
        tools = shuffled(tools, limit=min(len(tools), arguments.sample), seed=arguments.seed)
        tables.append(api_table(running, tools=tools, base_iri=dataset.base_iri, options=options))
    if "search" not in skip:
        tables.append(scale.search_table(running, options))
    if "pages" not in skip:
        tables.append(pages_table(running, options=options))
    floor_rps: float | None = None
    engine_rate: float | None = None
    if "throughput" not in skip:
        generator = arguments.load_generator
        if generator == "auto":
            generator = "wrk" if loadgen.wrk_available() else "python"
        varied = shuffled(iris, limit=len(iris), seed=arguments.seed)
        shim = sources.build_shim(arguments.output_dir / "shim")
        environment = None if shim is None else sources.environment(shim, arguments.addresses)
        throughput = throughput_table(
            running,
            one_iri=sample[0],
            varied_pool=varied,
            per_run=arguments.varied,
            options=options,
            generator=generator,
            sources=environment,
            addresses=arguments.addresses,
        )
        tables.append(throughput)
        if generator == "wrk" and environment is not None and scale.CHAVA in running:
            # The same lookup paths (new IRIs) to the granian floor, from as many addresses.
            chava = running[scale.CHAVA].system
            last_run = varied[-arguments.varied :]
            lookups = requests_for(chava, "sparql", last_run)
            floor_rps = floor_throughput(registry, options, lookups, environment)
            if floor_rps is not None:
                throughput.notes.append(
                    f"granian floor: {floor_rps:,.0f} req/s, an empty app under granian "
                    "configured as `chava serve` runs its front, answering the small SELECTs' "
                    f"paths from {arguments.addresses} client addresses with a fixed body "
                    "(benchmarks/floor_server.py): what no app served this way can exceed here"
                )
            store = scale.served_store(chava)
            if store is not None:
                # The servers have read the varied runs' IRIs: the engine reads them first,
                # then the last slice of the pool, which no run asked.
                timed = set(last_run)
                asked = varied_slices(
                    varied, arguments.varied, repeats=options.throughput_repeats, sets=2
                )
                earlier = [
                    iri for runs in asked for part in runs for iri in part if iri not in timed
                ]
                engine_rate = scale.engine_lookup_rate(store, last_run, read_before=earlier)
                throughput.notes.append(
                    f"engine alone: {engine_rate:,.0f} lookups per CPU-second, the same SELECTs "
                    "run by pyoxigraph on chava's store in one thread and written as JSON, "
                    "without HTTP or any Python around them"
                )
    memory = scale.memory_table(processes)
    tables.append(memory)
    if arguments.idle_memory > 0:  # query workers beyond one stop once idle (chava.sparql.pool)
        time.sleep(arguments.idle_memory)
        when = f"after {arguments.idle_memory:g} s idle"
        tables.append(scale.memory_table(processes, when=when))
    for name in running:
        running[name].client.close()
    floor_ms = client_floor(registry, options)
    granian_floor_ms = client_floor(registry, options, granian=True)
    bars = bars_table(tables, floor_ms=floor_ms, granian_floor_ms=granian_floor_ms)
    if bars is not None:
        tables.append(bars)
    engines = engine_bars_table(tables)
    if engines is not None:
        tables.append(engines)
    systems_table.plain_rows = extras.system_rows(facts, processes)
    tables.append(systems_table)
    chava_startup = facts.get(scale.CHAVA, {}).get("startup")
    tables.append(
        scale.scale_bars(
            tables,
            first=first,
            startup=chava_startup,
            memory=memory,
            build=scale.build_ratio(facts),
            floor_rps=floor_rps,
            engine_rate=engine_rate,
            granian_floor_ms=granian_floor_ms,
            engine_ms=engine_ms,
        )
    )
    if "validation" not in skip:
        tables.extend(
            validation.validation_tables(
                arguments.data_dir,
                registry,
                sizes=[size for size in arguments.validation_sizes.split(",") if size],
                engines=[name for name in arguments.validation_engines.split(",") if name],
                timeout=arguments.validation_timeout,
                seed=arguments.seed,
                skip=skip,
            )
        )
    if "framing" not in skip:
        tables.append(extras.framing_table(dataset, timeout=arguments.framing_timeout))
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "size": dataset.size,
        "cities": dataset.cities,
        "statements": dataset.statements,
        "seed": dataset.seed,
        "dataset": str(dataset.path),
        "machine": machine(),
        "options": {**vars(options), "sample": len(sample), "varied": arguments.varied},
        "client_floor_ms": floor_ms,
        "first_requests_ms": first,
        "granian_floor_ms": granian_floor_ms,
    }
    return meta, tables


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; always stop every started process."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.INFO if arguments.verbose else logging.WARNING,
        format="%(asctime)s %(name)s: %(message)s",
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    registry = ProcessRegistry(arguments.output_dir / f"logs-{stamp}")

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, terminate)
    # Ctrl-C stops the run even when the harness started with SIGINT ignored: a process that
    # ignores it hands that on to every program it starts (nohup, some test runners and
    # libraries do), and Python then installs no KeyboardInterrupt handler.
    previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    interrupted = False
    try:
        meta, tables = benchmark(arguments, registry)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        registry.stop_all()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)
    leftovers = registry.leftovers()
    if interrupted:
        sys.stderr.write(f"interrupted; processes left behind: {leftovers or 'none'}\n")
        return 130
    meta["leftover_processes"] = leftovers
    json_path, markdown_path = write_results(
        arguments.output_dir, f"bench-{meta['size']}-{stamp}", meta, tables
    )
    sys.stdout.write(markdown_path.read_text(encoding="utf-8"))
    sys.stdout.write(f"\nresults: {json_path} and {markdown_path}\n")
    if leftovers:
        sys.stderr.write(f"processes left behind: {leftovers}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
