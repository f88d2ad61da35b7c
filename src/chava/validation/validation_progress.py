"""Progress of a validation: shapes done of total, focus nodes checked, results as they come.

Engines call a `Progress`; `NoProgress` ignores everything. `TerminalProgress` shows one status
line on a terminal (stderr), rewritten in place, once the validation has run for `delay`
seconds; nothing at all when the stream is not a terminal, so pipes, logs and the machine
formats on stdout never see it. The line is cleared when the validation ends.
"""

from __future__ import annotations

import shutil
import time
from typing import Final, Protocol, TextIO

from chava import namespaces

SEVERITY_NAMES: Final = {namespaces.SH + name: name for name in ("Violation", "Warning", "Info")}
REFRESH: Final = 0.1
"""Seconds between two redraws of the status line."""


class Progress(Protocol):
    """What an engine reports while it runs."""

    def start(self, shapes: int) -> None:
        """Validation of *shapes* shapes with a target begins."""

    def shape_done(self, focus_nodes: int) -> None:
        """One shape is done; it had *focus_nodes* focus nodes."""

    def result(self, severity: str, focus: str, path: str | None) -> None:
        """A result was found (severity IRI, focus node, path)."""

    def finish(self) -> None:
        """Validation is over."""


class NoProgress:
    """Report nothing."""

    def start(self, shapes: int) -> None:
        """Ignored."""

    def shape_done(self, focus_nodes: int) -> None:
        """Ignored."""

    def result(self, severity: str, focus: str, path: str | None) -> None:
        """Ignored."""

    def finish(self) -> None:
        """Ignored."""


class TerminalProgress:
    """A status line on *stream* when it is a terminal and validation lasts over *delay* s."""

    def __init__(self, stream: TextIO, *, delay: float = 2.0, refresh: float = REFRESH) -> None:
        self.stream = stream
        self.delay = delay
        self.refresh = refresh
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.shapes = 0
        self.done = 0
        self.focus_nodes = 0
        self.counts: dict[str, int] = {}
        self.last = ""
        self._drawn = 0.0
        self._width = 0

    def start(self, shapes: int) -> None:
        """Count the shapes to come."""
        self.shapes += shapes
        self._draw()

    def shape_done(self, focus_nodes: int) -> None:
        """One more shape done."""
        self.done += 1
        self.focus_nodes += focus_nodes
        self._draw()

    def result(self, severity: str, focus: str, path: str | None) -> None:
        """Count the result; the latest is shown on the line."""
        name = SEVERITY_NAMES.get(severity, severity.rsplit("#", 1)[-1])
        self.counts[name] = self.counts.get(name, 0) + 1
        where = namespaces.compact_iri(path) if path else ""
        self.last = f"{name} {focus} {where}".strip()
        self._draw()

    def finish(self) -> None:
        """Clear the line."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def line(self) -> str:
        """The status line's text."""
        results = sum(self.counts.values())
        details = ", ".join(f"{count:,} {name.lower()}s" for name, count in self.counts.items())
        text = (
            f"validating: {self.done}/{self.shapes} shapes, {self.focus_nodes:,} focus nodes, "
            f"{results:,} results" + (f" ({details})" if details else "")
        )
        return text + (f"; last: {self.last}" if self.last else "")

    def _draw(self) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.delay or now - self._drawn < self.refresh:
            return
        self._drawn = now
        columns = shutil.get_terminal_size((100, 24)).columns - 1
        text = self.line()[:columns]
        padding = " " * max(0, self._width - len(text))
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self._width = len(text)
