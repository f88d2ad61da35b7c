"""The build log: one JSON line per build made current, so every build names its predecessor.

`<build_dir>/build-log.jsonl` is appended under the build lock, one whole line per `write`
(`O_APPEND`, then `fsync`): a reader sees whole lines only, and a line cut by a crash is
skipped when read (and closed by the next append). Each entry holds the build id, when it was
created and when it became current, the build current before it, its inputs (name, SHA-256,
bytes), its quads per graph and whether an existing build was reused.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger(__name__)

BUILD_LOG: Final = "build-log.jsonl"


@dataclass(frozen=True)
class LogEntry:
    """One build made current."""

    build_id: str
    created: datetime
    """When the build was written."""
    published: datetime
    """When it became current."""
    previous: str | None
    triples: int
    """Distinct triples of the data (the dataset's `void:triples`; metadata graph excluded)."""
    inputs: tuple[Mapping[str, Any], ...] = ()
    graphs: Mapping[str, int] | None = None
    reused: bool = False

    def to_json(self) -> dict[str, Any]:
        """The entry as one JSON object."""
        return {
            "build_id": self.build_id,
            "created": self.created.isoformat(),
            "published": self.published.isoformat(),
            "previous": self.previous,
            "triples": self.triples,
            "inputs": list(self.inputs),
            "graphs": dict(self.graphs or {}),
            "reused": self.reused,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEntry:
        """Read an entry written by to_json (raises KeyError, TypeError or ValueError)."""
        previous = data.get("previous")
        return cls(
            build_id=str(data["build_id"]),
            created=datetime.fromisoformat(str(data["created"])),
            published=datetime.fromisoformat(str(data["published"])),
            previous=str(previous) if previous else None,
            triples=int(data.get("triples", 0)),
            inputs=tuple(data.get("inputs", ())),
            graphs=dict(data.get("graphs", {})),
            reused=bool(data.get("reused", False)),
        )


def append_entry(build_path: Path, entry: LogEntry) -> None:
    """Append *entry* as one line (the caller holds the build lock)."""
    line = json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True).encode() + b"\n"
    path = build_path / BUILD_LOG
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        size = os.fstat(descriptor).st_size
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            line = b"\n" + line  # the last append was cut short: close its line first
        written = os.write(descriptor, line)
        if written != len(line):
            raise OSError(f"{path}: short write ({written} of {len(line)} bytes)")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_log(build_path: Path) -> list[LogEntry]:
    """Every readable entry, oldest first; cut or malformed lines are skipped (with a warning)."""
    path = build_path / BUILD_LOG
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(LogEntry.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("%s:%d: unreadable build log line skipped (%s)", path, number, error)
    return entries
