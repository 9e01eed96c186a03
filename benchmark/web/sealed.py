"""Private tokens kept in the session cookie, sealed so that the cookie alone does not give them away.

Flask's session cookie is *signed*, not encrypted: anyone holding it (a shared library
computer, a browser profile copied elsewhere, a screenshot of the developer tools) can
base64-decode it and read what it stores.  A workshop participant's private token opens
that organisation's assessment, so it must not be stored there readable.

Why sealing rather than the alternatives:

* **only the SHA-256 of the token** (what the database keeps) would let the server
  recognise the draft, but not send the participant back to it: every assessment page is
  addressed by the token itself, which the server never stores;
* **a random per-browser handle mapped server-side** would need a new table, a migration
  and its own clean-up, for the same result;
* **sealing** keeps every flow as it is (joining twice, continuing a draft, the language
  toggle, which never touches these values) with the standard library only: the token is
  XOR-ed with a keystream of HMAC-SHA256 blocks (key derived from ``SECRET_KEY``, fresh
  16-byte random nonce per value), i.e. a PRF in counter mode.  Integrity comes from the
  session's own signature; whatever :func:`unseal` returns is still checked against the
  database by the caller.  Changing ``SECRET_KEY`` invalidates sessions anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from flask import current_app

NONCE_BYTES = 16
_PURPOSE = b"benchmark.web.sealed/session-token"


def _key() -> bytes:
    secret = current_app.secret_key
    if secret is None:
        raise RuntimeError("SECRET_KEY is not set")
    raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return hmac.new(raw, _PURPOSE, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(text: str) -> str:
    """Return ``text`` (ASCII) sealed: URL-safe base64 of the nonce and the enciphered bytes."""
    plain = text.encode("ascii")
    nonce = secrets.token_bytes(NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(_key(), nonce, len(plain)), strict=True))
    return base64.urlsafe_b64encode(nonce + cipher).decode("ascii")


def unseal(value: object) -> str | None:
    """Return what :func:`seal` sealed, or None for anything else (an old plain value, garbage)."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError):
        return None
    nonce, cipher = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    if len(nonce) < NONCE_BYTES or not cipher:
        return None
    plain = bytes(a ^ b for a, b in zip(cipher, _keystream(_key(), nonce, len(cipher)), strict=True))
    try:
        return plain.decode("ascii")
    except UnicodeDecodeError:
        return None
