"""summary counts maintained on every change (peer, sector and cohort figures read them)

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "summary_count",
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("grouping", sa.String(length=8), nullable=False),
        sa.Column("group_value", sa.String(length=16), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("is_synthetic", "metric", "grouping", "group_value", "dimension", "version", "bucket"),
    )
    # Count the assessments already stored, with the same code that maintains the counts
    # afterwards (benchmark.store.summary.rebuild), so an upgraded database starts right.
    from benchmark.store.summary import rebuild

    session = Session(bind=op.get_bind())
    rebuild(session)
    session.flush()


def downgrade():
    op.drop_table("summary_count")
