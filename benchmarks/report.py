"""Benchmark figures: statistics, one table per workload, JSON and Markdown output."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REFERENCE = "oxigraph"
"""Ratios are to the Oxigraph server, measured in the same run."""


@dataclass
class Cell:
    """One system's figure for one row: latency statistics, a throughput, or why there is none."""

    median_ms: float | None = None
    p99_ms: float | None = None
    cold_ms: float | None = None
    """Median of the first request of each item (before any cache could help)."""
    samples: int = 0
    errors: int = 0
    requests_per_second: float | None = None
    note: str = ""
    max_ms: float | None = None
    """The slowest request (successful or not: the engine bars cap it)."""

    @classmethod
    def from_latencies(cls, seconds: list[float], *, cold: list[float], errors: int) -> Cell:
        """Median and p99 (nearest rank) of latencies given in seconds."""
        if not seconds:
            return cls(errors=errors, note="no successful request")
        ordered = sorted(seconds)
        p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]  # nearest rank
        return cls(
            median_ms=statistics.median(ordered) * 1000,
            p99_ms=p99 * 1000,
            cold_ms=statistics.median(cold) * 1000 if cold else None,
            samples=len(ordered),
            errors=errors,
            max_ms=ordered[-1] * 1000,
        )

    @classmethod
    def missing(cls, note: str) -> Cell:
        """A cell with no figure, only the reason (n/a ...)."""
        return cls(note=note)


@dataclass
class Table:
    """One workload's table: a row per item, a cell per system."""

    title: str
    kind: str
    """latency, throughput or plain."""
    systems: list[str]
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    plain_columns: list[str] = field(default_factory=list)
    plain_rows: list[list[str]] = field(default_factory=list)

    def ratio(self, row: str, system: str) -> float | None:
        """The system's figure divided by the Oxigraph server's, same row, same run."""
        cells = self.rows[row]
        mine, reference = cells.get(system), cells.get(REFERENCE)
        if mine is None or reference is None:
            return None
        if self.kind == "throughput":
            if mine.requests_per_second and reference.requests_per_second:
                return mine.requests_per_second / reference.requests_per_second
            return None
        if mine.median_ms and reference.median_ms:
            return mine.median_ms / reference.median_ms
        return None

    def render(self) -> str:
        """The table as Markdown (readable as plain text too)."""
        lines = [f"### {self.title}", ""]
        if self.kind == "plain":
            lines.append("| " + " | ".join(self.plain_columns) + " |")
            lines.append("|" + "---|" * len(self.plain_columns))
            lines.extend("| " + " | ".join(row) + " |" for row in self.plain_rows)
        else:
            lines.append("| " + " | ".join(["", *self.systems]) + " |")
            lines.append("|" + "---|" * (len(self.systems) + 1))
            for row, cells in self.rows.items():
                rendered = [self._cell(row, system, cells.get(system)) for system in self.systems]
                lines.append("| " + " | ".join([row, *rendered]) + " |")
        lines.extend(["", *(f"- {note}" for note in self.notes)] if self.notes else [])
        return "\n".join(lines).rstrip() + "\n"

    def _cell(self, row: str, system: str, cell: Cell | None) -> str:
        if cell is None:
            return "n/a"
        if self.kind == "throughput" and cell.requests_per_second is not None:
            text = (
                f"{cell.requests_per_second:,.0f} req/s "
                f"(p50 {cell.median_ms:.1f} ms, p99 {cell.p99_ms:.1f} ms)"
            )
        elif cell.median_ms is not None:
            text = f"{cell.median_ms:.1f} ms (p99 {cell.p99_ms:.1f}"
            text += f", cold {cell.cold_ms:.1f}" if cell.cold_ms is not None else ""
            text += f", n={cell.samples})"
        else:
            return cell.note or "n/a"
        ratio = self.ratio(row, system)
        if ratio is not None and system != REFERENCE:
            text += f" x{ratio:.2f}"
        if cell.errors:
            text += f" [{cell.errors} errors]"
        if cell.note:
            text += f" ({cell.note})"
        return text


def machine() -> dict[str, Any]:
    """The machine the run happened on: cores, memory, CPU model, Python."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def render_markdown(meta: dict[str, Any], tables: list[Table]) -> str:
    """The whole report: what ran where, then one table per workload."""
    host = meta["machine"]
    header = [
        f"## Benchmark: {meta['size']} "
        f"({meta['statements']:,} statements, {meta['cities']} cities)",
        "",
        f"- date: {meta['date']}; command: `{meta['command']}`",
        f"- machine: {host['nproc']} cores ({host['cpu']}), {host['memory_gb']} GB RAM, "
        f"Python {host['python']}, Linux {host['kernel']}",
        f"- latency: {meta['options']['repeats']} repeats per item, systems interleaved; "
        "cells: median (p99, cold = median of first requests); xN = median / the Oxigraph "
        "server's median, same run (lower is better)",
        f"- throughput: wrk, {meta['options']['connections']} connections, "
        f"{meta['options']['duration']} s per run (at most {meta['options']['max_requests']} "
        f"requests), median of {meta['options']['throughput_repeats']} runs; xN = req/s / the "
        "Oxigraph server's req/s (higher is better)",
        "",
    ]
    return "\n".join(header) + "\n".join(table.render() for table in tables)


def write_results(
    directory: Path, stem: str, meta: dict[str, Any], tables: list[Table]
) -> tuple[Path, Path]:
    """Write `<stem>.json` and `<stem>.md` (and `latest-<size>.*` copies) under *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {"meta": meta, "tables": [asdict(table) for table in tables]}
    markdown = render_markdown(meta, tables)
    json_path = directory / f"{stem}.json"
    markdown_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown_path.write_text(markdown, encoding="utf-8")
    latest = f"latest-{meta['size']}"
    (directory / f"{latest}.json").write_text(
        json_path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (directory / f"{latest}.md").write_text(markdown, encoding="utf-8")
    return json_path, markdown_path
