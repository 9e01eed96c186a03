"""An organisation's workshop participations, as its private link sees them (consent to be seen)."""

from __future__ import annotations

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import Assessment, Participation


def participations_of(assessment: Assessment) -> list[Participation]:
    """Return the workshops an assessment was answered in."""
    return list(db.session.scalars(sa.select(Participation).where(Participation.assessment_id == assessment.id)))


def set_consent(participation: Participation, share: bool) -> None:
    """Give or withdraw consent for the facilitator to see this organisation's individual results."""
    participation.share_individual = share
    db.session.commit()
