"""An organisation's workshop participations, as its private link sees them (consent to be seen)."""

from __future__ import annotations

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import Assessment, Participation


def participations_of(assessment: Assessment) -> list[Participation]:
    """Return the workshops an assessment was answered in."""
    return list(db.session.scalars(sa.select(Participation).where(Participation.assessment_id == assessment.id)))


def set_consent(participation: Participation, share: bool, name: str | None = None) -> None:
    """Give consent (with the name or pseudonym the facilitator sees) or withdraw it (the name goes too)."""
    participation.share_individual = share
    participation.display_name = ((name or "").strip() or None) if share else None
    db.session.commit()
