"""The bounded cache (core/lru.py): least recently used out first, a stored None kept, get and put."""

from __future__ import annotations

from benchmark.core.lru import BoundedCache, kept_in


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = BoundedCache[int](2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_get_or_make_makes_once_and_keeps_a_none() -> None:
    cache = BoundedCache[int | None](4)
    made: list[str] = []

    def make(key: str) -> int | None:
        made.append(key)
        return None if key == "none" else len(key)

    for _ in range(3):
        assert cache.get_or_make("none", lambda: make("none")) is None
        assert cache.get_or_make("four", lambda: make("four")) == 4
    assert made == ["none", "four"]
    cache.clear()
    assert cache.get("four") is None and len(cache) == 0


def test_kept_in_makes_one_cache_per_name_and_keeps_it() -> None:
    extensions: dict[str, object] = {}
    first = kept_in(extensions, "pages", 3)
    assert kept_in(extensions, "pages", 99) is first and first.size == 3
    assert kept_in(extensions, "other", 2) is not first and set(extensions) == {"pages", "other"}
