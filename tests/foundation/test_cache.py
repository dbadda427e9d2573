"""The one cache class (app/cache.py): time-to-live, size bound, stale-while-revalidate."""

from __future__ import annotations

import time

from app.cache import TTLCache


def test_values_expire_after_their_ttl():
    cache = TTLCache(ttl=0.05)
    cache.set("a", 1)
    cache.set("b", 2, ttl=10)
    assert cache.get("a") == 1
    time.sleep(0.06)
    assert cache.get("a") is None
    assert cache.get("b") == 2


def test_a_zero_ttl_stores_nothing():
    cache = TTLCache(ttl=0)
    cache.set("a", 1)
    assert cache.get("a") is None
    assert len(cache) == 0


def test_the_oldest_entry_goes_first_when_full():
    cache = TTLCache(ttl=60, max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.set("a", 3)  # an update takes no new room
    cache.set("c", 4)
    assert len(cache) == 2
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (3, 4)
