"""Reading a source file once: the parser reads the bytes the hash covers, and nothing else.

A build id is a hash of its inputs. Hashing a file and parsing it in two reads names the build
after whatever the file held at the second read: a file replaced in between gives a build
called after content it does not hold. `HashedInput` opens the file once, and the SHA-256 is
computed over exactly the bytes handed to the parser (plus any tail it left unread).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final

CHUNK: Final = 1 << 20
"""Bytes read from the file at a time (the parser's small reads come from this buffer)."""


@dataclass(frozen=True)
class InputDigest:
    """What a build read from one file: its SHA-256 and size, and its mtime when opened."""

    path: Path
    sha256: str
    byte_size: int
    mtime_ns: int
    """From fstat before the first read: a later change of the file shows as a newer mtime."""

    def to_manifest(self, name: str) -> dict[str, Any]:
        """The manifest entry of this input, under *name* (relative path or file name)."""
        return {"name": name, "sha256": self.sha256, "bytes": self.byte_size}

    def to_source(self) -> dict[str, Any]:
        """The cheap "sources changed?" entry: path, size and mtime as read."""
        return {
            "path": str(self.path.resolve()),
            "size": self.byte_size,
            "mtime_ns": self.mtime_ns,
        }


class _HashingRaw(io.RawIOBase):
    """A raw file whose every byte read is fed into a SHA-256."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self._descriptor = descriptor
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = os.readv(self._descriptor, [view])
        if count:
            self.digest.update(view[:count])
            self.size += count
        return count


class HashedInput:
    """One source file opened once; parse from `stream`, then take `digest()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            self._mtime_ns = os.fstat(descriptor).st_mtime_ns
        except OSError:
            os.close(descriptor)
            raise
        self._descriptor = descriptor
        self._raw = _HashingRaw(descriptor)
        self.stream = io.BufferedReader(self._raw, CHUNK)

    def digest(self) -> InputDigest:
        """The digest of every byte of the file as read (an unread tail is read and counted)."""
        while self.stream.read(CHUNK):
            pass
        return InputDigest(self.path, self._raw.digest.hexdigest(), self._raw.size, self._mtime_ns)

    def close(self) -> None:
        """Close the file."""
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> HashedInput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_digest(path: Path) -> InputDigest:
    """Hash a whole file in one read (for files a build copies or loads through HashedInput)."""
    with HashedInput(path) as source:
        return source.digest()


def read_bytes(path: Path) -> tuple[bytes, InputDigest]:
    """Read a whole file once: its bytes, and the digest of exactly those bytes."""
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        mtime_ns = os.fstat(descriptor).st_mtime_ns
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read()
    finally:
        os.close(descriptor)
    return data, InputDigest(path, hashlib.sha256(data).hexdigest(), len(data), mtime_ns)
