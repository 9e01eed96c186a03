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
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from benchmark.store.assessments import TOKEN_PATTERN, hash_token
from benchmark.store.models import (
    ActionPlanStep,
    Assessment,
    BoardShare,
    ImportedBaseline,
    Participation,
    SummaryRelease,
    Workshop,
)
from benchmark.store.plain import PlainStatement

#: Tables whose rows a results page reads but which cannot change after submission (or are released).
FIXED_ONCE_SUBMITTED = frozenset(
    {"answer", "assessment_score", "assessment_region", "organisation", "released_count", "summary_count"}
)

_WIDTH = 5  # columns per row after the row's kind

# Table columns, not ORM attributes: the statements run on a plain connection, with no ORM step.
_assessment = Assessment.__table__.c
_participation = Participation.__table__.c
_workshop = Workshop.__table__.c
_share = BoardShare.__table__.c
_step = ActionPlanStep.__table__.c
_baseline = ImportedBaseline.__table__.c
_release = SummaryRelease.__table__.c


def _row(kind: str, *columns: Any) -> list[Any]:
    padded = [*columns, *[sa.null()] * (_WIDTH - len(columns))]
    return [sa.literal(kind, sa.String), *(sa.cast(column, sa.String) for column in padded)]


#: The assessment a private token opens, by the token's hash: its id, organisation and status.
_FOUND = (
    sa.select(_assessment.id, _assessment.organisation_id, _assessment.status)
    .where(_assessment.token_hash == sa.bindparam("token_hash", type_=sa.String))
    .cte("found")
)
_ASSESSMENT = sa.select(_FOUND.c.id).scalar_subquery()
_ORGANISATION = sa.select(_FOUND.c.organisation_id).scalar_subquery()

#: Built once per process and compiled once per dialect; one read, on the driver's cursor (store/plain.py).
RESULTS_PAGE_STATE = sa.union_all(
    # The assessment itself (no row: no such token).
    sa.select(*_row("found", _FOUND.c.id, _FOUND.c.organisation_id, _FOUND.c.status)),
    # The organisation's submissions and drafts: history, "a newer one exists", the 90-day check.
    sa.select(
        *_row(
            "assessment",
            _assessment.id,
            _assessment.status,
            _assessment.label,
            _assessment.updated_at,
            _assessment.submitted_at,
        )
    ).where(_assessment.organisation_id == _ORGANISATION),
    # Workshops the assessment takes part in: consent, name, workshop title and status.
    sa.select(
        *_row(
            "participation",
            _participation.id,
            _participation.share_individual,
            _participation.display_name,
            _workshop.title,
            _workshop.status,
        )
    )
    .join_from(Participation.__table__, Workshop.__table__, _workshop.id == _participation.workshop_id)
    .where(_participation.assessment_id == _ASSESSMENT),
    # Board links: made, labelled, revoked.
    sa.select(*_row("share", _share.id, _share.label, _share.salt, _share.created_at, _share.revoked_at)).where(
        _share.assessment_id == _ASSESSMENT
    ),
    # The action plan (the page's reminder of the 90-day check).
    sa.select(*_row("step", _step.id, _step.updated_at, _step.status, _step.due_on, _step.owner)).where(
        _step.organisation_id == _ORGANISATION
    ),
    # Imported baselines offered for comparison.
    sa.select(*_row("baseline", _baseline.id, _baseline.published, _baseline.version, _baseline.name)),
    # The newest release of the summary counts (peer figures come from it).
    sa.select(*_row("release", sa.func.max(_release.id))),
)
_READ = PlainStatement(RESULTS_PAGE_STATE)

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


@dataclass(frozen=True)
class ResultsPage:
    """What the results page needs before it can be served kept: who, whether submitted, and the fingerprint."""

    assessment_id: int
    organisation_id: int
    submitted: bool
    state: str


def results_page(token: str) -> ResultsPage | None:
    """The assessment a private token opens and its page's fingerprint (one statement, no ORM), or None."""
    if not TOKEN_PATTERN.match(token):
        return None
    read = _READ.rows(token_hash=hash_token(token))
    rows = sorted(tuple("" if value is None else value for value in row) for row in read)
    found = next((row for row in rows if row[0] == "found"), None)
    if found is None:
        return None
    state = hashlib.blake2b(repr(rows).encode("utf-8"), digest_size=16).hexdigest()
    return ResultsPage(int(found[1]), int(found[2]), found[3] == "submitted", state)
