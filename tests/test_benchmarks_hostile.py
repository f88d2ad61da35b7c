"""The slow-query load benchmark (benchmarks/hostile.py): its arithmetic, and one tiny run.

Not a timed test: the run checks that the scenario starts and stops the server, loads it from
several loopback addresses and writes sound figures, never what the figures are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import hostile


def test_percentile_is_nearest_rank() -> None:
    values = [0.001 * n for n in range(1, 101)]
    assert hostile.percentile(values, 0.50) == pytest.approx(0.050)
    assert hostile.percentile(values, 0.99) == pytest.approx(0.099)
    assert hostile.percentile([], 0.5) == 0.0
    assert hostile.percentile([0.3], 0.99) == 0.3


def test_recovery_is_the_start_of_the_first_fast_run() -> None:
    stopped = 100.0
    samples = [  # (measured at, latency)
        (100.5, 0.5),  # slow
        (100.6, 0.01),
        (100.7, 0.2),  # slow: the streak breaks
        (101.01, 0.01),  # sent at 101.0: the recovered run starts here
        (101.1, 0.01),
        (101.2, 0.01),
    ]
    assert hostile.recovery_seconds(samples, stopped, 0.05, 3) == pytest.approx(1.0)
    assert hostile.recovery_seconds(samples, stopped, 0.05, 4) is None
    assert hostile.recovery_seconds([(100.01, 0.01)] * 2, stopped, 0.05, 2) == pytest.approx(0.0)


def test_markdown_puts_the_phases_side_by_side() -> None:
    phases = [
        {"name": name, "pages": 10, "p50_ms": 1.0, "p99_ms": 2.0, "max_ms": 3.0, "errors": 0}
        for name in ("alone", "under load", "after the load")
    ]
    text = hostile.markdown(
        {
            "size": "10k",
            "addresses": 8,
            "per_address": 2,
            "phases": phases,
            "recovery_seconds": None,
            "recovered_after": 5,
            "threshold_ms": 4.0,
            "load_statuses": [("200", 3), ("503", 7)],
        }
    )
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows] == [
        "phase",
        "alone",
        "under load",
        "after the load",
    ]
    assert "never (within the limit)" in text
    assert "503: 7" in text


@pytest.mark.server
@pytest.mark.slow
def test_a_tiny_run_loads_from_several_addresses_and_stops_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [
        "--cities", "1", "--seconds", "1", "--addresses", "2", "--per-address", "1",
        "--patience", "1", "--recovered-after", "2", "--max-recovery-probe", "2",
        "--data-dir", str(tmp_path / "data"), "--output-dir", str(tmp_path / "results"),
    ]  # fmt: skip
    assert hostile.main(arguments) == 0
    (written,) = (tmp_path / "results").glob("load-*.json")
    result = json.loads(written.read_text())
    assert result["leftover_processes"] == []
    assert [phase["name"] for phase in result["phases"]] == [
        "alone",
        "under load",
        "after the load",
    ]
    assert all(phase["pages"] > 0 and phase["errors"] == 0 for phase in result["phases"])
    assert sum(count for _status, count in result["load_statuses"]) > 0
    assert "| under load |" in capsys.readouterr().out
