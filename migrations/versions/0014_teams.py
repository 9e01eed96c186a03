"""several respondents per organisation: team links, their members, colleagues' assessments

Revision ID: 0014
Revises: 0013

Two new tables, ``team`` (one per team organisation: the SHA-256 of its link's token, None once
revoked) and ``team_member`` (a colleague's own organisation anchor and its team), both with
``ON DELETE CASCADE``; and one column, ``assessment.is_colleague`` (false for every existing row,
by a server default), marking assessments that never count in pools.

No table is copied or rewritten on SQLite or PostgreSQL (``ADD COLUMN`` with a constant default).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("assessment", sa.Column("is_colleague", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "team_member",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id"),
    )
    op.create_index("ix_team_member_team_id", "team_member", ["team_id"])


def downgrade():
    op.drop_index("ix_team_member_team_id", table_name="team_member")
    op.drop_table("team_member")
    op.drop_table("team")
    op.drop_column("assessment", "is_colleague")
