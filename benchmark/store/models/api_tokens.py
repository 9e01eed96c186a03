"""API tokens: created by admins or the command line, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import as_utc, utcnow

#: What a row inserted without them (only by hand: the services always set both) gets: no scope,
#: expired since 1970, so such a token is refused rather than silently allowed everything forever.
NO_SCOPE = ""
EXPIRED_LONG_AGO = "1970-01-01 00:00:00"


class ApiToken(Model):
    """A bearer token for the non-public API endpoints (only its SHA-256 is stored).

    ``scopes`` holds the scope names it grants, separated by spaces (as in OAuth 2);
    ``created_by_id`` is None for a token created on the command line.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.text(f"'{EXPIRED_LONG_AGO}'")
    )
    scopes: Mapped[str] = mapped_column(sa.String(200), server_default=NO_SCOPE)

    @property
    def active(self) -> bool:
        """True until revoked (expiry is separate: see :attr:`expired`)."""
        return self.revoked_at is None

    @property
    def expired(self) -> bool:
        """True once ``expires_at`` has passed."""
        expires = as_utc(self.expires_at)
        return expires is None or expires <= utcnow()

    @property
    def scope_names(self) -> tuple[str, ...]:
        """The scopes this token grants."""
        return tuple(self.scopes.split())
