"""An in-memory LRU of query results, bounded in bytes: the graph changes only at build time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ResultCache(Generic[Value]):
    """Least-recently-used values keyed by string, at most *capacity* bytes of them in total."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[Value, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Value | None:
        """Return the cached value for *key* (and mark it recent), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, value: Value, size: int) -> None:
        """Cache *value* of *size* bytes, evicting the least recent entries to make room."""
        if size > self.capacity // 4:  # one huge result must not flush everything else
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= previous[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.capacity:
                _key, (_value, evicted) = self._entries.popitem(last=False)
                self._size -= evicted

    def __len__(self) -> int:
        return len(self._entries)
