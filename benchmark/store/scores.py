"""Scores with the app's rubric: the profile of a set of answers, and the scores stored on submit.

A submission's component scores are rows of ``assessment_score`` (one per dimension of the
rubric, the score None when coverage is too low), so the dimensions come from ``scoring.yaml``
and nowhere else.  :func:`scores_of` reads them for many assessments in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from benchmark.core import scoring
from benchmark.extensions import db
from benchmark.store.content import content
from benchmark.store.models import AssessmentScore


def dimensions() -> tuple[str, ...]:
    """The dimension ids of the app's rubric, in display order."""
    return content().rubric.dimension_ids()


def profile_of(answers: dict[str, Any]) -> scoring.Profile:
    """Score a set of answers with the app's rubric."""
    return scoring.score(answers, content().rubric)


def stored_scores(profile: scoring.Profile) -> dict[str, int | None]:
    """Return the per-dimension scores to store on submit."""
    return {dimension_id: profile.score(dimension_id) for dimension_id in dimensions()}


def write_scores(assessment_id: int, scores: Mapping[str, int | None]) -> None:
    """Store a submission's scores: one row per dimension of the rubric (None where none is given).

    :raises ValueError: for a dimension the rubric does not have.
    """
    known = dimensions()
    unknown = sorted(set(scores) - set(known))
    if unknown:
        raise ValueError(f"not a dimension of the rubric: {', '.join(unknown)}")
    db.session.execute(
        sa.insert(AssessmentScore),
        [{"assessment_id": assessment_id, "dimension": d, "score": scores.get(d)} for d in known],
    )


def scores_of(assessment_ids: Iterable[int], session: Any = None) -> dict[int, dict[str, int | None]]:
    """``{assessment id: {dimension: score}}`` of some assessments (one query).

    Every asked id is in the result, with every dimension of the rubric (None where no score is
    stored: a draft, or a dimension the assessment was not scored on).
    """
    session = session or db.session
    ids = sorted(set(assessment_ids))
    result: dict[int, dict[str, int | None]] = {i: dict.fromkeys(dimensions()) for i in ids}
    if ids:
        query = sa.select(AssessmentScore.assessment_id, AssessmentScore.dimension, AssessmentScore.score).where(
            AssessmentScore.assessment_id.in_(ids)
        )
        for assessment_id, dimension, score in session.execute(query):
            result[assessment_id][dimension] = score
    return result
