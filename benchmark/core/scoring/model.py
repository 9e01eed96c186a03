"""The rubric and profile types (see :mod:`benchmark.core.scoring`). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from benchmark.core.text import Text


class ScoringError(ValueError):
    """Raised when a rubric file breaks a rule; the message names the entry (e.g. the indicator)."""


@dataclass(frozen=True)
class Dimension:
    """One of the four components of IRCC's definition of digital capacity."""

    id: str
    name: Text
    source_example: Text
    min_answered: int


@dataclass(frozen=True)
class Level:
    """A level band on the rounded integer score (``min`` and ``max`` inclusive)."""

    number: int
    min: int
    max: int
    name: Text
    description: Text

    def contains(self, score: int) -> bool:
        """Return True if ``score`` falls in this band."""
        return self.min <= score <= self.max


@dataclass(frozen=True)
class Indicator:
    """One scored indicator: points per option of one item (or of some rows of a matrix).

    :ivar rows: the matrix rows averaged by this indicator (empty for other items).
    :ivar max: the maximum points (per row for matrix indicators).
    :ivar item_type: the type of :attr:`item` in the questionnaire the rubric was validated against.
    """

    id: str
    dimension: str
    item: str
    item_type: str
    points: Mapping[str, int]
    max: int
    weight: int
    description: Text
    anchor: str
    rows: tuple[str, ...] = ()

    def answer_keys(self) -> tuple[str, ...]:
        """Return the answer keys this indicator reads (``q8.privacy`` … for matrix rows)."""
        if self.rows:
            return tuple(f"{self.item}.{row}" for row in self.rows)
        return (self.item,)


@dataclass(frozen=True)
class Rubric:
    """The whole rubric: dimensions in display order, indicators, level bands and settings."""

    version: str
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    levels: tuple[Level, ...]
    show_derived_2017_means: bool = False

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with ``dimension_id``.

        :raises KeyError: if there is none.
        """
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def dimension_ids(self) -> tuple[str, ...]:
        """Return the dimension ids in display order."""
        return tuple(d.id for d in self.dimensions)

    def indicators_of(self, dimension_id: str) -> tuple[Indicator, ...]:
        """Return the indicators of one dimension in file order."""
        return tuple(i for i in self.indicators if i.dimension == dimension_id)

    def level_for(self, score: int) -> Level:
        """Return the level band containing an integer score (0–100).

        :raises ValueError: if no band contains it.
        """
        for level in self.levels:
            if level.contains(score):
                return level
        raise ValueError(f"score {score} is outside every level band")

    def level(self, number: int) -> Level:
        """Return the level with ``number`` (1–4).

        :raises KeyError: if there is none.
        """
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)


@dataclass(frozen=True)
class IndicatorValue:
    """The value of one indicator for one set of answers.

    :ivar value: ``sᵢ`` in [0, 1] as an exact fraction, or None when missing.
    :ivar answered_rows: for matrix indicators, how many rows were answered.
    :ivar keys: the answer keys that contributed (answered, not ``dont_know``).
    """

    indicator: Indicator
    value: Fraction | None
    answered_rows: int = 0
    keys: tuple[str, ...] = ()

    @property
    def answered(self) -> bool:
        """True when the indicator is not missing."""
        return self.value is not None

    @property
    def percent(self) -> float | None:
        """The value on a 0–100 scale (unrounded), or None when missing."""
        return None if self.value is None else float(self.value * 100)


@dataclass(frozen=True)
class DimensionScore:
    """The score of one dimension.

    :ivar score: the rounded integer score 0–100, or None when coverage is insufficient.
    :ivar level: the level band of ``score``, or None when there is no score.
    :ivar answered: number of answered indicators.
    :ivar total: number of indicators of the dimension.
    :ivar coverage: ``answered / total`` (0.0–1.0).
    :ivar indicators: every indicator of the dimension, answered or not, in rubric order.
    """

    dimension: Dimension
    score: int | None
    level: Level | None
    answered: int
    total: int
    coverage: float
    indicators: list[IndicatorValue]

    @property
    def sufficient(self) -> bool:
        """True when enough indicators were answered to show a score."""
        return self.score is not None


@dataclass(frozen=True)
class Profile:
    """The four dimension scores of one assessment (no overall score, on purpose)."""

    rubric_version: str
    dimensions: tuple[DimensionScore, ...]

    def get(self, dimension_id: str) -> DimensionScore:
        """Return the score of one dimension.

        :raises KeyError: if the rubric has no such dimension.
        """
        for dimension_score in self.dimensions:
            if dimension_score.dimension.id == dimension_id:
                return dimension_score
        raise KeyError(dimension_id)

    def score(self, dimension_id: str) -> int | None:
        """Return the integer score of a dimension, or None when coverage is insufficient."""
        return self.get(dimension_id).score

    def level(self, dimension_id: str) -> Level | None:
        """Return the level of a dimension, or None when coverage is insufficient."""
        return self.get(dimension_id).level

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return a JSON-friendly summary: per dimension score, level number, answered, total."""
        return {
            ds.dimension.id: {
                "score": ds.score,
                "level": None if ds.level is None else ds.level.number,
                "answered": ds.answered,
                "total": ds.total,
            }
            for ds in self.dimensions
        }
