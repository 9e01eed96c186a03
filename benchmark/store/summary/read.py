"""Reading the counts: what peer, sector and cohort figures are made of."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import SummaryCount


def read(
    pool: bool,
    metric: str,
    groupings: Iterable[str],
    *,
    version: str | None = None,
    dimension: str | None = None,
    groups: Iterable[tuple[str, str]] | None = None,
) -> list[tuple[str, str, str, str, int]]:
    """Rows ``(grouping, group_value, dimension, bucket, count)`` of one metric (one query).

    :param version: only this rubric version; every version summed when None.
    :param dimension: only this dimension (or answer key).
    :param groups: only these ``(grouping, group_value)`` pairs.
    """
    query = (
        sa.select(
            SummaryCount.grouping,
            SummaryCount.group_value,
            SummaryCount.dimension,
            SummaryCount.bucket,
            sa.func.sum(SummaryCount.count),
        )
        .where(
            SummaryCount.is_synthetic.is_(pool),
            SummaryCount.metric == metric,
            SummaryCount.grouping.in_(list(groupings)),
            SummaryCount.count != 0,
        )
        .group_by(SummaryCount.grouping, SummaryCount.group_value, SummaryCount.dimension, SummaryCount.bucket)
    )
    if version is not None:
        query = query.where(SummaryCount.version == version)
    if dimension is not None:
        query = query.where(SummaryCount.dimension == dimension)
    if groups is not None:
        query = query.where(
            sa.or_(
                *(
                    sa.and_(SummaryCount.grouping == grouping, SummaryCount.group_value == value)
                    for grouping, value in groups
                )
            )
        )
    return [(g, v, d, b, int(n)) for g, v, d, b, n in db.session.execute(query)]
