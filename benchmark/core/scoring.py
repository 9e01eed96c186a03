"""The four-dimension digital-capacity profile: rubric loading and scoring.

The rubric (``benchmark/core/data/scoring.yaml``; design §3.2–3.4) defines four
dimensions (SK Skills and training, IN Infrastructure, AP Applications,
PR Processes), the indicators that feed them and four equal-width level bands.

How a profile is computed (design §3.3):

* Each indicator *i* has points per option and a fixed maximum *mᵢ*; its value
  is ``sᵢ = points / mᵢ`` in [0, 1]. Options without points score 0.
* A skipped answer (absent key) or ``dont_know`` makes the indicator *missing*.
  ``none`` ("no digital tool for this task") scores 0 and counts as answered.
* A matrix indicator averages its answered rows (skipped/``dont_know`` rows are
  dropped); it is missing when no row is left.
* ``score_D = round_half_up(100 × Σ wᵢ·sᵢ / Σ wᵢ)`` over the answered
  indicators of D (all weights are 1 in v1, so this is the plain mean).
  Arithmetic is exact (fractions), so a half is always rounded up.
* ``coverage = answered / total``. Below the dimension's ``min_answered`` the
  dimension has no score and no level ("Not enough answers").
* The level is the band that contains the rounded integer score, so the shown
  number and level never disagree.

There is deliberately no overall score (design §1.8).

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from benchmark.core._shape import Shape
from benchmark.core.questionnaire import MISSING_OPTION_IDS, Item, Questionnaire, Text


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
    k_min_group: int
    k_min_cell: int
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


# --------------------------------------------------------------------------- scoring


def round_half_up(value: Fraction) -> int:
    """Round a non-negative fraction to the nearest integer, halves upwards (0.5 → 1, 40.5 → 41)."""
    return int((value * 2 + 1) // 2)


def indicator_value(indicator: Indicator, answers: Mapping[str, object]) -> IndicatorValue:
    """Compute one indicator from stored answers (see the module docstring for the rules).

    Answers are expected to be valid for the questionnaire (see
    :func:`benchmark.core.questionnaire.clean_answers`); a value of the wrong
    shape is treated as missing, never as an error.
    """
    if indicator.item_type == "matrix":
        total = 0
        keys = []
        for key in indicator.answer_keys():
            raw = answers.get(key)
            if not isinstance(raw, str) or raw in MISSING_OPTION_IDS:
                continue
            total += indicator.points.get(raw, 0)
            keys.append(key)
        if not keys:
            return IndicatorValue(indicator, None)
        return IndicatorValue(indicator, Fraction(total, indicator.max * len(keys)), len(keys), tuple(keys))
    raw = answers.get(indicator.item)
    if indicator.item_type == "multi":
        if not isinstance(raw, list) or not raw or any(not isinstance(v, str) for v in raw):
            return IndicatorValue(indicator, None)
        selected = set(cast(list[str], raw))
        if selected & MISSING_OPTION_IDS:
            return IndicatorValue(indicator, None)
        points = sum(indicator.points.get(option_id, 0) for option_id in selected)
        return IndicatorValue(indicator, Fraction(points, indicator.max), keys=(indicator.item,))
    if not isinstance(raw, str) or raw in MISSING_OPTION_IDS:
        return IndicatorValue(indicator, None)
    return IndicatorValue(indicator, Fraction(indicator.points.get(raw, 0), indicator.max), keys=(indicator.item,))


def score_dimension(dimension: Dimension, rubric: Rubric, answers: Mapping[str, object]) -> DimensionScore:
    """Compute one dimension's score, level and coverage from stored answers."""
    values = [indicator_value(indicator, answers) for indicator in rubric.indicators_of(dimension.id)]
    answered = [v for v in values if v.value is not None]
    total = len(values)
    coverage = len(answered) / total if total else 0.0
    if len(answered) < dimension.min_answered or not answered:
        return DimensionScore(dimension, None, None, len(answered), total, coverage, values)
    weights = sum(v.indicator.weight for v in answered)
    mean = sum((v.indicator.weight * cast(Fraction, v.value) for v in answered), Fraction(0)) / weights
    score = round_half_up(100 * mean)
    return DimensionScore(dimension, score, rubric.level_for(score), len(answered), total, coverage, values)


def score(answers: Mapping[str, object], rubric: Rubric) -> Profile:
    """Compute the four-dimension profile of one assessment.

    :param answers: stored answers keyed by answer key (``q4``, ``q8.privacy`` …);
        a skipped item is an absent key.
    :param rubric: a rubric from :func:`load_rubric` (validated against the questionnaire).
    :return: a :class:`Profile` with one :class:`DimensionScore` per dimension, in rubric order.
    """
    return Profile(
        rubric_version=rubric.version,
        dimensions=tuple(score_dimension(d, rubric, answers) for d in rubric.dimensions),
    )


# --------------------------------------------------------------------------- loading


def default_rubric_path() -> Path:
    """Return the path of the packaged rubric."""
    return Path(str(resources.files("benchmark.core") / "data" / "scoring.yaml"))


def load_rubric(questionnaire: Questionnaire, path: Path | None = None) -> Rubric:
    """Read a rubric YAML file and validate it against ``questionnaire``.

    :param questionnaire: the questionnaire whose items, rows and options the rubric uses.
    :param path: the YAML file; the packaged ``scoring.yaml`` by default.
    :raises ScoringError: naming the first entry (e.g. ``indicator SK1``) that breaks a rule.
    """
    source = path or default_rubric_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScoringError(f"{source}: cannot read rubric: {error}") from error
    return parse_rubric(raw, questionnaire)


def parse_rubric(raw: object, questionnaire: Questionnaire) -> Rubric:
    """Build a :class:`Rubric` from parsed YAML, validating every rule.

    Checks: unique dimension and indicator ids; each indicator's dimension exists,
    its item exists and is a single, multi or matrix item; matrix indicators name
    existing rows (and only matrix indicators have rows); every points key is an
    option of the item and not "I don't know"; points are non-negative integers;
    ``max`` equals the sum of points (multi) or the largest points (single,
    matrix); ``1 ≤ min_answered ≤`` the number of indicators of the dimension;
    level bands are contiguous from 0 to 100.

    :raises ScoringError: naming the first entry that breaks a rule.
    """
    data = _mapping(raw, "rubric")
    version = data.get("rubric_version")
    if not isinstance(version, str) or not version:
        raise ScoringError("rubric_version is missing")
    dimensions = tuple(_parse_dimension(d) for d in _list(data.get("dimensions"), "dimensions"))
    _unique([d.id for d in dimensions], "dimension")
    dimension_ids = {d.id for d in dimensions}
    indicators = tuple(
        _parse_indicator(i, questionnaire, dimension_ids) for i in _list(data.get("indicators"), "indicators")
    )
    _unique([i.id for i in indicators], "indicator")
    for dimension in dimensions:
        count = sum(1 for i in indicators if i.dimension == dimension.id)
        if not 1 <= dimension.min_answered <= count:
            raise ScoringError(
                f"dimension {dimension.id}: min_answered {dimension.min_answered} must be between 1 and {count}"
            )
    levels = _parse_levels(data.get("levels"))
    return Rubric(
        version=version,
        dimensions=dimensions,
        indicators=indicators,
        levels=levels,
        k_min_group=_positive_int(data.get("k_min_group"), "k_min_group"),
        k_min_cell=_positive_int(data.get("k_min_cell", 5), "k_min_cell"),
        show_derived_2017_means=bool(data.get("show_derived_2017_means", False)),
    )


def _parse_dimension(raw: object) -> Dimension:
    data = _mapping(raw, "dimension")
    dimension_id = data.get("id")
    if not isinstance(dimension_id, str) or not dimension_id:
        raise ScoringError(f"dimension {dimension_id!r}: id must be a non-empty string")
    where = f"dimension {dimension_id}"
    return Dimension(
        id=dimension_id,
        name=_text(data.get("name"), f"{where}: name"),
        source_example=_text(data.get("source_example"), f"{where}: source_example"),
        min_answered=_positive_int(data.get("min_answered"), f"{where}: min_answered"),
    )


def _parse_indicator(raw: object, questionnaire: Questionnaire, dimension_ids: set[str]) -> Indicator:
    data = _mapping(raw, "indicator")
    indicator_id = data.get("id")
    if not isinstance(indicator_id, str) or not indicator_id:
        raise ScoringError(f"indicator {indicator_id!r}: id must be a non-empty string")
    where = f"indicator {indicator_id}"
    dimension = data.get("dimension")
    if dimension not in dimension_ids:
        raise ScoringError(f"{where}: unknown dimension {dimension!r}")
    item_id = data.get("item")
    item = questionnaire.items.get(item_id) if isinstance(item_id, str) else None
    if item is None:
        raise ScoringError(f"{where}: unknown item {item_id!r}")
    if item.type == "scale_0_10":
        raise ScoringError(f"{where}: item {item.id} is a 0–10 scale, which the rubric cannot score")
    rows = _indicator_rows(data.get("rows"), item, where)
    points = _indicator_points(data.get("points"), item, where)
    maximum = _positive_int(data.get("max"), f"{where}: max")
    expected = sum(points.values()) if item.type == "multi" else max(points.values())
    if maximum != expected:
        raise ScoringError(f"{where}: max is {maximum} but the points allow {expected}")
    description = _text(data.get("description"), f"{where}: description")
    anchor = data.get("anchor")
    if not isinstance(anchor, str) or not anchor.strip():
        raise ScoringError(f"{where}: anchor is missing")
    return Indicator(
        id=indicator_id,
        dimension=cast(str, dimension),
        item=item.id,
        item_type=item.type,
        points=points,
        max=maximum,
        weight=_positive_int(data.get("weight", 1), f"{where}: weight"),
        description=description,
        anchor=anchor,
        rows=rows,
    )


def _indicator_rows(raw: object, item: Item, where: str) -> tuple[str, ...]:
    if item.type != "matrix":
        if raw:
            raise ScoringError(f"{where}: rows given but item {item.id} is not a matrix")
        return ()
    if raw is None:
        raise ScoringError(f"{where}: item {item.id} is a matrix; list the rows this indicator averages")
    rows = _list(raw, f"{where}: rows")
    if not rows:
        raise ScoringError(f"{where}: a matrix indicator needs at least one row of {item.id}")
    known = {row.id for row in item.rows}
    for row in rows:
        if row not in known:
            raise ScoringError(f"{where}: unknown row {row!r} of item {item.id}")
    if len(set(rows)) != len(rows):
        raise ScoringError(f"{where}: a row is listed twice")
    return tuple(cast(list[str], rows))


def _indicator_points(raw: object, item: Item, where: str) -> dict[str, int]:
    points = _mapping(raw, f"{where}: points")
    if not points:
        raise ScoringError(f"{where}: points are empty")
    result: dict[str, int] = {}
    for option_id, value in points.items():
        if not isinstance(option_id, str):
            raise ScoringError(f"{where}: option id {option_id!r} must be a string (quote it in YAML)")
        option = item.option(option_id)
        if option is None:
            raise ScoringError(f"{where}: unknown option {option_id!r} of item {item.id}")
        if option.missing:
            raise ScoringError(f"{where}: option {option_id!r} counts as missing and cannot score")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScoringError(f"{where}: points of {option_id!r} must be a non-negative integer")
        result[option_id] = value
    if max(result.values()) == 0:
        raise ScoringError(f"{where}: at least one option must score points")
    return result


def _parse_levels(raw: object) -> tuple[Level, ...]:
    levels = []
    for entry in _list(raw, "levels"):
        data = _mapping(entry, "level")
        number = _positive_int(data.get("level"), "level: level")
        where = f"level {number}"
        low, high = data.get("min"), data.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool) or low > high:
            raise ScoringError(f"{where}: min and max must be integers with min <= max")
        levels.append(
            Level(
                number=number,
                min=low,
                max=high,
                name=_text(data.get("name"), f"{where}: name"),
                description=_text(data.get("description"), f"{where}: description"),
            )
        )
    if not levels:
        raise ScoringError("levels: at least one level band is needed")
    levels.sort(key=lambda level: level.min)
    expected = 0
    for index, level in enumerate(levels, start=1):
        if level.number != index:
            raise ScoringError(f"level {level.number}: levels must be numbered 1, 2, … in score order")
        if level.min != expected:
            raise ScoringError(f"level {level.number}: starts at {level.min}, expected {expected} (gap or overlap)")
        expected = level.max + 1
    if expected != 101:
        raise ScoringError("levels: the bands must end at 100")
    return tuple(levels)


# --------------------------------------------------------------------------- helpers

_shape = Shape(ScoringError)
_mapping = _shape.mapping
_list = _shape.sequence
_text = _shape.text
_unique = _shape.unique


def _positive_int(raw: object, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ScoringError(f"{where}: expected a positive integer")
    return raw
