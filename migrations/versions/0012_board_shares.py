"""read-only board shares: a revocable link to one assessment's results and its organisation's plan

Revision ID: 0012
Revises: 0011

One new table, ``board_share``, hanging off ``assessment`` with ``ON DELETE CASCADE``: the SHA-256
of the share token (the token is never stored), the random salt it is derived with, a label
("Board, March meeting"), when it was made and when it was revoked.

Only a new table: nothing existing is copied or rewritten, on SQLite or PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_board_share_assessment_id", "board_share", ["assessment_id"])


def downgrade():
    op.drop_index("ix_board_share_assessment_id", table_name="board_share")
    op.drop_table("board_share")
