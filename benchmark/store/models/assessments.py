"""Database models (SQLAlchemy 2, typed).

Answers are stored raw, one row per answer key (``q4``, ``q8.privacy``), so that a
page save is an upsert of that page's keys only: two tabs saving different pages
never overwrite each other.  Organisation facts used for grouping (size, funding,
age, role, provinces/territories) are copied from the answers into indexed
columns on :class:`Assessment` and into :class:`AssessmentRegion`, so that peer and
sector aggregates are plain indexed ``GROUP BY`` queries on SQLite and PostgreSQL
instead of JSON look-ups.  Which answer goes where is declared by the questionnaire
(``fact: {column: …}`` of items q22–q26; see :mod:`benchmark.store.facts`): a single
choice fact is a column of ``assessment``; a multiple choice fact is a table
``assessment_<column>`` with one row per selected option.  Component scores are stored
on submit in :class:`AssessmentScore`, one row per dimension of the rubric, for the same
reason; they can always be recomputed from the answers and ``rubric_version``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow


class Organisation(Model):
    """An anonymous anchor that links the successive assessments of one organisation.

    It holds no name: an organisation is known only through the private links of
    its assessments ("take again" and workshop joins reuse it).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: True for generated demo/benchmark data; never mixed silently with real submissions.
    is_synthetic: Mapped[bool] = mapped_column(default=False)

    assessments: Mapped[list[Assessment]] = relationship(back_populates="organisation")


class Assessment(Model):
    """One run through the questionnaire by one organisation: a draft, then a submission."""

    __table_args__ = (
        sa.Index("ix_assessment_pool", "status", "is_latest", "is_synthetic"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="ck_assessment_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: SHA-256 of the private link token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    questionnaire_version: Mapped[str] = mapped_column(sa.String(20))
    rubric_version: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    #: The page the respondent last saved or reached, restored on resume.
    current_page: Mapped[str] = mapped_column(sa.String(40))
    #: An optional private label ("Board review, spring") shown only through the link.
    label: Mapped[str | None] = mapped_column(sa.String(120))
    #: Incremented on every save (used to detect saves from another window).
    revision: Mapped[int] = mapped_column(default=0)
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessment.id"))
    #: The questionnaire pages of this assessment's flow (all pages when None; workshops may choose fewer).
    page_ids: Mapped[list[str] | None] = mapped_column(sa.JSON)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    #: True on the latest submitted assessment of its organisation (counts once in pools).
    is_latest: Mapped[bool] = mapped_column(default=False)
    #: Answered by a colleague through a team link (see :mod:`.teams`): never counted in any pool.
    is_colleague: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # Single choice organisation facts copied from the answers for cheap grouping: one column
    # per ``fact: {column: …}`` of the questionnaire (benchmark.store.facts checks at start).
    size_band: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    funding: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    age_band: Mapped[str | None] = mapped_column(sa.String(16))
    role: Mapped[str | None] = mapped_column(sa.String(16))
    francophone_minority: Mapped[str | None] = mapped_column(sa.String(16), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    regions: Mapped[list[AssessmentRegion]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    scores: Mapped[list[AssessmentScore]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_submitted(self) -> bool:
        """True once the assessment has been submitted (it can no longer change)."""
        return self.status == "submitted"

    def answer_map(self) -> dict[str, Any]:
        """Return the stored answers as ``{answer key: value}``."""
        return {answer.key: answer.value for answer in self.answers}


class Answer(Model):
    """One stored answer: an option id, a list of option ids, or an integer."""

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class AssessmentRegion(Model):
    """A province or territory where the organisation operates (q26 is multiple choice)."""

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(2), primary_key=True, index=True)


class AssessmentScore(Model):
    """One component score of a submission (0–100, None when coverage is too low), written on submit.

    One row per dimension of the rubric the submission was scored with, so a rubric with other
    dimensions needs no new column.
    """

    __tablename__ = "assessment_score"

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    score: Mapped[int | None] = mapped_column()


class SummaryCount(Model):
    """One count of assessments under one key, maintained on every change (see :mod:`benchmark.store.summary`)."""

    __tablename__ = "summary_count"

    is_synthetic: Mapped[bool] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    grouping: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    group_value: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    bucket: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def pool_is_synthetic() -> bool:
    """True when this deployment shows synthetic data (demonstrations, benchmarks) instead of real data.

    Real and synthetic submissions are never pooled: a deployment counts one kind or the
    other (``DATA_POOL``), and every page says so when it counts synthetic data.
    """
    return current_app.config.get("DATA_POOL") == "synthetic"


def in_pool() -> sa.ColumnElement[bool]:
    """The condition selecting the assessments this deployment counts in aggregates."""
    return Assessment.is_synthetic.is_(pool_is_synthetic())
