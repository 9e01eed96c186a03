"""summary counts maintained on every change (peer, sector and cohort figures read them)

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


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
    # The assessments already stored are counted by 0007, once their scores are where the
    # counting code (benchmark.store.summary.rebuild) reads them.


def downgrade():
    op.drop_table("summary_count")
