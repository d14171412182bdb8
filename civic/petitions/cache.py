"""A tiny per-process cache with a time limit. Correctness never depends on it: entries only let a
process reuse what it read a moment ago (PETITION_COUNT_CACHE_SECONDS; 0 turns caching off)."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(self, ttl: float, max_items: int = 10_000) -> None:
        self.ttl, self.max_items = ttl, max_items
        self._items: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None or time.monotonic() - found[0] >= self.ttl:
            return None
        return found[1]

    def put(self, key: K, value: V) -> V:
        if self.ttl > 0:
            if len(self._items) >= self.max_items:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)
        return value

    def forget(self, key: K) -> None:
        self._items.pop(key, None)
