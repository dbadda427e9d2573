"""The one in-process cache class: a time-to-live, a size bound, thread-safe. No Flask import.

Used by the public API clients (answers of the enrichment APIs, the address search,
Cartofriches: ``get`` / ``set`` with the cache's TTL) and by the statistics (``get_or_compute``,
stale-while-revalidate: once a value exists, an expired entry is still served while one
background refresh runs, so that only the very first request of a process waits for the
computation; a value older than ``MAX_STALE`` times its TTL is never served).

Each worker process keeps its own copy. Two caches of the app are deliberately not this class:
the path page cache (``app/parcours/page_cache.py``: one page per site, valid while the site's
*version* is unchanged — no time involved) and the content bundles (``app/engine/content.py``:
keyed by the content files' fingerprint, never expire).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

MAX_STALE = 10

Runner = Callable[[Callable[[], None]], None]


class TTLCache:
    """``key → value`` for ``ttl`` seconds (per cache, or per call); at most ``max_entries``
    keys, the oldest stored dropped first."""

    def __init__(self, ttl: float = 86_400, max_entries: int = 2_048):
        self.ttl, self.max_entries = ttl, max_entries
        self._items: dict[Hashable, tuple[float, float, Any]] = {}  # key → (expires, stored at, value)
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value if it has not expired, else None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            return item[2]

    def set(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        ttl = self.ttl if ttl is None else ttl
        if ttl <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._items) >= self.max_entries and key not in self._items:
                oldest = min(self._items, key=lambda k: self._items[k][1])
                del self._items[oldest]
            self._items[key] = (now + ttl, now, value)

    def get_or_compute(
        self, key: Hashable, ttl: float, compute: Callable[[], Any], background: Runner | None = None
    ) -> Any:
        """The cached value, else ``compute()`` stored for ``ttl`` seconds. With ``background``
        (a function that runs a callable in a thread), an expired value is served while it runs
        one refresh."""
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and found[0] > now:
                return found[2]
            usable = found is not None and background is not None and now - found[1] < ttl * MAX_STALE
            start_refresh = usable and key not in self._refreshing
            if start_refresh:
                self._refreshing.add(key)
        if found is not None and usable and background is not None:
            if start_refresh:
                background(lambda: self._refresh(key, ttl, compute))
            return found[2]
        value = compute()  # outside the lock: a slow computation never blocks cached readers
        self.set(key, value, ttl)
        return value

    def _refresh(self, key: Hashable, ttl: float, compute: Callable[[], Any]) -> None:
        try:
            self.set(key, compute(), ttl)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
