"""Imported baselines (``flask baseline import``): list them, and offer one for comparison or withdraw it."""

from __future__ import annotations

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import ImportedBaseline


def all_baselines() -> list[ImportedBaseline]:
    """Every imported baseline, published or not, by name then version."""
    return list(
        db.session.scalars(sa.select(ImportedBaseline).order_by(ImportedBaseline.name, ImportedBaseline.version))
    )


def get_baseline(baseline_id: int) -> ImportedBaseline | None:
    """The imported baseline with this id, or None."""
    return db.session.get(ImportedBaseline, baseline_id)


def toggle_published(baseline: ImportedBaseline) -> None:
    """Offer the baseline for comparison (results pages, API), or withdraw it."""
    baseline.published = not baseline.published
    db.session.commit()
