"""Scores with the app's rubric: the profile of a set of answers, and the scores stored on submit."""

from __future__ import annotations

from typing import Any

from benchmark.core import scoring
from benchmark.store.aggregates import SCORE_COLUMNS
from benchmark.store.content import content


def profile_of(answers: dict[str, Any]) -> scoring.Profile:
    """Score a set of answers with the app's rubric."""
    return scoring.score(answers, content().rubric)


def stored_scores(profile: scoring.Profile) -> dict[str, int | None]:
    """Return the per-dimension scores to store on submit."""
    return {dimension_id: profile.score(dimension_id) for dimension_id in SCORE_COLUMNS}
