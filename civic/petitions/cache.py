"""A tiny per-process cache with a time limit. Correctness never depends on it: entries only let a
process reuse what it read a moment ago (PETITION_COUNT_CACHE_SECONDS; 0 turns caching off)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(self, ttl: float, max_items: int = 10_000) -> None:
        self.ttl, self.max_items = ttl, max_items
        self._items: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

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

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or one load shared by every request that misses at the same moment (so a
        burst after expiry costs one query, not one per request)."""
        found = self.get(key)
        if found is not None:
            return found
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = self.put(key, await load())
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._loading.pop(key, None)
        future.set_result(value)
        return value
