"""Resource pages alone and under a slow-query load from 8 addresses, and how fast they recover.

`make bench-load SIZE=10k` (or `python -m benchmarks.hostile --size 10k`) starts `chava serve`
with its shipped limits on a generated dataset and measures resource-page latency (HTML, one
keep-alive client on 127.0.0.1) in three phases:

1. alone, for `--seconds`;
2. under load, for `--seconds`: `--addresses` clients, each bound to its own loopback source
   address (127.0.0.2, ...), each with `--per-address` connections sending distinct slow
   queries (a four-way product, stopped at `sparql_timeout`); a client gives up on a query
   after `--patience` seconds and sends the next on a new connection, as impatient clients
   and load generators do, leaving the abandoned request behind;
3. after the load stops, for `--max-recovery-probe` seconds: the recovery is the time until
   the first of `--recovered-after` pages in a row that answer within twice the p99 alone.

Bounded in time and count; only loopback addresses. The figures go to stdout as Markdown and
to `benchmarks/results/load-<size>-<time>.json`.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

if __package__ in (None, ""):  # `python benchmarks/hostile.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dataset import ensure_dataset
from benchmarks.measure import Options
from benchmarks.processes import ProcessRegistry
from benchmarks.run import start
from benchmarks.systems import ChavaServer, Request
from benchmarks.workloads import resource_iris, sample_iris

BENCHMARKS: Final = Path(__file__).resolve().parent
SLOW_QUERY: Final = (
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    "FILTER(?a != <urn:x:{tag}>) }}"
)
"""Distinct per request (the tag), so no cache answers it; runs until the time limit."""


class ShippedChava(ChavaServer):
    """`chava serve` with the limits it ships with (the comparison harness lifts them)."""

    def environment(self) -> dict[str, str]:
        """The dataset's base and build folder only: every limit at its default."""
        return {
            name: value
            for name, value in super().environment().items()
            if name in ("CHAVA_DATA_BASE_IRI", "CHAVA_BUILD_DIR", "CHAVA_ROOT")
        }


@dataclass
class Phase:
    """Page latencies of one phase, in seconds, with when each was measured."""

    name: str
    latencies: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    errors: int = 0

    def p(self, fraction: float) -> float:
        """The latency at rank *fraction* (nearest rank), in milliseconds (0 when empty)."""
        return percentile(self.latencies, fraction) * 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of *values* (0.0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered) - 1e-9) - 1))
    return ordered[index]


def recovery_seconds(
    samples: list[tuple[float, float]], stopped: float, threshold: float, run: int
) -> float | None:
    """Seconds from *stopped* until the first of *run* consecutive samples under *threshold*.

    *samples* are (time measured, latency) after the load stopped, in order; None when pages
    never answered *run* times in a row under the threshold.
    """
    streak_start: float | None = None
    streak = 0
    for measured, latency in samples:
        if latency <= threshold:
            if streak == 0:
                streak_start = measured - latency  # the request was sent then
            streak += 1
            if streak >= run and streak_start is not None:
                return max(0.0, streak_start - stopped)
        else:
            streak = 0
            streak_start = None
    return None


def markdown(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, phases side by side."""
    lines = [
        f"#### Resource pages under a slow-query load ({result['size']}, "
        f"{result['addresses']} addresses x {result['per_address']} connections)",
        "",
        "| phase | pages | p50 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for phase in result["phases"]:
        lines.append(
            f"| {phase['name']} | {phase['pages']} | {phase['p50_ms']:.1f} | "
            f"{phase['p99_ms']:.1f} | {phase['max_ms']:.1f} | {phase['errors']} |"
        )
    recovery = result["recovery_seconds"]
    shown = "never (within the limit)" if recovery is None else f"{recovery:.2f} s"
    statuses = ", ".join(f"{status}: {count}" for status, count in result["load_statuses"])
    lines += [
        "",
        f"Recovery after the load stopped: {shown} (pages {result['recovered_after']} in a row "
        f"within {result['threshold_ms']:.1f} ms, twice the p99 alone).",
        f"SPARQL load replies: {statuses or 'none'}.",
    ]
    return "\n".join(lines) + "\n"


def _page_requests(server: ChavaServer, dataset_iris: list[str], seed: int) -> list[Request]:
    sample = sample_iris(dataset_iris, count=24, seed=seed)
    requests = [server.describe(iri, "html") for iri in sample]
    return [request for request in requests if request is not None]


def _probe(
    running_port: int, pages: list[Request], phase: Phase, until: threading.Event | float
) -> None:
    """Fetch pages one after another until *until* (a deadline or an event)."""
    from benchmarks.client import Client

    client = Client(running_port, timeout=60.0)
    index = 0
    try:
        while True:
            if isinstance(until, float) and time.monotonic() >= until:
                return
            if isinstance(until, threading.Event) and until.is_set():
                return
            sample = client.get(pages[index % len(pages)])
            index += 1
            if sample.error is not None or sample.status != 200:
                phase.errors += 1
            phase.latencies.append(sample.seconds)
            phase.times.append(time.monotonic())
            time.sleep(0.02)
    finally:
        client.close()


def _slow_client(
    port: int, address: str, tag: str, patience: float, stop: threading.Event, replies: Counter[str]
) -> None:
    import http.client

    count = 0
    while not stop.is_set():
        count += 1
        query = SLOW_QUERY.format(tag=f"{tag}-{count}-{random.random()}")
        path = "/sparql?" + urlencode({"query": query, "format": "json"})
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=patience, source_address=(address, 0)
        )
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            replies[str(response.status)] += 1
            if response.status != 200:
                time.sleep(0.1)  # refused: retry soon (not at once: that would be a CPU loop)
        except TimeoutError:
            replies["abandoned"] += 1  # gave up: the request stays with the server
        except (OSError, http.client.HTTPException):
            replies["error"] += 1
            time.sleep(0.1)
        finally:
            connection.close()


def measure(arguments: argparse.Namespace, registry: ProcessRegistry) -> dict[str, Any]:
    """Run the three phases; the caller stops the processes."""
    dataset = ensure_dataset(
        arguments.data_dir, size=arguments.size, cities=arguments.cities, seed=arguments.seed
    )
    server = ShippedChava(dataset)
    server.prepare()
    running, _startup, _process = start(server, registry, Options(timeout=60.0))
    port = running.port
    running.client.close()
    pages = _page_requests(server, resource_iris(dataset), arguments.seed)
    alone = Phase("alone")
    _probe(port, pages, alone, time.monotonic() + arguments.seconds)
    stop = threading.Event()
    replies: Counter[str] = Counter()
    clients = [
        threading.Thread(
            target=_slow_client,
            args=(
                port,
                f"127.0.0.{2 + index}",
                f"{index}-{lane}",
                arguments.patience,
                stop,
                replies,
            ),
            daemon=True,
        )
        for index in range(arguments.addresses)
        for lane in range(arguments.per_address)
    ]
    for thread in clients:
        thread.start()
    time.sleep(min(2.0, arguments.seconds / 4))  # the queues fill
    loaded = Phase("under load")
    _probe(port, pages, loaded, time.monotonic() + arguments.seconds)
    stop.set()
    stopped = time.monotonic()
    threshold = max(2 * percentile(alone.latencies, 0.99), 0.005)
    after = Phase("after the load")
    _probe(port, pages, after, stopped + arguments.max_recovery_probe)
    for thread in clients:
        thread.join(timeout=arguments.patience + 5)
    recovery = recovery_seconds(
        list(zip(after.times, after.latencies, strict=True)),
        stopped,
        threshold,
        arguments.recovered_after,
    )
    return {
        "size": arguments.size if arguments.cities is None else f"{arguments.cities}-cities",
        "addresses": arguments.addresses,
        "per_address": arguments.per_address,
        "seconds": arguments.seconds,
        "threshold_ms": threshold * 1000,
        "recovered_after": arguments.recovered_after,
        "recovery_seconds": recovery,
        "load_statuses": sorted(replies.items()),
        "phases": [
            {
                "name": phase.name,
                "pages": len(phase.latencies),
                "p50_ms": phase.p(0.50),
                "p99_ms": phase.p(0.99),
                "max_ms": max(phase.latencies, default=0.0) * 1000,
                "errors": phase.errors,
            }
            for phase in (alone, loaded, after)
        ],
    }


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--size", default="10k", help="10k, 100k or 1m statements (default 10k)")
    size.add_argument("--cities", type=int, help="generate this many cities instead of --size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--addresses", type=int, default=8)
    parser.add_argument("--per-address", type=int, default=2)
    parser.add_argument("--patience", type=float, default=3.0, help="seconds a client waits")
    parser.add_argument("--recovered-after", type=int, default=5)
    parser.add_argument(
        "--max-recovery-probe", type=float, default=15.0, help="seconds measured after the load"
    )
    parser.add_argument("--data-dir", type=Path, default=BENCHMARKS / "data")
    parser.add_argument("--output-dir", type=Path, default=BENCHMARKS / "results")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure, print Markdown, write JSON; always stop the server."""
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    registry = ProcessRegistry(arguments.output_dir / f"logs-load-{stamp}")
    try:
        result = measure(arguments, registry)
    finally:
        registry.stop_all()
    leftovers = registry.leftovers()
    result["leftover_processes"] = leftovers
    arguments.output_dir.mkdir(parents=True, exist_ok=True)
    path = arguments.output_dir / f"load-{result['size']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    sys.stdout.write(markdown(result))
    sys.stdout.write(f"\nresults: {path}\n")
    return 1 if leftovers else 0


if __name__ == "__main__":
    sys.exit(main())
