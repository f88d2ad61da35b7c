"""Validation progress: shapes done of total, focus nodes, results as they come, on a terminal
only (stderr), after a delay; machine formats on stdout never change."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from benchmarks.mutate import mutate
from rdflib import RDF, SH, Graph
from rdflib.compare import isomorphic

from chava import namespaces
from chava.generate import generate_chunks
from chava.validation.validate import validate_publication
from chava.validation.validation_progress import TerminalProgress
from tests.engine_support import PROJECT_ROOT, load_profile_quads, publication_of

CHAVA = Path(sys.executable).parent / "chava"
VIOLATION = namespaces.SH + "Violation"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Recorder:
    """A Progress that remembers what it heard."""

    def __init__(self) -> None:
        self.shapes = 0
        self.done: list[int] = []
        self.results: list[tuple[str, str, str | None]] = []
        self.finished = False

    def start(self, shapes: int) -> None:
        self.shapes += shapes

    def shape_done(self, focus_nodes: int) -> None:
        self.done.append(focus_nodes)

    def result(self, severity: str, focus: str, path: str | None) -> None:
        self.results.append((severity, focus, path))

    def finish(self) -> None:
        self.finished = True


def test_the_status_line_counts_shapes_focus_nodes_and_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    terminal = Terminal()
    progress = TerminalProgress(terminal, delay=0, refresh=0)
    progress.start(3)
    progress.shape_done(1200)
    progress.result(VIOLATION, "https://city.example.org/id/x", namespaces.RDFS + "label")
    assert progress.line() == (
        "validating: 1/3 shapes, 1,200 focus nodes, 1 results (1 violations); "
        "last: Violation https://city.example.org/id/x rdfs:label"
    )
    assert terminal.getvalue().endswith("\r" + progress.line())
    progress.finish()
    assert terminal.getvalue().endswith("\r" + " " * len(progress.line()) + "\r")


def test_the_status_line_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    terminal = Terminal()
    progress = TerminalProgress(terminal, delay=0, refresh=0)
    progress.start(30)
    assert terminal.getvalue() == "\r" + progress.line()[:39]


def test_nothing_is_shown_off_a_terminal_or_before_the_delay() -> None:
    for stream, delay in ((io.StringIO(), 0.0), (Terminal(), 3600.0)):
        progress = TerminalProgress(stream, delay=delay, refresh=0)
        progress.start(2)
        progress.shape_done(10)
        progress.result(VIOLATION, "x", None)
        progress.finish()
        assert stream.getvalue() == ""


def test_every_engine_reports_each_shape_and_the_compiled_one_each_result() -> None:
    text = mutate("".join(generate_chunks(cities=1, seed=2)), removed=3, untagged=2, step=5)
    publication = publication_of(load_profile_quads(), text, ox.RdfFormat.N_QUADS)
    for engine in ("oxigraph", "pyshacl"):
        recorder = Recorder()
        report = validate_publication(publication, engine=engine, progress=recorder)
        assert recorder.shapes > 30
        assert len(recorder.done) == recorder.shapes
        assert recorder.finished
        if engine == "oxigraph":
            assert sum(recorder.done) > 100  # focus nodes checked
            assert len(recorder.results) == len(report.results) == 2


def run_on_terminal(arguments: list[str], tmp_path: Path) -> tuple[bytes, bytes]:
    """Run chava with stderr on a pseudo-terminal; return its stdout and the terminal's bytes."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "CHAVA_PROGRESS_AFTER": "0"}
    with subprocess.Popen(
        [str(CHAVA), "--root", str(PROJECT_ROOT), *arguments],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        cwd=tmp_path,
    ) as process:
        os.close(terminal)
        shown = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the terminal closed: the process ended
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        assert process.stdout is not None
        output = process.stdout.read()
        process.wait(timeout=60)
    os.close(controller)
    return output, shown


def test_progress_goes_to_the_terminal_and_machine_formats_do_not_change(tmp_path: Path) -> None:
    data = tmp_path / "cities.nq"
    data.write_text(
        mutate("".join(generate_chunks(cities=1, seed=2)), removed=3, untagged=2, step=5)
    )
    for output_format in ("text", "turtle"):
        arguments = ["validate", "--format", output_format, str(data)]
        output, shown = run_on_terminal(arguments, tmp_path)
        assert re.search(rb"validating: \d+/\d+ shapes, [\d,]+ focus nodes, \d+ results", shown)
        plain = subprocess.run(
            [str(CHAVA), "--root", str(PROJECT_ROOT), *arguments],
            capture_output=True,
            env={**os.environ, "CHAVA_PROGRESS_AFTER": "0"},
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert plain.stderr == b""  # not a terminal: no progress at all
        if output_format == "text":
            assert output == plain.stdout
        else:  # the same report graph (blank node labels differ from run to run)
            on_terminal = Graph().parse(data=output, format="turtle")
            assert isomorphic(on_terminal, Graph().parse(data=plain.stdout, format="turtle"))
            assert len(list(on_terminal.subjects(RDF.type, SH.ValidationResult))) == 2
