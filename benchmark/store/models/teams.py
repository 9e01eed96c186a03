"""Several respondents per organisation: a team link and the colleagues who answered through it.

Each respondent keeps their own line of assessments (their own :class:`Organisation` anchor, so
their history, "take again" and private links are theirs alone).  The *team organisation* is the
anchor of the respondent who made the team link; a colleague's anchor is a :class:`TeamMember`
of its :class:`Team`.  Colleagues' assessments are marked ``Assessment.is_colleague`` and never
count in peer, sector or workshop pools: the team organisation's own submission stands for it
there, so the organisation counts once.  Only the SHA-256 of the team link's token is stored.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow


class Team(Model):
    """The team of one organisation: its (revocable, replaceable) link for colleagues."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team organisation: the anchor of the respondent who made the link (one team each).
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    #: SHA-256 of the current link's token; None once revoked (members stay).
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class TeamMember(Model):
    """A colleague's own anchor, answering for the team's organisation."""

    __tablename__ = "team_member"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
