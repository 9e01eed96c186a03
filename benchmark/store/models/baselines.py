"""Imported baselines: the full 2017 data or a later survey, loaded by their owners."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow


class ImportedBaseline(Model):
    """A named, versioned baseline with provenance; the published 2017 figures stay the default.

    ``figures`` holds ``{item: {"n": n, "options": {option: {"count": c, "pct": p}}}}`` and, for
    respondent-level imports, ``distributions`` holds ``{dimension: {score: count}}``.
    """

    __table_args__ = (sa.UniqueConstraint("name", "version", name="uq_baseline_name_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(sa.String(24))
    source: Mapped[str] = mapped_column(sa.String(400))
    year: Mapped[int | None] = mapped_column()
    respondents: Mapped[int | None] = mapped_column()
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    distributions: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
