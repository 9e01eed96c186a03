"""Releases: the figures are read from frozen copies of the counts, cut by rule, never from live counts.

Why: every figure used to follow the live counts, so reading the public figures just before and
just after one organisation submits (or deletes its submission) gave away its province, size,
funding, levels and answers by subtraction (*time differencing*).  A figure now reads the latest
*release* of its pool: a copy of the summary counts made in the transaction of a change, and only
when both rules hold:

- at least ``RELEASE_MIN_CHANGES`` organisations changed what they count for in released figures
  since the previous release of the pool (each organisation once, however often it changed);
- at least ``RELEASE_INTERVAL_MINUTES`` have passed since that release.

So two consecutive releases differ by the changes of at least ``RELEASE_MIN_CHANGES``
organisations.  Drafts' organisation facts are never released (``started`` is copied by month
only): saving the organisation page of a draft cannot move a released figure.  Before the first
release of a pool its figures are empty ("not enough organisations").

Which organisations changed is noted by :func:`benchmark.store.summary.tracking` through
:func:`note_changes`, one ``release_pending`` row per organisation and pool; a release deletes
them.  The decision is taken under a per-pool lock (PostgreSQL advisory lock; SQLite has one
writer at a time), so two concurrent changes never cut two releases one change apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from benchmark.extensions import db
from benchmark.store.models import ReleasedCount, ReleasePending, SummaryCount, SummaryRelease, as_utc, clock
from benchmark.store.summary.contributions import KEY_COLUMNS, Key

#: The advisory lock of the release decision on PostgreSQL: (this number, 0 or 1 for the pool).
LOCK_CLASS = 0x5DCB


def released(key: Key) -> bool:
    """True for a key whose count is released (drafts' facts are not: ``started`` by month only)."""
    return not (key[1] == "started" and key[2] != "month")


def released_part(keys: Counter[Key]) -> Counter[Key]:
    """The released keys of some counts (what a change must move to count as a change)."""
    return Counter({key: n for key, n in keys.items() if n and released(key)})


def _released_rows() -> sa.ColumnElement[bool]:
    """The SQL counterpart of :func:`released` over ``summary_count``."""
    return sa.not_(sa.and_(SummaryCount.metric == "started", SummaryCount.grouping != "month"))


def min_changes() -> int:
    """``RELEASE_MIN_CHANGES``: changed organisations a new release needs."""
    return int(current_app.config.get("RELEASE_MIN_CHANGES", 10))


def interval() -> timedelta:
    """``RELEASE_INTERVAL_MINUTES``: the shortest time between two releases of a pool."""
    return timedelta(minutes=int(current_app.config.get("RELEASE_INTERVAL_MINUTES", 1440)))


@dataclass(frozen=True)
class Status:
    """Where a pool stands: its latest release, the organisations changed since, when the next may be cut."""

    is_synthetic: bool
    latest: SummaryRelease | None
    pending: int
    min_changes: int
    #: The earliest moment the interval allows the next release (None: no release yet, no wait).
    not_before: datetime | None

    def allows(self, now: datetime) -> bool:
        """Both rules hold at ``now``."""
        return self.pending >= self.min_changes and (self.not_before is None or now >= self.not_before)


def latest(pool: bool, session: Any = None) -> SummaryRelease | None:
    """The latest release of a pool, or None before the first."""
    session = session or db.session
    query = sa.select(SummaryRelease).where(SummaryRelease.is_synthetic.is_(pool))
    result: SummaryRelease | None = session.scalar(query.order_by(SummaryRelease.id.desc()).limit(1))
    return result


def latest_id(pool: bool) -> sa.ScalarSelect[Any]:
    """The id of a pool's latest release, as a subquery (NULL before the first: nothing matches)."""
    return sa.select(sa.func.max(SummaryRelease.id)).where(SummaryRelease.is_synthetic.is_(pool)).scalar_subquery()


def status(pool: bool, session: Any = None) -> Status:
    """Where a pool stands (reads only)."""
    session = session or db.session
    release = latest(pool, session)
    pending = session.scalar(
        sa.select(sa.func.count()).select_from(ReleasePending).where(ReleasePending.is_synthetic.is_(pool))
    )
    cut_at = as_utc(release.cut_at) if release is not None else None
    return Status(pool, release, int(pending or 0), min_changes(), None if cut_at is None else cut_at + interval())


def note_changes(changed: Mapping[bool, set[int]], session: Any = None) -> list[SummaryRelease]:
    """Note organisations whose released counts changed, and cut each pool's release if the rules allow.

    Called at the end of :func:`benchmark.store.summary.tracking`, in the change's transaction.
    """
    session = session or db.session
    cut = []
    for pool, organisations in sorted(changed.items()):
        if not organisations:
            continue
        _lock(pool, session)
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(ReleasePending).on_conflict_do_nothing(),
            [{"is_synthetic": pool, "organisation_id": organisation} for organisation in sorted(organisations)],
        )
        release = cut_if_due(pool, session, locked=True)
        if release is not None:
            cut.append(release)
    return cut


def cut_if_due(
    pool: bool, session: Any = None, *, locked: bool = False, now: datetime | None = None
) -> SummaryRelease | None:
    """Cut a release of the pool if both rules hold now (the caller commits); return it, or None."""
    session = session or db.session
    if not locked:
        _lock(pool, session)
    now = now or clock.utcnow()
    current = status(pool, session)
    if not current.allows(now):
        return None
    return _cut(pool, session, current.pending, now)


def _cut(pool: bool, session: Any, changed: int, now: datetime) -> SummaryRelease:
    """Copy the pool's released counts into a new release and start counting changes afresh."""
    release = SummaryRelease(is_synthetic=pool, cut_at=now, organisations_changed=changed)
    session.add(release)
    session.flush()
    columns = [getattr(SummaryCount, column) for column in KEY_COLUMNS]
    session.execute(
        sa.insert(ReleasedCount).from_select(
            ["release_id", *KEY_COLUMNS, "count"],
            sa.select(sa.literal(release.id), *columns, SummaryCount.count).where(
                SummaryCount.is_synthetic.is_(pool), SummaryCount.count != 0, _released_rows()
            ),
        )
    )
    session.execute(sa.delete(ReleasePending).where(ReleasePending.is_synthetic.is_(pool)))
    return release


def _lock(pool: bool, session: Any) -> None:
    """Serialise the release decisions of one pool until commit (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, int(pool))))
