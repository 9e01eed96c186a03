"""Values sealed for the session cookie: they come back, and the cookie alone does not give them away."""

from __future__ import annotations

import secrets

from flask import Flask

from benchmark.web.sealed import seal, unseal


def test_sealed_tokens_come_back_and_are_not_readable() -> None:
    app = Flask(__name__)
    app.secret_key = "one key"
    token = secrets.token_urlsafe(32)
    with app.app_context():
        first, second = seal(token), seal(token)
        assert unseal(first) == token and unseal(second) == token
        assert first != second and token not in first
        for garbage in (token, "", "!!!", "AAAA", None, 42):  # an old plain token included
            assert unseal(garbage) is None
        assert unseal(first[:-4]) != token
    other = Flask(__name__)
    other.secret_key = "another key"
    with other.app_context():
        assert unseal(first) != token
