"""Time helpers shared by the models: aware UTC datetimes on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """Return ``moment`` as an aware UTC datetime (SQLite hands back naive values)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
