"""Per-client concurrency limit, shared by every web worker process through file locks.

`chava serve` runs several WSGI worker processes, each with its own query pool, so a counter in
memory would let a client run N times the limit. Instead a client holds one of `limit` slot
files while its query runs: `flock` on a slot is exclusive across processes and threads (each
`open` is its own lock owner) and the kernel drops it when the holder exits or is killed, so a
crashed web worker can never leave a client locked out. Clients are hashed into 65,536 buckets
to bound the number of slot files.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chava.errors import ConfigError, TooManyRequestsError

BUCKETS = 1 << 16


class ClientSlots:
    """At most *limit* queries per client at a time, across the processes sharing *directory*."""

    def __init__(self, directory: Path, limit: int, *, retry_after: int = 1) -> None:
        self.directory = directory
        self.limit = limit
        self.retry_after = retry_after
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if directory.stat().st_uid != os.getuid():  # a shared temporary folder: trust only ours
            raise ConfigError(f"{directory}: slot folder owned by another user")

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """Hold a slot for *client* while the block runs, or raise TooManyRequestsError."""
        bucket = int.from_bytes(hashlib.sha256(client.encode()).digest()[:4], "big") % BUCKETS
        for index in range(self.limit):
            path = self.directory / f"{bucket:04x}-{index}"
            descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                yield
            finally:
                os.close(descriptor)  # closing the descriptor releases the lock
            return
        raise TooManyRequestsError(
            f"this client already has {self.limit} queries running; wait for one to finish",
            retry_after=self.retry_after,
        )


def slots_directory(key: str) -> Path:
    """The directory shared by all web workers serving the build folder named by *key*."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"chava-sparql-{os.getuid()}-{digest}"
