"""organisations' action plans: steps (owner, due date, status, note) and the funding statement's cost lines

Revision ID: 0010
Revises: 0009

Two new tables, both hanging off ``organisation`` with ``ON DELETE CASCADE`` (the plan belongs to
the organisation, so every assessment of it, "take again" included, opens the same plan):

- ``action_plan_step``: a step picked from a recommendation (``rule_id`` and ``step_index``,
  ``recommendation_id``) or written by the organisation (``custom_text``), with an optional
  component (``dimension``), an owner, a due date, a status and a note;
- ``funding_line``: a cost line of the funding-needs statement (component, category, amount in
  whole dollars, description).

Only new tables: nothing existing is copied or rewritten, on SQLite or PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_plan_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.String(length=16), nullable=True),
        sa.Column("rule_id", sa.String(length=40), nullable=True),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("custom_text", sa.String(length=500), nullable=True),
        sa.Column("dimension", sa.String(length=16), nullable=True),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="ck_action_plan_status"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_action_plan_step_organisation_id", "action_plan_step", ["organisation_id"])
    op.create_table(
        "funding_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_funding_line_amount"),
        sa.CheckConstraint(
            "category IN ('training', 'hardware', 'software', 'it_support', 'staff_time')",
            name="ck_funding_line_category",
        ),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_funding_line_organisation_id", "funding_line", ["organisation_id"])


def downgrade():
    op.drop_index("ix_funding_line_organisation_id", table_name="funding_line")
    op.drop_table("funding_line")
    op.drop_index("ix_action_plan_step_organisation_id", table_name="action_plan_step")
    op.drop_table("action_plan_step")
