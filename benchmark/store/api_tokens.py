"""API tokens: create (shown once), verify, revoke.  Only the SHA-256 of a token is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import ApiToken, utcnow

TOKEN_PREFIX = "sdcb_"  # noqa: S105  (a public prefix that makes leaked tokens recognisable, not a secret)
TOKEN_PATTERN = re.compile(r"^sdcb_[A-Za-z0-9_-]{43}$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(name: str, created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip()[:80] or "token", token_hash=_hash(plain), created_by_id=created_by_id)
    db.session.add(token)
    db.session.commit()
    return token, plain


def verify(plain: str) -> ApiToken | None:
    """Return the active token for a bearer value, or None (malformed, unknown or revoked)."""
    if not TOKEN_PATTERN.match(plain or ""):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    if token is None or not token.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token


def get_token(token_id: int) -> ApiToken | None:
    """The token with this id (active or not), or None."""
    return db.session.get(ApiToken, token_id)


def revoke(token: ApiToken) -> None:
    """Revoke a token at once."""
    token.revoked_at = utcnow()
    db.session.commit()


def all_tokens() -> list[ApiToken]:
    """Every token, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
