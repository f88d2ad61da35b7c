"""Writing the contributions folder safely: one lock, whole files, an append-only log.

Every change to the folder (and to the contributed data files) happens under one `flock` on
`.lock`: exclusive between processes (the web workers, the CLI) and threads (each `open` holds
its own lock); the kernel drops it when its holder dies, so a crash never leaves it taken.
Files are replaced whole: written beside their name, flushed to disk, renamed over it
(`os.replace`, atomic), then the folder is flushed, so a reader sees the old or the new file.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chava.building.build_leases import try_lock_file

LOCK_NAME = ".lock"


@contextmanager
def locked(folder: Path, name: str = LOCK_NAME) -> Iterator[None]:
    """Hold the folder's lock *name* (blocking) while the block runs."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


@contextmanager
def try_locked(folder: Path, name: str) -> Iterator[bool]:
    """Hold the lock *name* if nobody does; the block learns whether it got it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with try_lock_file(folder / name, 0o600) as got:
        yield got


def write_atomically(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace *path* by *data* whole: readers see the old or the new bytes, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view)
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        temporary.replace(path)  # os.replace: atomic
    finally:
        if temporary.exists():
            temporary.unlink()
    sync_folder(path.parent)


def remove_file(path: Path) -> None:
    """Remove *path* if it exists, and flush its folder."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename or an unlink) to disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_json(path: Path, value: Any) -> None:
    """Replace *path* by *value* as JSON, atomically."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    write_atomically(path, text.encode("utf-8"))


def read_json(path: Path) -> Any:
    """The JSON value in *path*, or None when there is no such file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def append_line(path: Path, value: Any) -> None:
    """Append *value* as one JSON line to *path* and flush it to disk (the log never shrinks)."""
    line = (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON lines of *path* in order (a torn last line, from a crash, is skipped)."""
    try:
        stream = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with stream:
        for line in stream:
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                yield value


def last_line(path: Path) -> dict[str, Any] | None:
    """The last whole JSON line of *path* (read from the end), or None."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    with path.open("rb") as stream:
        chunk = 65536
        start = max(0, size - chunk)
        while True:
            stream.seek(start)
            data = stream.read(size - start)
            lines = [line for line in data.split(b"\n") if line.strip()]
            for raw in reversed(lines[1:] if start > 0 else lines):
                try:
                    value = json.loads(raw)
                except json.JSONDecodeError:
                    continue
                if isinstance(value, dict):
                    return value
            if start == 0:
                return None
            start = max(0, start - chunk * 4)
