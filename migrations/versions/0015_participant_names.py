"""workshop participants' names: a name or pseudonym given with consent to share

Revision ID: 0015
Revises: 0014

One new nullable column, ``participation.display_name`` (60 characters): the name or pseudonym a
participant gives when it lets the facilitator see its individual results, shown to the
facilitator only and cleared when consent is withdrawn.  Bilingual workshops store the language
``"bi"`` in the existing two-character ``workshop.language`` column, so that column is unchanged.

Only an added column: nothing existing is copied or rewritten, on SQLite or PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("participation", sa.Column("display_name", sa.String(length=60), nullable=True))


def downgrade():
    op.drop_column("participation", "display_name")
