"""Computing a profile from stored answers (the rules are in :mod:`benchmark.core.scoring`). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import cast

from benchmark.core import item_types
from benchmark.core.item_types import MISSING_OPTION_IDS
from benchmark.core.scoring.model import Dimension, DimensionScore, Indicator, IndicatorValue, Profile, Rubric


def round_half_up(value: Fraction) -> int:
    """Round a non-negative fraction to the nearest integer, halves upwards (0.5 → 1, 40.5 → 41)."""
    return int((value * 2 + 1) // 2)


def indicator_value(indicator: Indicator, answers: Mapping[str, object]) -> IndicatorValue:
    """Compute one indicator from stored answers (see the module docstring for the rules).

    The option ids an answer selects come from its item type
    (:meth:`benchmark.core.item_types.ItemKind.selection`); a matrix indicator averages its
    answered rows.  Answers are expected to be valid for the questionnaire (see
    :func:`benchmark.core.questionnaire.clean_answers`); a value of the wrong
    shape is treated as missing, never as an error.
    """
    kind = item_types.get(indicator.item_type)
    total = 0
    keys = []
    for key in indicator.answer_keys():
        selected = kind.selection(answers.get(key))
        if selected is None or selected & MISSING_OPTION_IDS:
            continue
        total += sum(indicator.points.get(option_id, 0) for option_id in selected)
        keys.append(key)
    if not keys:
        return IndicatorValue(indicator, None)
    answered_rows = len(keys) if indicator.rows else 0
    return IndicatorValue(indicator, Fraction(total, indicator.max * len(keys)), answered_rows, tuple(keys))


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
