"""Board shares: make, list, find and revoke read-only links to one assessment's results.

A share token is as strong as a private link's (256 bits, URL-safe, 43 characters) and only its
SHA-256 is stored.  It is derived, not drawn: HMAC-SHA-256 of a random per-share salt, keyed by the
assessment's private token.  The private token is never stored either, so a copy of the database
(hashes and salts) opens no share, while whoever holds the private link can see every share link
again on the private page and copy it; a share token gives nothing back about the private token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store.assessments import TOKEN_PATTERN, hash_token
from benchmark.store.models import SHARE_LABEL_MAX, Assessment, BoardShare, utcnow

__all__ = ["SHARE_LABEL_MAX", "create_share", "find_share", "revoke_share", "share_token", "shares_of"]


def share_token(private_token: str, share: BoardShare) -> str:
    """The token of ``share``, given the private token of its assessment."""
    digest = hmac.new(private_token.encode("ascii"), f"board-share:{share.salt}".encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def create_share(assessment: Assessment, private_token: str, label: str) -> tuple[BoardShare, str]:
    """Make a share of a submitted assessment; return it and its token.

    :raises ValueError: when the assessment is not submitted, or the label is empty or too long
        (the form says so first, in the page's language).
    """
    label = label.strip()
    if not assessment.is_submitted:
        raise ValueError("only a submitted assessment can be shared")
    if not label or len(label) > SHARE_LABEL_MAX:
        raise ValueError(f"a share's label has 1 to {SHARE_LABEL_MAX} characters")
    share = BoardShare(assessment_id=assessment.id, salt=secrets.token_urlsafe(16), label=label, token_hash="")
    token = share_token(private_token, share)
    share.token_hash = hash_token(token)
    db.session.add(share)
    db.session.commit()
    return share, token


def shares_of(assessment: Assessment) -> list[BoardShare]:
    """The assessment's shares, newest first (revoked ones included, marked)."""
    return list(
        db.session.scalars(
            sa.select(BoardShare)
            .where(BoardShare.assessment_id == assessment.id)
            .order_by(BoardShare.created_at.desc(), BoardShare.id.desc())
        )
    )


def find_share(token: str) -> tuple[BoardShare, Assessment] | None:
    """The live share a token opens and its submitted assessment; None for a malformed, unknown or revoked one."""
    if not TOKEN_PATTERN.match(token):
        return None
    found = db.session.execute(
        sa.select(BoardShare, Assessment)
        .join(Assessment, Assessment.id == BoardShare.assessment_id)
        .where(BoardShare.token_hash == hash_token(token), BoardShare.revoked_at.is_(None))
    ).first()
    if found is None or not found[1].is_submitted:
        return None
    return found[0], found[1]


def revoke_share(assessment: Assessment, share_id: int) -> bool:
    """Revoke one of the assessment's shares (at once: its link opens nothing more); False if it has none such."""
    share = db.session.scalar(
        sa.select(BoardShare).where(BoardShare.id == share_id, BoardShare.assessment_id == assessment.id)
    )
    if share is None:
        return False
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        db.session.commit()
    return True
