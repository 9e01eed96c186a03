"""A small bounded cache (least recently used entry evicted first), safe to share between threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """At most ``size`` entries; :meth:`get_or_make` computes a missing value outside the lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value stored under ``key``, made (and stored) when missing."""
        with self._lock:
            if key in self._entries:  # a stored None is a value too
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        self.put(key, value)
        return value

    def get(self, key: Hashable) -> V | None:
        """The value stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        return None

    def put(self, key: Hashable, value: V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used entries beyond the size."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def kept_in(extensions: MutableMapping[str, Any], name: str, size: int) -> BoundedCache[Any]:
    """The bounded cache under ``name`` in an app's ``extensions``, made with ``size`` entries the first time."""
    cache = extensions.get(name)
    if cache is None:
        cache = extensions.setdefault(name, BoundedCache[Any](size))
    return cache  # type: ignore[no-any-return]
