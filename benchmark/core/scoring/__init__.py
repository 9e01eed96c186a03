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

* :mod:`.model` — :class:`Rubric`, :class:`Profile` and the other result types
* :mod:`.compute` — :func:`score`, :func:`indicator_value`, :func:`round_half_up`
* :mod:`.loader` — :func:`load_rubric`, :func:`parse_rubric`

This package is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from benchmark.core.scoring.compute import indicator_value, round_half_up, score, score_dimension
from benchmark.core.scoring.loader import default_rubric_path, load_rubric, parse_rubric
from benchmark.core.scoring.model import (
    Dimension,
    DimensionScore,
    Indicator,
    IndicatorValue,
    Level,
    Profile,
    Rubric,
    ScoringError,
)

__all__ = [
    "Dimension",
    "DimensionScore",
    "Indicator",
    "IndicatorValue",
    "Level",
    "Profile",
    "Rubric",
    "ScoringError",
    "default_rubric_path",
    "indicator_value",
    "load_rubric",
    "parse_rubric",
    "round_half_up",
    "score",
    "score_dimension",
]
