"""workshops: a count of changes to each workshop's cohort, kept by triggers (issue 18: the live poll in one row)

Revision ID: 0017
Revises: 0016

The live view polls every few seconds and keeps its rendered picture per cohort version.  Until
now the version was every participation's row, read on every poll.  Now ``workshop.cohort_changes``
counts the changes to what the picture shows, and the database keeps it: triggers add one to the
workshop's count, in the same transaction as the change, when

- a participation is added, changed (consent, name, …) or removed (``participation``);
- a participant's assessment changes status, label, organisation or submission time, or goes
  (``assessment``);
- an organisation joins, leaves or changes team, so that the unit a participant counts as
  changes (``team_member``), or a team's own organisation changes (``team``).

Triggers, not application code, so that no write path (a service, a command, an import, a cascade)
can forget one.  SQLite and PostgreSQL each get their own form (PostgreSQL: one trigger function
per table).  Downgrade drops the triggers, the functions and the column.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BUMP = "UPDATE workshop SET cohort_changes = cohort_changes + 1 WHERE id IN ({})"
#: Workshops whose participants belong to an organisation (the unit of a team member).
OF_ORGANISATION = (
    "SELECT p.workshop_id FROM participation p JOIN assessment a ON a.id = p.assessment_id"
    " WHERE a.organisation_id = {}.organisation_id"
)
OF_TEAM = (
    "SELECT p.workshop_id FROM participation p JOIN assessment a ON a.id = p.assessment_id"
    " JOIN team_member m ON m.organisation_id = a.organisation_id WHERE m.team_id = {}.id"
)
OF_ASSESSMENT = "SELECT workshop_id FROM participation WHERE assessment_id = {}.id"
ASSESSMENT_COLUMNS = "status, label, organisation_id, submitted_at"

#: (name, table, SQLite event, the workshops each row touches: one query per row image it has)
SQLITE_TRIGGERS = [
    ("participation_cohort_insert", "participation", "AFTER INSERT", ["NEW.workshop_id"]),
    ("participation_cohort_update", "participation", "AFTER UPDATE", ["OLD.workshop_id", "NEW.workshop_id"]),
    ("participation_cohort_delete", "participation", "AFTER DELETE", ["OLD.workshop_id"]),
    (
        "assessment_cohort_update",
        "assessment",
        f"AFTER UPDATE OF {ASSESSMENT_COLUMNS}",
        [OF_ASSESSMENT.format("OLD"), OF_ASSESSMENT.format("NEW")],
    ),
    ("assessment_cohort_delete", "assessment", "AFTER DELETE", [OF_ASSESSMENT.format("OLD")]),
    ("team_member_cohort_insert", "team_member", "AFTER INSERT", [OF_ORGANISATION.format("NEW")]),
    (
        "team_member_cohort_update",
        "team_member",
        "AFTER UPDATE",
        [OF_ORGANISATION.format("OLD"), OF_ORGANISATION.format("NEW")],
    ),
    ("team_member_cohort_delete", "team_member", "AFTER DELETE", [OF_ORGANISATION.format("OLD")]),
    ("team_cohort_update", "team", "AFTER UPDATE OF organisation_id", [OF_TEAM.format("OLD"), OF_TEAM.format("NEW")]),
]

#: PostgreSQL: (table, events, the workshops an old row touches, those a new row touches)
POSTGRESQL_TRIGGERS = [
    ("participation", "INSERT OR UPDATE OR DELETE", "OLD.workshop_id", "NEW.workshop_id"),
    (
        "assessment",
        f"UPDATE OF {ASSESSMENT_COLUMNS} OR DELETE",
        OF_ASSESSMENT.format("OLD"),
        OF_ASSESSMENT.format("NEW"),
    ),
    ("team_member", "INSERT OR UPDATE OR DELETE", OF_ORGANISATION.format("OLD"), OF_ORGANISATION.format("NEW")),
    ("team", "UPDATE OF organisation_id", OF_TEAM.format("OLD"), OF_TEAM.format("NEW")),
]

POSTGRESQL_FUNCTION = """
CREATE FUNCTION {table}_cohort_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {old};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {new};
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.add_column("workshop", sa.Column("cohort_changes", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        for table, events, old, new in POSTGRESQL_TRIGGERS:
            op.execute(POSTGRESQL_FUNCTION.format(table=table, old=BUMP.format(old), new=BUMP.format(new)))
            op.execute(
                f"CREATE TRIGGER {table}_cohort_changes AFTER {events} ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {table}_cohort_changes()"
            )
    else:
        for name, table, event, touched in SQLITE_TRIGGERS:
            body = " ".join(BUMP.format(workshops) + ";" for workshops in touched)
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW BEGIN {body} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, _events, _old, _new in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER {table}_cohort_changes ON {table}")
            op.execute(f"DROP FUNCTION {table}_cohort_changes()")
    else:
        for name, _table, _event, _touched in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_column("workshop", "cohort_changes")
