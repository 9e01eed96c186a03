"""component scores in assessment_score, one row per dimension of the rubric (no more score_* columns)

Revision ID: 0007
Revises: 0006

The four columns ``assessment.score_sk`` … ``score_pr`` become rows ``(assessment_id,
dimension, score)`` of ``assessment_score``, one per dimension for every submission (None
kept where coverage was too low), so a rubric with other dimensions needs no new column.

On SQLite the columns are dropped with ``ALTER TABLE … DROP COLUMN`` (SQLite 3.35 or later),
not by a batch copy of ``assessment``: the app's connections turn foreign keys on, and
dropping the old table during the copy would delete every answer, region and score by
``ON DELETE CASCADE``.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: The columns as they were, by dimension id of rubric v1.
COLUMNS = {"SK": "score_sk", "IN": "score_in", "AP": "score_ap", "PR": "score_pr"}


def upgrade():
    op.create_table(
        "assessment_score",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "dimension"),
    )
    for dimension, column in COLUMNS.items():
        op.execute(
            sa.text(
                f"INSERT INTO assessment_score (assessment_id, dimension, score)"  # noqa: S608  (fixed names)
                f" SELECT id, :dimension, {column} FROM assessment WHERE status = 'submitted'"
            ).bindparams(dimension=dimension)
        )
    for column in COLUMNS.values():
        op.drop_column("assessment", column)
    # Count what is stored, with the code that maintains the counts afterwards
    # (benchmark.store.summary.rebuild): it reads the scores from assessment_score, so the
    # recount moved here from 0006.  Counts are derived data: recounting is always safe.
    from benchmark.store.summary import rebuild

    session = Session(bind=op.get_bind())
    # Only the groupings whose columns exist at this revision (0011 adds n2's, empty until answered).
    rebuild(session, present_only=True)
    session.flush()


def downgrade():
    for column in COLUMNS.values():
        op.add_column("assessment", sa.Column(column, sa.Integer(), nullable=True))
    for dimension, column in COLUMNS.items():
        op.execute(
            sa.text(
                f"UPDATE assessment SET {column} = (SELECT score FROM assessment_score"  # noqa: S608  (fixed names)
                " WHERE assessment_score.assessment_id = assessment.id AND assessment_score.dimension = :dimension)"
            ).bindparams(dimension=dimension)
        )
    op.drop_table("assessment_score")
