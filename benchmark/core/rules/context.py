"""What conditions are evaluated against (:class:`Context`) and what they return (:class:`Match`). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from benchmark.core.item_types import MISSING_OPTION_IDS
from benchmark.core.scoring import Profile


@dataclass(frozen=True)
class Bound:
    """What a counting leaf marked ``bind: true`` found: fills ``{k}`` and ``{tools}``."""

    count: int
    options: tuple[str, ...]
    item: str


@dataclass(frozen=True)
class Match:
    """Evidence that a condition holds: the answer keys it read and any bound count."""

    keys: tuple[str, ...] = ()
    bound: Bound | None = None

    def merge(self, other: Match) -> Match:
        """Return the union of two matches (keys in order, the first bound value wins)."""
        keys = self.keys + tuple(k for k in other.keys if k not in self.keys)
        return Match(keys, self.bound or other.bound)


@dataclass(frozen=True)
class Context:
    """What conditions are evaluated against: stored answers and the computed profile."""

    answers: Mapping[str, object]
    profile: Profile | None


def selected_ids(raw: object) -> list[str] | None:
    """Return a multi answer as a list of ids, or None when it is not an answered multi."""
    if isinstance(raw, list) and raw and all(isinstance(v, str) for v in raw):
        return cast(list[str], raw)
    return None


def is_answered(raw: object) -> bool:
    """True when a stored answer is present and not "I don't know"."""
    if raw is None:
        return False
    if isinstance(raw, list):
        selection = selected_ids(raw)
        return selection is not None and not set(selection) & MISSING_OPTION_IDS
    if isinstance(raw, str):
        return raw not in MISSING_OPTION_IDS
    return isinstance(raw, int) and not isinstance(raw, bool)
