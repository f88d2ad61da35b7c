"""The tables that are not request latencies: systems, validation time, JSON-LD framing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any, Final

from benchmarks.processes import ServerProcess
from benchmarks.report import Table
from benchmarks.systems import BIN, REPOSITORY, Dataset

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


def validation_table(dataset: Dataset, *, timeout: float) -> Table:
    """Time `chava validate FILE` (SHACL, pyshacl) against the project's shapes."""
    table = Table(
        "Validation: chava validate (pyshacl) against the project's shapes",
        "plain",
        [],
        plain_columns=["statements", "seconds", "result"],
    )
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [str(BIN / "chava"), "validate", str(dataset.path)],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        table.plain_rows.append([f"{dataset.statements:,}", f"> {timeout:.0f}", "timed out"])
        return table
    seconds = time.perf_counter() - started
    outcome = {0: "conforms", 1: "does not conform"}.get(completed.returncode)
    if outcome is None:
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:]
        outcome = f"error (exit {completed.returncode}): {' '.join(last)}"[:200]
    elif completed.returncode == 1:
        first = completed.stdout.strip().splitlines()[:1]
        outcome += f": {' '.join(first)}"[:200]
    table.plain_rows.append([f"{dataset.statements:,}", f"{seconds:.1f}", outcome])
    return table


def framing_table(dataset: Dataset) -> Table:
    """Run the JSON-LD helper's `benchmarks/framing.py` if it exists, else say so."""
    title = "JSON-LD framing"
    if not FRAMING_SCRIPT.exists():
        return unavailable_table(title, "not available yet (benchmarks/framing.py is missing)")
    completed = subprocess.run(
        [sys.executable, str(FRAMING_SCRIPT), "--json"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:]
        return unavailable_table(title, f"framing.py failed: {' '.join(last)}"[:300])
    return _framing_rows(title, completed.stdout)


def _framing_rows(title: str, output: str) -> Table:
    try:
        document = json.loads(output)
    except json.JSONDecodeError:
        lines = [[line] for line in output.strip().splitlines()]
        return Table(title, "plain", [], plain_columns=["framing.py output"], plain_rows=lines)
    rows = document if isinstance(document, list) else document.get("rows", [document])
    columns = sorted({key for row in rows for key in row}) if rows else ["status"]
    return Table(
        title,
        "plain",
        [],
        plain_columns=columns,
        plain_rows=[[str(row.get(column, "")) for column in columns] for row in rows],
    )
