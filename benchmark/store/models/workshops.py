"""Workshop models: a facilitated cohort and each organisation's participation in it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmark.extensions import Model
from benchmark.store.models.assessments import Assessment
from benchmark.store.models.clock import utcnow


class Workshop(Model):
    """A facilitated session: a cohort of organisations joins with a short code."""

    __table_args__ = (sa.CheckConstraint("status IN ('open', 'closed')", name="ck_workshop_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    #: "en", "fr", or "bi" (bilingual: each participant chooses on joining).
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    #: The questionnaire pages participants answer (all pages when None).
    page_ids: Mapped[list[str] | None] = mapped_column(sa.JSON)
    #: Six characters from an unambiguous alphabet (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    #: The earlier workshop of a before/after series.
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Changes to what the live view shows of the cohort, counted by the database's triggers
    #: (migration 0017): the live poll's version, so a poll reads one row, not every participation.
    cohort_changes: Mapped[int] = mapped_column(default=0, server_default="0")

    participations: Mapped[list[Participation]] = relationship(back_populates="workshop")


class Participation(Model):
    """One organisation's assessment in one workshop, with its consent to individual visibility."""

    __table_args__ = (sa.UniqueConstraint("workshop_id", "assessment_id", name="uq_participation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    #: Whether the facilitator may see this organisation's individual results (default: aggregate only).
    share_individual: Mapped[bool] = mapped_column(default=False)
    #: The name or pseudonym a consenting participant gives; only the facilitator sees it (None without consent).
    display_name: Mapped[str | None] = mapped_column(sa.String(60))
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="participations")
    assessment: Mapped[Assessment] = relationship()
