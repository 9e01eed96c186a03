"""api tokens get scopes and an expiry; existing tokens keep every read scope and last 90 more days

Revision ID: 0008
Revises: 0007

Two columns on ``api_token``:

- ``scopes`` (the scope names a token grants, separated by spaces; ``""`` = none);
- ``expires_at`` (after which the API answers 401 ``token_expired``).

Existing tokens were made when a token could read everything the API protects, so they get
every read scope there is (``uptake``, the only protected data at this revision) and expire 90
days after this upgrade (the default lifetime of a new token): their holders keep working
without a surprise, and no token is left without an end.  An administrator who wants them gone
sooner revokes them; one who wants them longer issues new ones.

Both columns are added with a constant server default that refuses a row inserted by hand
without them (no scope, expired in 1970); the application always sets both.  On SQLite they are
added with plain ``ALTER TABLE … ADD COLUMN`` (a NOT NULL column needs a constant default
there), never a batch copy of the table.  Nothing is checked here about creators: a token whose
creating account is deactivated is refused by the application on each request, whatever its
expiry, and a token made on the command line (no creator) is valid until it expires or is
revoked.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: What existing tokens get: every read scope of this revision, 90 days from the upgrade.
READ_SCOPES = "uptake"
DAYS = 90
#: The defaults of a row inserted without the columns: no scope, long expired.
NO_SCOPE = ""
EXPIRED_LONG_AGO = "1970-01-01 00:00:00"


def upgrade():
    op.add_column(
        "api_token",
        sa.Column(
            "expires_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text(f"'{EXPIRED_LONG_AGO}'")
        ),
    )
    op.add_column("api_token", sa.Column("scopes", sa.String(length=200), nullable=False, server_default=NO_SCOPE))
    expires_at = datetime.now(UTC) + timedelta(days=DAYS)
    table = sa.table("api_token", sa.column("expires_at", sa.DateTime(timezone=True)), sa.column("scopes", sa.String))
    op.execute(table.update().values(expires_at=expires_at, scopes=READ_SCOPES))


def downgrade():
    # Dropping columns is plain ALTER TABLE … DROP COLUMN on SQLite 3.35+ too (no table copy).
    op.drop_column("api_token", "scopes")
    op.drop_column("api_token", "expires_at")
