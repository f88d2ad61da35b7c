"""The tables that are not request latencies: systems, JSON-LD framing (validation.py: SHACL)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Final

from benchmarks.processes import ServerProcess
from benchmarks.report import Table
from benchmarks.systems import REPOSITORY, Dataset

FRAMING_SCRIPT: Final = REPOSITORY / "benchmarks" / "framing.py"


def unavailable_table(title: str, reason: str) -> Table:
    """A table that says why it has no figures."""
    table = Table(title, "plain", [], plain_columns=["status"], plain_rows=[[reason]])
    return table


def system_rows(
    facts: dict[str, dict[str, Any]], processes: dict[str, ServerProcess]
) -> list[list[str]]:
    """One row per system: load/build time, startup time, peak memory of its process tree."""
    rows: list[list[str]] = []
    for name, fact in facts.items():
        if "error" in fact:
            rows.append([name, "-", "-", "-", f"not run: {fact['error']}"[:200]])
            continue
        preparation = fact["prepare"]
        if preparation.seconds is None:
            load = "in startup"
        else:
            load = f"{preparation.seconds:.1f}" + (" (cached)" if preparation.cached else "")
        process = processes[name]
        notes = preparation.note
        rows.append(
            [name, load, f"{fact['startup']:.1f}", f"{process.peak_rss / 2**20:,.0f}", notes]
        )
    return rows


def framing_table(dataset: Dataset, *, timeout: float) -> Table:
    """Run the JSON-LD helper's `benchmarks/framing.py --data FILE` (ours vs pyld), if present."""
    title = "JSON-LD framing: chava's framer vs pyld on the same documents (benchmarks/framing.py)"
    if not FRAMING_SCRIPT.exists():
        return unavailable_table(title, "not available yet (benchmarks/framing.py is missing)")
    try:
        completed = subprocess.run(
            [sys.executable, str(FRAMING_SCRIPT), "--data", str(dataset.path)],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return unavailable_table(title, f"timed out after {timeout:.0f} s")
    if completed.returncode != 0:
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:]
        return unavailable_table(title, f"framing.py failed: {' '.join(last)}"[:300])
    return framing_rows(title, completed.stdout)


FRAMING_COLUMNS: Final = [
    "frame",
    "resources",
    "ours ms",
    "pyld ms",
    "pyld/ours",
    "listing size",
    "listing ours ms",
    "listing pyld ms",
    "listing pyld/ours",
]


def framing_rows(title: str, output: str) -> Table:
    """Turn framing.py's fixed-width rows (`name n ours pyld ratio | n ours pyld ratio`) into a
    table; its closing summary line becomes a note."""
    table = Table(title, "plain", [], plain_columns=FRAMING_COLUMNS)
    for line in output.splitlines():
        cells = line.replace("|", " ").split()
        if " | " in line and len(cells) == len(FRAMING_COLUMNS) and cells[1].isdigit():
            table.plain_rows.append(cells)
        elif line.startswith("median ratio"):
            table.notes.append(line.strip())
    if not table.plain_rows:
        lines = [[line] for line in output.strip().splitlines()] or [["(no output)"]]
        return Table(title, "plain", [], plain_columns=["framing.py output"], plain_rows=lines)
    return table
