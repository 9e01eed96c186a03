"""The request's CSRF token for pages joined per request (kept pages, questionnaire skeletons), signed once a minute.

Flask-WTF's ``generate_csrf()`` signs the session's raw token anew on every request: a fresh
serializer, the payload written again (JSON, zlib, base64), a timestamp and an HMAC, a tenth of a
kept page's cost (issue 18).  :func:`request_csrf_token` gives the same token, with two savings:

* the serializer is made once per secret, and the payload once per raw token;
* a token signed for a raw token is given again, for that same raw token only, while it is younger
  than :data:`CSRF_REUSE_SECONDS`.  A signed token carries its own timestamp and Flask-WTF accepts
  it while it is at most ``WTF_CSRF_TIME_LIMIT`` old (a day here, ``CSRF_TIME_LIMIT``; Flask-WTF's
  default is an hour), so reusing one shortens the life of the token a page carries by at most that
  window, and never by more than a sixtieth of the limit.

What is kept is bounded (:data:`CSRF_TOKENS_SIZE` raw tokens, emptied when full), keyed by the raw
token, which is random per session, so no session is ever given another's token, and forgotten
whenever the secret changes.  ``tests/web/test_csrf_token.py`` checks each of these, and that the
token validates with Flask-WTF's own ``validate_csrf``.
"""

from __future__ import annotations

import functools
import hmac
import time
from typing import NamedTuple

from flask.globals import _cv_app, _cv_request
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

#: A signed token is given again for the same raw token while it is younger than this (seconds).
CSRF_REUSE_SECONDS = 60
#: Raw CSRF tokens (one per session) kept with their payload and latest signed token; emptied when full.
CSRF_TOKENS_SIZE = 4096


class Signed(NamedTuple):
    """A raw token's payload as itsdangerous writes it before signing, and its latest signed token."""

    payload: bytes
    token: str
    signed_at: int


class _Kept:
    """The signed tokens of one secret at a time."""

    def __init__(self) -> None:
        self.secret: str | bytes | None = None
        self.tokens: dict[str, Signed] = {}

    def of(self, secret: str | bytes) -> dict[str, Signed]:
        """The tokens signed with ``secret``: none are kept across a change of secret."""
        if secret != self.secret:
            self.tokens = {}
            self.secret = secret
        return self.tokens


_KEPT = _Kept()


def request_csrf_token() -> str:
    """This request's CSRF token, as Flask-WTF's ``generate_csrf()`` makes it (kept in ``g`` for the request).

    The same steps as Flask-WTF 1.3 (raw token in the session, signed with the ``wtf-csrf-token``
    salt), so ``validate_csrf`` accepts it; a first visit (no raw token yet) is left to Flask-WTF.
    """
    app_context = _cv_app.get()
    app, g = app_context.app, app_context.g
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        session = _cv_request.get().session
        secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        if field not in session or secret is None:
            return str(generate_csrf())  # a first visit: Flask-WTF makes the raw token (or says a secret is missing)
        token = _signed(secret, session[field], config.get("WTF_CSRF_TIME_LIMIT", 3600))
        setattr(g, field, token)
    return str(token)


def _signed(secret: str | bytes, raw: object, time_limit: int | None) -> str:
    """``raw`` signed with ``secret`` now, or the token signed for it less than the reuse window ago."""
    serializer, signer = _csrf_signing(secret)
    if not isinstance(raw, str):  # not a token Flask-WTF made: signed every time, nothing kept
        return signer.sign(serializer.dump_payload(raw)).decode("ascii")
    tokens = _KEPT.of(secret)
    now = signer.get_timestamp()  # itsdangerous's clock; sign() reads it again, never earlier
    kept = tokens.get(raw)
    if kept is not None and 0 <= now - kept.signed_at < reuse_seconds(time_limit):
        return kept.token
    payload = kept.payload if kept is not None else serializer.dump_payload(raw)
    token = signer.sign(payload).decode("ascii")
    if len(tokens) >= CSRF_TOKENS_SIZE:
        tokens.clear()
    tokens[raw] = Signed(payload, token, now)
    return token


def reuse_seconds(time_limit: int | None) -> int:
    """How long a signed token is given again: :data:`CSRF_REUSE_SECONDS`, at most a sixtieth of the time limit."""
    return CSRF_REUSE_SECONDS if time_limit is None else min(CSRF_REUSE_SECONDS, int(time_limit) // 60)


@functools.lru_cache(maxsize=4)
def _csrf_signing(secret: str | bytes) -> tuple[URLSafeTimedSerializer, TimestampSigner]:
    """Flask-WTF's serializer and the signer its ``dumps`` makes on each call (``dumps`` in two steps)."""
    serializer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
    signer = serializer.make_signer()
    assert isinstance(signer, TimestampSigner)
    return serializer, signer


def csrf_token_valid(data: str | None) -> bool:
    """True when Flask-WTF's ``validate_csrf(data)`` would accept a posted token; each token verified once.

    The same checks: a token was posted, the session holds one, the signature is this secret's
    with the ``wtf-csrf-token`` salt, the token is at most ``WTF_CSRF_TIME_LIMIT`` seconds old
    (checked on every post, as itsdangerous checks it), and it holds the session's raw token.  A
    token whose signature verified is remembered with what it holds and when it was signed, under
    the secret (bounded, per process), as :mod:`benchmark.web.session_cookie` remembers cookies: a
    form posted again with the same token is not verified again.  ``tests/web/test_csrf_check.py``
    compares the outcome with Flask-WTF's on valid, expired, forged, truncated and other sessions'
    tokens, first and again.
    """
    app = _cv_app.get().app
    session = _cv_request.get().session
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not data or field not in session:
        return False
    secret: str | bytes = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key or ""
    max_age = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    verified = _CSRF_VERIFIED.get((secret, data))
    if verified is None:
        serializer, _signer = _csrf_signing(secret)
        try:
            token, signed_at = serializer.loads(data, max_age=max_age, return_timestamp=True)
        except BadData:
            return False
        if not isinstance(token, str):
            return False
        verified = (token, int(signed_at.timestamp()))
        if len(_CSRF_VERIFIED) >= CSRF_VERIFIED_SIZE:
            _CSRF_VERIFIED.clear()
        _CSRF_VERIFIED[(secret, data)] = verified
    elif max_age is not None and not 0 <= int(time.time()) - verified[1] <= max_age:
        return False  # itsdangerous's age check, made again on every post
    raw = session[field]
    return isinstance(raw, str) and hmac.compare_digest(raw, verified[0])


#: Posted CSRF tokens whose signature verified: (secret, token) → (raw token, second signed); emptied when full.
CSRF_VERIFIED_SIZE = 4096
_CSRF_VERIFIED: dict[tuple[str | bytes, str], tuple[str, int]] = {}
