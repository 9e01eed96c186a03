"""sector: report archive per release; re-assessed by group and funding x province counts (issue 17)

Revision ID: 0016
Revises: 0015

A new table ``sector_report_archive``: the sector report's figures as read from each release (item 1),
kept when the release is pruned so that releases can be compared. The counts gain two kinds of keys
(item 2):

- ``reassessed`` by each fact grouping (``region``, ``size``, ``funding`` …), so that every
  table of the sector dashboard has a re-assessed column;
- ``latest_score`` by the new combined grouping ``fund_reg`` (IRCC funding status with each
  province or territory), so that the dashboard can show two groupings at once.

Backfill, as 0013 does: the live counts are rebuilt from the raw tables (``rebuild``, the same
recount ``flask summary check`` runs; running the upgrade twice counts nothing twice). The latest
release of each pool gets the new keys counted from the submissions of the organisations that have
NOT changed since it was cut (``release_pending`` lists the others; they join at the next release,
like every other change).

Downgrade drops the archive table and deletes the new keys from both count tables.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from benchmark.store.facts import column_of, table_of
from benchmark.store.models import Assessment
from benchmark.store.summary.contributions import KEY_COLUMNS
from benchmark.store.summary.recount import rebuild, recount_combined, stored_groupings

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

NEW_COMBINED = "fund_reg"
COUNTS = sa.table("summary_count", *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
RELEASED = sa.table("released_count", sa.column("release_id"), *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
RELEASES = sa.table("summary_release", sa.column("id"), sa.column("is_synthetic", sa.Boolean))
PENDING = sa.table("release_pending", sa.column("is_synthetic", sa.Boolean), sa.column("organisation_id"))


def upgrade():
    op.create_table(
        "sector_report_archive",
        sa.Column("release_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("cut_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
    )
    session = Session(bind=op.get_bind())
    rebuild(session, present_only=True)
    facts = stored_groupings(session)
    for (pool,) in list(session.execute(sa.select(RELEASES.c.is_synthetic).distinct())):
        pool = bool(pool)
        release_id = session.scalar(sa.select(sa.func.max(RELEASES.c.id)).where(RELEASES.c.is_synthetic == pool))
        session.execute(
            sa.delete(RELEASED).where(
                RELEASED.c.release_id == release_id,
                sa.or_(
                    RELEASED.c.grouping == NEW_COMBINED,
                    sa.and_(RELEASED.c.metric == "reassessed", RELEASED.c.grouping != "month"),
                ),
            )
        )
        changed = sa.select(PENDING.c.organisation_id).where(PENDING.c.is_synthetic == pool)
        combined = recount_combined(session, present_only=True, pool=pool, leave_out=changed)
        rows = [(key, n) for key, n in combined.items() if key[2] == NEW_COMBINED and n]
        for name, fact in facts.items():
            rows += _reassessed(session, name, fact, pool, changed)
        _insert(session, rows, release_id)
    session.flush()


def _reassessed(session, name, fact, pool, changed):
    """``reassessed`` by one grouping in one pool, leaving out the changed organisations."""
    A = Assessment.__table__
    value = column_of(fact)
    query = sa.select(value, sa.func.count()).select_from(A)
    if fact.multiple:
        table = table_of(fact)
        query = query.join(table, table.c.assessment_id == A.c.id)
    query = query.where(
        A.c.is_synthetic.is_(pool),
        A.c.status == "submitted",
        A.c.submitted_at.is_not(None),
        A.c.previous_id.is_not(None),
        A.c.organisation_id.not_in(changed),
        value.is_not(None),
        value != "",
    ).group_by(value)
    return [((pool, "reassessed", name, v, "", "", ""), n) for v, n in session.execute(query) if n]


def _insert(session, counts, release_id):
    rows = [{"release_id": release_id, **dict(zip(KEY_COLUMNS, key, strict=True)), "count": n} for key, n in counts]
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(RELEASED), rows[start : start + 5_000])


def downgrade():
    op.drop_table("sector_report_archive")
    new = sa.or_(
        COUNTS.c.grouping == NEW_COMBINED, sa.and_(COUNTS.c.metric == "reassessed", COUNTS.c.grouping != "month")
    )
    op.execute(sa.delete(COUNTS).where(new))
    released = sa.or_(
        RELEASED.c.grouping == NEW_COMBINED,
        sa.and_(RELEASED.c.metric == "reassessed", RELEASED.c.grouping != "month"),
    )
    op.execute(sa.delete(RELEASED).where(released))
