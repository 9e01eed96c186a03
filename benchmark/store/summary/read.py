"""Reading the counts: what peer, sector and cohort figures are made of.

:func:`read` is what every figure uses: the latest *release* of the pool
(:mod:`.releases`), never the live counts, so a figure cannot follow one organisation's change.
:func:`read_live` reads the live counts, for the commands that check and repair them and for
anything internal that must see them; never for a figure shown to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import ReleasedCount, SummaryCount, as_utc
from benchmark.store.summary import releases


def read(
    pool: bool,
    metric: str,
    groupings: Iterable[str],
    *,
    version: str | None = None,
    dimension: str | None = None,
    groups: Iterable[tuple[str, str]] | None = None,
) -> list[tuple[str, str, str, str, int]]:
    """Rows ``(grouping, group_value, dimension, bucket, count)`` of one metric in the pool's latest release.

    Empty before the pool's first release (every figure then reads "not enough organisations").

    :param version: only this rubric version; every version summed when None.
    :param dimension: only this dimension (or answer key).
    :param groups: only these ``(grouping, value)`` pairs.
    """
    condition = ReleasedCount.release_id == releases.latest_id(pool)
    return _read(ReleasedCount, condition, pool, metric, groupings, version, dimension, groups)


def read_release(
    release_id: int, pool: bool, metric: str, version: str, groups: Iterable[tuple[str, str]]
) -> list[tuple[str, str, str, str, int]]:
    """The rows of :func:`read` for exactly ``groups`` in one given release (see :func:`released_at`) and version.

    A release's primary key is (release, pool, metric, grouping, value, dimension, version, bucket), so with
    all but the grouping, value, dimension and bucket fixed each row is already one count: no ``GROUP BY``.
    """
    table = ReleasedCount
    query = sa.select(table.grouping, table.group_value, table.dimension, table.bucket, table.count).where(
        table.release_id == release_id,
        table.is_synthetic.is_(pool),
        table.metric == metric,
        table.version == version,
        sa.tuple_(table.grouping, table.group_value).in_(list(groups)),
        table.count != 0,
    )
    return [(g, v, d, b, int(n)) for g, v, d, b, n in db.session.execute(query)]


def read_live(
    pool: bool,
    metric: str,
    groupings: Iterable[str],
    *,
    version: str | None = None,
    dimension: str | None = None,
    groups: Iterable[tuple[str, str]] | None = None,
) -> list[tuple[str, str, str, str, int]]:
    """The same rows from the live counts: internal use only (never a published figure)."""
    return _read(SummaryCount, sa.true(), pool, metric, groupings, version, dimension, groups)


def released_at(pool: bool) -> tuple[int, datetime] | None:
    """The id and cut time (UTC) of the release figures are read from, or None before the first."""
    release = releases.latest(pool)
    if release is None:
        return None
    cut_at = as_utc(release.cut_at)
    assert cut_at is not None
    return release.id, cut_at


def _read(
    table: Any,
    condition: sa.ColumnElement[bool],
    pool: bool,
    metric: str,
    groupings: Iterable[str],
    version: str | None,
    dimension: str | None,
    groups: Iterable[tuple[str, str]] | None,
) -> list[tuple[str, str, str, str, int]]:
    query = (
        sa.select(table.grouping, table.group_value, table.dimension, table.bucket, sa.func.sum(table.count))
        .where(
            condition,
            table.is_synthetic.is_(pool),
            table.metric == metric,
            table.grouping.in_(list(groupings)),
            table.count != 0,
        )
        .group_by(table.grouping, table.group_value, table.dimension, table.bucket)
    )
    if version is not None:
        query = query.where(table.version == version)
    if dimension is not None:
        query = query.where(table.dimension == dimension)
    if groups is not None:
        query = query.where(
            sa.or_(*(sa.and_(table.grouping == grouping, table.group_value == value) for grouping, value in groups))
        )
    return [(g, v, d, b, int(n)) for g, v, d, b, n in db.session.execute(query)]
