"""summary releases: figures are read from frozen copies of the counts, never from live counts

Revision ID: 0009
Revises: 0008

Three tables:

- ``summary_release``: one release (a frozen copy) of one pool's summary counts;
- ``released_count``: its counts, under the same keys as ``summary_count``;
- ``release_pending``: the organisations whose counted data changed since their pool's latest
  release (a new release needs ``RELEASE_MIN_CHANGES`` of them).

Figures read the latest release of their pool only, so that reading them just before and just
after one organisation's change shows nothing.  Each pool that already has counts gets a first
release of them here, so an upgraded deployment keeps showing the figures it showed (one
snapshot alone cannot be differenced).  Drafts' organisation facts are never released: the
``started`` counts are copied by month only (the same rule as
``benchmark.store.summary.releases``).  Plain ``CREATE``/``DROP TABLE`` on both databases.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KEY_COLUMNS = ("is_synthetic", "metric", "grouping", "group_value", "dimension", "version", "bucket")


def upgrade():
    op.create_table(
        "summary_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("cut_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisations_changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_summary_release_pool", "summary_release", ["is_synthetic", "id"])
    op.create_table(
        "released_count",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("grouping", sa.String(length=8), nullable=False),
        sa.Column("group_value", sa.String(length=16), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["summary_release.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("release_id", *KEY_COLUMNS),
    )
    op.create_table(
        "release_pending",
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("is_synthetic", "organisation_id"),
    )
    _first_releases()


def _first_releases():
    """A first release of each pool that has counts, copied from ``summary_count``."""
    connection = op.get_bind()
    counts = sa.table("summary_count", *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
    releases = sa.table(
        "summary_release",
        sa.column("id"),
        sa.column("is_synthetic", sa.Boolean),
        sa.column("cut_at", sa.DateTime(timezone=True)),
        sa.column("organisations_changed"),
    )
    released = sa.table("released_count", sa.column("release_id"), *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
    pools = connection.execute(
        sa.select(counts.c.is_synthetic).where(counts.c["count"] != 0).distinct().order_by(counts.c.is_synthetic)
    )
    for (pool,) in list(pools):
        pool = bool(pool)
        connection.execute(
            releases.insert().values(is_synthetic=pool, cut_at=datetime.now(UTC), organisations_changed=0)
        )
        release_id = connection.scalar(sa.select(sa.func.max(releases.c.id)).where(releases.c.is_synthetic == pool))
        drafts_facts = sa.and_(counts.c.metric == "started", counts.c.grouping != "month")
        connection.execute(
            released.insert().from_select(
                ["release_id", *KEY_COLUMNS, "count"],
                sa.select(sa.literal(release_id), *(counts.c[c] for c in KEY_COLUMNS), counts.c["count"]).where(
                    counts.c.is_synthetic == pool, counts.c["count"] != 0, sa.not_(drafts_facts)
                ),
            )
        )


def downgrade():
    op.drop_table("release_pending")
    op.drop_table("released_count")
    op.drop_index("ix_summary_release_pool", table_name="summary_release")
    op.drop_table("summary_release")
