"""Read-only links for a board: one assessment's results and its organisation's plan, revocable.

A share is made for one submitted assessment (a later "take again" does not move it). Only the
SHA-256 of its token is stored, as for private links; the token itself is derived from the
assessment's private token and the share's random ``salt`` (:mod:`benchmark.store.shares`), so the
private page can show the link again while a copy of the database opens nothing. Shares go with
their assessment: ``ON DELETE CASCADE`` in the schema, and :mod:`benchmark.store.deletion` deletes
the rows explicitly.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow

#: The longest label a share may have ("Board, March meeting").
SHARE_LABEL_MAX = 80


class BoardShare(Model):
    """A read-only, revocable link to one assessment's results and its organisation's plan."""

    __tablename__ = "board_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the share token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Random; with the assessment's private token (never stored) it gives the share token back.
    salt: Mapped[str] = mapped_column(sa.String(32))
    label: Mapped[str] = mapped_column(sa.String(SHARE_LABEL_MAX))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    @property
    def is_revoked(self) -> bool:
        """True once the organisation revoked the link."""
        return self.revoked_at is not None
