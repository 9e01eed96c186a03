"""What a submitted assessment's results page shows that can still change, read in one statement.

The results page is kept rendered (:mod:`benchmark.web.page_cache`) under a fingerprint of these
rows; any change to one of them gives a new fingerprint, so a kept page is never served stale.
What is not here cannot change once an assessment is submitted (its answers, scores, regions and
facts: :func:`benchmark.store.assessments.save_answers` refuses a submitted assessment) or is
read through a release, whose id is here (peer figures).  ``tests/web/test_results_page_cache.py``
records every table a full render reads and fails if one is neither here nor in
:data:`FIXED_ONCE_SUBMITTED`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import (
    ActionPlanStep,
    Assessment,
    BoardShare,
    ImportedBaseline,
    Participation,
    SummaryRelease,
    Workshop,
)

#: Tables whose rows a results page reads but which cannot change after submission (or are released).
FIXED_ONCE_SUBMITTED = frozenset(
    {"answer", "assessment_score", "assessment_region", "organisation", "released_count", "summary_count"}
)

_ASSESSMENT = sa.bindparam("assessment_id", type_=sa.Integer)
_ORGANISATION = sa.bindparam("organisation_id", type_=sa.Integer)
_WIDTH = 5  # columns per row after the row's kind


def _row(kind: str, *columns: Any) -> list[Any]:
    padded = [*columns, *[sa.null()] * (_WIDTH - len(columns))]
    return [sa.literal(kind, sa.String), *(sa.cast(column, sa.String) for column in padded)]


#: Built once per process; SQLAlchemy compiles it once and reuses the compiled form.
RESULTS_PAGE_STATE = sa.union_all(
    # The organisation's submissions and drafts: history, "a newer one exists", the 90-day check.
    sa.select(
        *_row(
            "assessment",
            Assessment.id,
            Assessment.status,
            Assessment.label,
            Assessment.updated_at,
            Assessment.submitted_at,
        )
    ).where(Assessment.organisation_id == _ORGANISATION),
    # Workshops the assessment takes part in: consent, name, workshop title and status.
    sa.select(
        *_row(
            "participation",
            Participation.id,
            Participation.share_individual,
            Participation.display_name,
            Workshop.title,
            Workshop.status,
        )
    )
    .join(Workshop, Workshop.id == Participation.workshop_id)
    .where(Participation.assessment_id == _ASSESSMENT),
    # Board links: made, labelled, revoked.
    sa.select(
        *_row("share", BoardShare.id, BoardShare.label, BoardShare.salt, BoardShare.created_at, BoardShare.revoked_at)
    ).where(BoardShare.assessment_id == _ASSESSMENT),
    # The action plan (the page's reminder of the 90-day check).
    sa.select(
        *_row(
            "step",
            ActionPlanStep.id,
            ActionPlanStep.updated_at,
            ActionPlanStep.status,
            ActionPlanStep.due_on,
            ActionPlanStep.owner,
        )
    ).where(ActionPlanStep.organisation_id == _ORGANISATION),
    # Imported baselines offered for comparison.
    sa.select(
        *_row(
            "baseline", ImportedBaseline.id, ImportedBaseline.published, ImportedBaseline.version, ImportedBaseline.name
        )
    ),
    # The newest release of the summary counts (peer figures come from it).
    sa.select(*_row("release", sa.func.max(SummaryRelease.id))),
)

#: The tables RESULTS_PAGE_STATE reads.
READ_TABLES = frozenset(
    {
        "assessment",
        "participation",
        "workshop",
        "board_share",
        "action_plan_step",
        "imported_baseline",
        "summary_release",
    }
)


def results_page_state(assessment_id: int, organisation_id: int) -> str:
    """A fingerprint of everything on ``assessment_id``'s results page that can change (one statement)."""
    rows = db.session.execute(RESULTS_PAGE_STATE, {"assessment_id": assessment_id, "organisation_id": organisation_id})
    ordered = sorted(tuple("" if value is None else value for value in row) for row in rows)
    return hashlib.blake2b(repr(ordered).encode("utf-8"), digest_size=16).hexdigest()
