"""A tiny in-process cache with a time-to-live, keyed by anything hashable (thread-safe).

Each worker process keeps its own copy: figures may lag by the TTL, never more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class TTLCache:
    def __init__(self, max_items: int = 64):
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._max = max_items

    def get_or_compute(self, key, ttl: float, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and found[0] > now:
                return found[1]
        value = compute()  # outside the lock: a slow computation never blocks cached readers
        with self._lock:
            if len(self._items) >= self._max:
                self._items = {k: v for k, v in self._items.items() if v[0] > now}
                if len(self._items) >= self._max:
                    self._items.clear()
            self._items[key] = (now + ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
