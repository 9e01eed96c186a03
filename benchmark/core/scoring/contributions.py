"""Which answers moved a dimension's score between two sets of answers. Pure Python.

Each answer key an indicator reads (an item, or a row of a matrix) gives the indicator some
points: the points of the options it selects under the rubric, or nothing at all when the key
is missing (skipped or ``dont_know``), which takes it out of the indicator's mean.  An answer
*moved* a dimension's score when the points it gives one of the dimension's indicators differ
between the two sets of answers (a change of wording that scores the same points moved nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from benchmark.core import item_types
from benchmark.core.item_types import MISSING_OPTION_IDS
from benchmark.core.scoring.model import Indicator, Rubric


@dataclass(frozen=True)
class KeyPoints:
    """The points one answer key gives one indicator (None when the key is missing: skipped or ``dont_know``)."""

    indicator: Indicator
    key: str
    points: int | None


@dataclass(frozen=True)
class MovedKey:
    """An answer key whose points for an indicator changed: ``before`` and ``after`` (None = not counted)."""

    indicator: Indicator
    key: str
    before: int | None
    after: int | None

    @property
    def max(self) -> int:
        """The most points the key can give its indicator."""
        return self.indicator.max


def key_points(rubric: Rubric, dimension_id: str, answers: Mapping[str, object]) -> list[KeyPoints]:
    """The points each answer key gives each indicator of one dimension, in rubric order."""
    result = []
    for indicator in rubric.indicators_of(dimension_id):
        kind = item_types.get(indicator.item_type)
        for key in indicator.answer_keys():
            selected = kind.selection(answers.get(key))
            if selected is None or selected & MISSING_OPTION_IDS:
                result.append(KeyPoints(indicator, key, None))
            else:
                result.append(KeyPoints(indicator, key, sum(indicator.points.get(o, 0) for o in selected)))
    return result


def moved_keys(
    rubric: Rubric, dimension_id: str, before: Mapping[str, object], after: Mapping[str, object]
) -> list[MovedKey]:
    """The answer keys whose points for one of the dimension's indicators changed, in rubric order."""
    then = key_points(rubric, dimension_id, before)
    now = key_points(rubric, dimension_id, after)
    return [
        MovedKey(old.indicator, old.key, old.points, new.points)
        for old, new in zip(then, now, strict=True)
        if old.points != new.points
    ]
