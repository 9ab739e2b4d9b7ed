"""A value built from database tables, kept once per process and rebuilt only when the tables change.

Building the engine's configuration (a word-list automaton) or its knowledge base (a BM25 index) is worth doing
once per change, not per message. Each cache checks a cheap fingerprint of its tables (row counts, active rows,
latest change) at most every ``recheck_seconds`` and rebuilds when it moved; ``invalidate()`` forces a rebuild
in this process at once (the admin calls it after a change); ``invalidate_all()`` does so for every cache of
the process (the tests' reset).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_ALL: weakref.WeakSet = weakref.WeakSet()  # every cache of the process, for invalidate_all


class TableCache(Generic[T]):
    def __init__(self, build: Callable[[], T], fingerprint: Callable[[], tuple], recheck_seconds: float) -> None:
        self._build = build
        self._fingerprint = fingerprint
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, tuple, T] | None = None
        _ALL.add(self)

    def get(self) -> T:
        with self._lock:
            cached = self._cached
        now = time.monotonic()
        if cached and now - cached[0] < self.recheck_seconds:
            return cached[2]
        fingerprint = self._fingerprint()
        value = cached[2] if cached and cached[1] == fingerprint else self._build()
        with self._lock:
            self._cached = (now, fingerprint, value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None


def invalidate_all() -> None:
    """Rebuild every table cache of this process on its next use."""
    for cache in list(_ALL):
        cache.invalidate()


K = TypeVar("K")


class KeyedTableCache(Generic[K, T]):
    """One ``TableCache`` per key (issue 19: per organisation), created on first use.

    ``build(key)`` and ``fingerprint(key)`` read only that key's tables, so a change in one organisation's rows
    rebuilds only its value; ``invalidate(key)`` forgets one key (``None`` is a key like any other),
    ``invalidate()`` every key (a product-wide default changed, which every organisation inherits).
    """

    def __init__(self, build: Callable[[K], T], fingerprint: Callable[[K], tuple], recheck_seconds: float) -> None:
        self._build = build
        self._fingerprint = fingerprint
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._caches: dict[K, TableCache[T]] = {}
        _ALL.add(self)

    def _cache(self, key: K) -> TableCache[T]:
        with self._lock:
            cache = self._caches.get(key)
            if cache is None:
                cache = self._caches[key] = TableCache(
                    lambda: self._build(key), lambda: self._fingerprint(key), self.recheck_seconds
                )
            return cache

    def get(self, key: K) -> T:
        cache = self._cache(key)
        cache.recheck_seconds = self.recheck_seconds  # one setting for every key (tests shorten it)
        return cache.get()

    def invalidate(self, *keys: K) -> None:
        """Forget the values of ``keys``; without keys, of every key."""
        with self._lock:
            caches = [self._caches.get(key) for key in keys] if keys else list(self._caches.values())
        for cache in caches:
            if cache is not None:
                cache.invalidate()
