"""combined peer groups: score histograms by size band and province/territory together (issue 14, "both")

Revision ID: 0013
Revises: 0012

The questionnaire now declares ``combined_groupings`` (``size_reg``: q25's size band with each of
q26's provinces/territories), counted under ``latest_score`` with the value ``<size>.<region>``.
No schema change: the keys fit ``summary_count``/``released_count`` as they are (grouping 8
characters, value 16, checked at start by ``benchmark.store.facts.check_storage``).

Backfill, so that an existing deployment offers the new group without waiting for a release:

- the live counts: the combined keys are deleted and recounted from the raw tables
  (``benchmark.store.summary.recount.recount_combined``, the same query ``flask summary check``
  runs), so running the upgrade twice counts nothing twice;
- the latest release of each pool: the combined keys are added, counted from the submissions of
  the organisations that have NOT changed since that release was cut (``release_pending`` lists
  the others). Their data now is their data at the cut, so the release stays a snapshot of one
  moment; the changed organisations join the combined groups at the next release, together with
  at least ``RELEASE_MIN_CHANGES`` organisations, as every other change does. Counting them now
  would put fewer than ``RELEASE_MIN_CHANGES`` changes between this release and the next one.

Downgrade deletes the combined keys from both tables (nothing else changed).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from benchmark.store.summary.contributions import KEY_COLUMNS, combined_groupings
from benchmark.store.summary.recount import recount_combined

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COUNTS = sa.table("summary_count", *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
RELEASED = sa.table("released_count", sa.column("release_id"), *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
RELEASES = sa.table("summary_release", sa.column("id"), sa.column("is_synthetic", sa.Boolean))
PENDING = sa.table("release_pending", sa.column("is_synthetic", sa.Boolean), sa.column("organisation_id"))


def upgrade():
    names = sorted(combined_groupings())
    if not names:
        return
    session = Session(bind=op.get_bind())
    session.execute(sa.delete(COUNTS).where(COUNTS.c.grouping.in_(names)))
    _insert(session, COUNTS, recount_combined(session, present_only=True))
    for (pool,) in list(session.execute(sa.select(RELEASES.c.is_synthetic).distinct())):
        pool = bool(pool)
        release_id = session.scalar(sa.select(sa.func.max(RELEASES.c.id)).where(RELEASES.c.is_synthetic == pool))
        session.execute(sa.delete(RELEASED).where(RELEASED.c.release_id == release_id, RELEASED.c.grouping.in_(names)))
        changed = sa.select(PENDING.c.organisation_id).where(PENDING.c.is_synthetic == pool)
        counts = recount_combined(session, present_only=True, pool=pool, leave_out=changed)
        _insert(session, RELEASED, counts, release_id=release_id)
    session.flush()


def _insert(session, table, counts, **extra):
    rows = [{**extra, **dict(zip(KEY_COLUMNS, key, strict=True)), "count": n} for key, n in sorted(counts.items()) if n]
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(table), rows[start : start + 5_000])


def downgrade():
    names = sorted(combined_groupings())
    if names:
        op.execute(sa.delete(RELEASED).where(RELEASED.c.grouping.in_(names)))
        op.execute(sa.delete(COUNTS).where(COUNTS.c.grouping.in_(names)))
