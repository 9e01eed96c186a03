"""Staff accounts (workshop facilitators, IRCC analysts, administrators) and set-password links.

Sessions live in Flask's signed cookie, which the server cannot delete.  The cookie
therefore carries the user id *and* :attr:`User.session_version`; bumping the
version (sign-out, password change or reset, deactivation) makes every cookie
issued before it worthless: server-side invalidation without a session table.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow

ROLES = ("facilitator", "analyst", "admin")
EMAIL_MAX_LENGTH = 254


class User(Model):
    """A staff account; respondents never have one (they use private links)."""

    __tablename__ = "user_account"
    __table_args__ = (sa.CheckConstraint("role IN ('facilitator', 'analyst', 'admin')", name="ck_user_account_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case (the unique index is then case-insensitive in effect).
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX_LENGTH), unique=True)
    #: argon2id hash; None until the person follows their set-password link.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Copied into the session cookie; a mismatch signs the cookie's holder out.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    resets: Mapped[list[PasswordReset]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def has_role(self, *roles: str) -> bool:
        """True when the account is active and has one of ``roles``."""
        return self.is_active and self.role in roles


class PasswordReset(Model):
    """A one-time set-password link; only the SHA-256 of its 256-bit token is stored."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="resets")
