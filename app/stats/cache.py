"""A tiny in-process cache with a time-to-live, keyed by anything hashable (thread-safe).

Stale-while-revalidate: once a value exists, an expired entry is still served while one
background refresh runs, so that only the very first request of a process waits for the
computation. A value older than ``MAX_STALE`` times the TTL is never served (the request then
computes). Each worker process keeps its own copy: figures may lag by about the TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_STALE = 10

Runner = Callable[[Callable[[], None]], None]


class TTLCache:
    def __init__(self, max_items: int = 64):
        self._items: dict[Any, tuple[float, float, Any]] = {}  # key → (expires, stored at, value)
        self._refreshing: set = set()
        self._lock = threading.Lock()
        self._max = max_items

    def get_or_compute(
        self, key, ttl: float, compute: Callable[[], Any], background: Runner | None = None
    ) -> Any:
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and found[0] > now:
                return found[2]
            usable = found is not None and background is not None and now - found[1] < ttl * MAX_STALE
            start_refresh = usable and key not in self._refreshing
            if start_refresh:
                self._refreshing.add(key)
        if usable:
            if start_refresh:
                background(lambda: self._refresh(key, ttl, compute))
            return found[2]
        value = compute()  # outside the lock: a slow computation never blocks cached readers
        self._store(key, ttl, value)
        return value

    def _refresh(self, key, ttl: float, compute: Callable[[], Any]) -> None:
        try:
            self._store(key, ttl, compute())
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _store(self, key, ttl: float, value) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._items) >= self._max and key not in self._items:
                self._items = {k: v for k, v in self._items.items() if now - v[1] < v[0] - v[1] + ttl}
                if len(self._items) >= self._max:
                    self._items.clear()
            self._items[key] = (now + ttl, now, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
