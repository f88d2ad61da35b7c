"""Throughput with concurrent keep-alive connections, measured by wrk (Debian's `wrk`).

wrk is a compiled event-loop load generator: on a 2-core machine a Python client would be
the bottleneck. The Lua script (`wrk/paths.lua`) cycles through a file of request paths and
stops after a request count, so each run is bounded in time and in count.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.systems import Request

SCRIPT: Final = Path(__file__).resolve().parent / "wrk" / "paths.lua"


@dataclass(frozen=True)
class LoadResult:
    """One wrk run."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    """Non-2xx/3xx responses plus socket errors and timeouts."""
    statuses: str
    """Error statuses seen, e.g. "429:12,503:1"."""


def wrk_available() -> bool:
    """Whether the `wrk` binary is installed."""
    return shutil.which("wrk") is not None


def run_wrk(
    port: int,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    environment: Mapping[str, str] | None = None,
) -> LoadResult:
    """Run wrk against 127.0.0.1:*port*, cycling through *requests* (all with one Accept).

    *environment* adds variables to wrk's (benchmarks/sources.py: several client addresses).
    """
    accept = requests[0].headers.get("Accept", "*/*")
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as paths:
        paths.write("\n".join(request.path for request in requests) + "\n")
    try:
        threads = 1  # the Lua script's request limit and timer are per thread
        per_thread = max_requests
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(SCRIPT),
                f"http://127.0.0.1:{port}",
                "--",
                paths.name,
                accept,
                str(per_thread),
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
            env={**os.environ, **(environment or {})},
        )
    finally:
        Path(paths.name).unlink(missing_ok=True)
    for line in completed.stdout.splitlines():
        if line.startswith("WRKJSON "):
            figures = json.loads(line.removeprefix("WRKJSON "))
            break
    else:
        raise RuntimeError(f"wrk gave no summary: {completed.stderr.strip() or completed.stdout}")
    # A run that reached its request limit ends early: count its time until then.
    duration = (figures["stopped_after_us"] or figures["duration_us"]) / 1e6
    errors = sum(
        figures[key]
        for key in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return LoadResult(
        requests=figures["requests"],
        seconds=duration,
        requests_per_second=figures["requests"] / duration if duration else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        statuses=figures["statuses"],
    )
