"""Per-client limits shared by every web worker process: concurrency, request rate, query time.

`chava serve` runs several WSGI worker processes, each with its own query pool, so a counter in
memory would let a client run N times the limit. Instead a client holds one of `limit` slot
files while its query runs: `flock` on a slot is exclusive across processes and threads (each
`open` is its own lock owner) and the kernel drops it when the holder exits or is killed, so a
crashed web worker can never leave a client locked out. Clients are hashed into 65,536 buckets
to bound the number of slot files; a client is an IPv4 address or an IPv6 /64 (client_key).

The request rate (a token bucket) and the query-time budget (Wikidata's rule: so many seconds
of query time per minute, refilled continuously) live in one mapped file of 65,536 records of
four doubles, one per bucket; a record is read and written under a byte-range lock (`lockf`,
between processes) and a thread lock (within one). The clock is CLOCK_MONOTONIC, shared by the
processes of one machine.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import ipaddress
import math
import mmap
import os
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from chava.errors import ConfigError, TooManyRequestsError

if TYPE_CHECKING:
    from chava.config import Settings

BUCKETS = 1 << 16
BUDGET_WINDOW: Final = 60.0
"""Seconds over which a client's query-time budget refills completely."""
_RECORD: Final = struct.Struct("=dddd")
"""tokens, when the tokens were counted, seconds spent, when they were counted."""


@functools.lru_cache(maxsize=4096)
def client_key(address: str) -> str:
    """The client an address belongs to: an IPv4 address, or an IPv6 /64 network.

    One IPv6 subscriber usually holds a whole /64: counting each address apart would give them
    2**64 budgets. An IPv4-mapped IPv6 address is its IPv4 address.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@functools.lru_cache(maxsize=4096)
def _bucket(client: str) -> int:
    key = client_key(client).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % BUCKETS


def _own_directory(directory: Path) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_uid != os.getuid():  # a shared temporary folder: trust only ours
        raise ConfigError(f"{directory}: slot folder owned by another user")


class ClientSlots:
    """At most *limit* queries per client at a time, across the processes sharing *directory*."""

    def __init__(self, directory: Path, limit: int, *, retry_after: int = 1) -> None:
        self.directory = directory
        self.limit = limit
        self.retry_after = retry_after
        _own_directory(directory)

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (one ClientSlots per query service)
    def _paths(self, bucket: int) -> tuple[str, ...]:
        """The slot files of *bucket*, in the order they are tried."""
        return tuple(str(self.directory / f"{bucket:04x}-{index}") for index in range(self.limit))

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """Hold a slot for *client* while the block runs, or raise TooManyRequestsError."""
        for path in self._paths(_bucket(client)):
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


class ClientLedger:
    """Each client's request rate and query-time budget, across the processes sharing *directory*.

    *rate* requests per second on average with bursts of *burst* (0: no rate limit); *budget*
    seconds of query time per BUDGET_WINDOW (0: no budget).
    """

    def __init__(self, directory: Path, *, rate: float, burst: int, budget: float) -> None:
        self.rate = max(0.0, rate)
        self.burst = max(1, burst)
        self.budget = max(0.0, budget)
        _own_directory(directory)
        size = BUCKETS * _RECORD.size
        self._descriptor = os.open(directory / "ledger", os.O_CREAT | os.O_RDWR, 0o600)
        if os.fstat(self._descriptor).st_size < size:
            os.ftruncate(self._descriptor, size)  # sparse: pages appear as buckets are used
        self._map = mmap.mmap(self._descriptor, size)
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> ClientLedger:
        """The ledger shared by every web worker serving `settings.build_path`."""
        return cls(
            slots_directory(str(settings.build_path.resolve())),
            rate=settings.sparql_rate_limit,
            burst=settings.sparql_rate_burst,
            budget=settings.sparql_client_budget,
        )

    def admit(self, client: str) -> None:
        """Count one request of *client*, or raise TooManyRequestsError (rate or budget spent)."""
        if not self.rate and not self.budget:
            return
        with self._record(client) as (values, now):
            self._refill(values, now)
            tokens, _at, spent, _spent_at = values
            if self.budget and spent >= self.budget:
                wait = (spent - self.budget) * BUDGET_WINDOW / self.budget
                raise TooManyRequestsError(
                    f"this client used its {self.budget:g} s of query time per "
                    f"{BUDGET_WINDOW:g} s; it refills continuously",
                    retry_after=max(1, math.ceil(wait)),
                )
            if self.rate:
                if tokens < 1:
                    raise TooManyRequestsError(
                        f"this client sent more than {self.rate:g} queries per second "
                        f"(bursts of {self.burst}); slow down",
                        retry_after=max(1, math.ceil((1 - tokens) / self.rate)),
                    )
                values[0] = tokens - 1

    def charge(self, client: str, seconds: float) -> None:
        """Add *seconds* of query time to *client*'s spending."""
        if not self.budget or seconds <= 0:
            return
        with self._record(client) as (values, now):
            self._refill(values, now)
            values[2] += seconds

    def spent(self, client: str) -> float:
        """Seconds of *client*'s budget spent now (for tests and the log)."""
        with self._record(client) as (values, now):
            self._refill(values, now)
            return values[2]

    def close(self) -> None:
        """Unmap the ledger (the file stays for the other processes); idempotent."""
        with self._lock:
            if self._map.closed:
                return
            self._map.close()
            os.close(self._descriptor)

    def _refill(self, values: list[float], now: float) -> None:
        tokens, tokens_at, spent, spent_at = values
        if tokens_at == 0.0:  # a bucket never used
            tokens = float(self.burst)
        else:
            tokens = min(float(self.burst), tokens + (now - tokens_at) * self.rate)
        if spent_at != 0.0 and self.budget:
            spent = max(0.0, spent - (now - spent_at) * self.budget / BUDGET_WINDOW)
        values[:] = [tokens, now, spent, now]

    @contextmanager
    def _record(self, client: str) -> Iterator[tuple[list[float], float]]:
        offset = _bucket(client) * _RECORD.size
        with self._lock:
            fcntl.lockf(self._descriptor, fcntl.LOCK_EX, _RECORD.size, offset)
            try:
                values = list(_RECORD.unpack_from(self._map, offset))
                yield values, time.monotonic()
                _RECORD.pack_into(self._map, offset, *values)
            finally:
                fcntl.lockf(self._descriptor, fcntl.LOCK_UN, _RECORD.size, offset)


def slots_directory(key: str) -> Path:
    """The directory shared by all web workers serving the build folder named by *key*."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"chava-sparql-{os.getuid()}-{digest}"
