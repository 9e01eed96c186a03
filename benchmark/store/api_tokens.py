"""API tokens: create (shown once), check, revoke.  Only the SHA-256 of a token is stored.

A token grants *scopes* (one per kind of protected data: :data:`SCOPES`) and expires
(:data:`DEFAULT_DAYS` after its creation unless another lifetime is chosen).  It is refused once
revoked, once expired, and once the staff account that created it is deactivated; a token created
on the command line has no creator and stays valid until it expires or is revoked.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.models import ApiToken, User, utcnow

TOKEN_PREFIX = "sdcb_"  # noqa: S105  (a public prefix that makes leaked tokens recognisable, not a secret)
TOKEN_PATTERN = re.compile(r"^sdcb_[A-Za-z0-9_-]{43}$")

#: Every scope a token can grant, by name (the API maps each protected endpoint to one).
#: Only the uptake tables need a token today: the questionnaire, baselines and suppressed
#: aggregates are public.
UPTAKE = "uptake"
SCOPES = (UPTAKE,)
#: Lifetimes offered, in days; the default one.
LIFETIMES = (30, 90, 180, 365)
DEFAULT_DAYS = 90
MAX_DAYS = 365

#: Why a token is refused (the API's error codes).
INVALID = "invalid_token"
EXPIRED = "token_expired"
INSUFFICIENT_SCOPE = "insufficient_scope"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(
    name: str, created_by_id: int | None = None, *, scopes: Iterable[str] = SCOPES, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored.

    ``scopes`` must be known and not empty, ``days`` between 1 and :data:`MAX_DAYS` (ValueError).
    """
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in SCOPES for scope in chosen):
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lasts between 1 and {MAX_DAYS} days")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        name=name.strip()[:80] or "token",
        token_hash=_hash(plain),
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        scopes=" ".join(chosen),
    )
    db.session.add(token)
    db.session.commit()
    return token, plain


def check(plain: str, scope: str) -> str | None:
    """None when the bearer value may read ``scope`` (its use is recorded), else why not:
    :data:`INVALID` (malformed, unknown, revoked, or its creator's account deactivated),
    :data:`EXPIRED` or :data:`INSUFFICIENT_SCOPE`."""
    if not TOKEN_PATTERN.match(plain or ""):
        return INVALID
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    if token is None or not token.active:
        return INVALID
    if token.created_by_id is not None:
        creator = db.session.get(User, token.created_by_id)
        if creator is None or not creator.is_active:
            return INVALID
    if token.expired:
        return EXPIRED
    if scope not in token.scope_names:
        return INSUFFICIENT_SCOPE
    token.last_used_at = utcnow()
    db.session.commit()
    return None


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
