"""Releases: frozen copies of the summary counts of one pool, the only counts figures are read from.

A figure read live from :class:`~benchmark.store.models.SummaryCount` changes the moment one
organisation submits, so reading it just before and just after gives that organisation away
(time differencing).  Figures read a *release* instead, cut only when enough organisations
changed and enough time passed since the previous one (:mod:`benchmark.store.summary.releases`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow


class SummaryRelease(Model):
    """One release of one pool's counts (its rows are :class:`ReleasedCount`)."""

    __tablename__ = "summary_release"
    __table_args__ = (sa.Index("ix_summary_release_pool", "is_synthetic", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    is_synthetic: Mapped[bool] = mapped_column()
    cut_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Organisations whose counted data changed since the previous release of the pool.
    organisations_changed: Mapped[int] = mapped_column()


class ReleasedCount(Model):
    """One count of a release, under the same key as a summary count."""

    __tablename__ = "released_count"

    release_id: Mapped[int] = mapped_column(sa.ForeignKey("summary_release.id", ondelete="CASCADE"), primary_key=True)
    is_synthetic: Mapped[bool] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    grouping: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    group_value: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    bucket: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger)


class ReleasePending(Model):
    """An organisation whose counted data changed since its pool's latest release (one row each)."""

    __tablename__ = "release_pending"

    is_synthetic: Mapped[bool] = mapped_column(primary_key=True)
    #: Not a foreign key: a deleted organisation still counts as changed.
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class SectorReportArchive(Model):
    """The sector report's figures as read from one release (issue 17): kept when the release itself is pruned.

    ``figures`` holds language-neutral ids and numbers (``benchmark.funder.sector.report.figures``);
    labels are put on when it is shown, so two releases compare in either language.
    """

    __tablename__ = "sector_report_archive"

    release_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    is_synthetic: Mapped[bool] = mapped_column()
    cut_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    archived_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
