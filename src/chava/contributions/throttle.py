"""Rate limits shared by every web worker: sign-in failures, proposals, per client or account.

Events are counted in a sliding window in one small JSON file under its own lock (so a limit
holds across processes). Keys are stored hashed: the file never holds an IP address or a name.
"""

from __future__ import annotations

import hashlib
import math
import time
from pathlib import Path
from typing import Final

from chava.contributions.files import locked, read_json, write_json

MAX_KEYS: Final = 20_000
"""Keys remembered at most (the oldest are forgotten first)."""


class Throttle:
    """Sliding-window counters kept in `{folder}/{name}.json`."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder / "limits"
        self.path = self.folder / f"{name}.json"

    def retry_after(self, key: str, *, limit: int, window: float) -> int:
        """Seconds until *key* may act again (0: it may now)."""
        times = self._times(key, window)
        if len(times) < limit:
            return 0
        return max(1, math.ceil(times[-limit] + window - time.time()))

    def record(self, key: str, *, window: float) -> None:
        """Count one event for *key*."""
        with locked(self.folder):
            counters = self._read(window)
            counters.setdefault(_digest(key), []).append(time.time())
            if len(counters) > MAX_KEYS:
                oldest = sorted(counters, key=lambda k: counters[k][-1])
                for stale in oldest[: len(counters) - MAX_KEYS]:
                    del counters[stale]
            write_json(self.path, counters)

    def clear(self, key: str) -> None:
        """Forget *key*'s events (a successful sign-in)."""
        with locked(self.folder):
            counters = read_json(self.path) or {}
            if counters.pop(_digest(key), None) is not None:
                write_json(self.path, counters)

    def _times(self, key: str, window: float) -> list[float]:
        counters = read_json(self.path) or {}
        since = time.time() - window
        return sorted(t for t in counters.get(_digest(key), ()) if t > since)

    def _read(self, window: float) -> dict[str, list[float]]:
        since = time.time() - window
        counters = read_json(self.path) or {}
        kept = {key: [t for t in times if t > since] for key, times in counters.items()}
        return {key: times for key, times in kept.items() if times}


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
