"""organisation fact n2: serves francophone minority communities (a peer group)

Revision ID: 0011
Revises: 0010

Issue 14 added the questionnaire item n2 ("Does your organization serve francophone minority
communities?", no 2017 figure) with ``fact: {column: francophone_minority, grouping: franco,
peer_group: true}``. Its answer is copied into a new nullable, indexed column of ``assessment``.

Only a column added (``ALTER TABLE … ADD COLUMN``, no table copy on SQLite); existing
assessments have no answer to n2, so no summary count changes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("assessment", sa.Column("francophone_minority", sa.String(length=16), nullable=True))
    op.create_index("ix_assessment_francophone_minority", "assessment", ["francophone_minority"])


def downgrade():
    op.drop_index("ix_assessment_francophone_minority", table_name="assessment")
    op.drop_column("assessment", "francophone_minority")
