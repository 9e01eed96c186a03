"""A posted CSRF token is accepted exactly when Flask-WTF's ``validate_csrf`` accepts it (web/csrf_token.py)."""

from __future__ import annotations

import time

import pytest
from flask import Flask, session
from flask_wtf.csrf import validate_csrf
from itsdangerous import URLSafeTimedSerializer
from wtforms.validators import ValidationError

from benchmark.web import csrf_token

RAW = "a3f" * 13 + "9"
OTHER_RAW = "b4e" * 13 + "0"
NOW = 1_800_000_000.0


def flask_wtf_accepts(app: Flask, raw: str | None, data: str | None) -> bool:
    with app.test_request_context("/en/", method="POST"):
        if raw is not None:
            session["csrf_token"] = raw
        try:
            validate_csrf(data)
        except ValidationError:
            return False
        return True


def ours_accepts(app: Flask, raw: str | None, data: str | None) -> bool:
    with app.test_request_context("/en/", method="POST"):
        if raw is not None:
            session["csrf_token"] = raw
        return csrf_token.csrf_token_valid(data)


def signed(app: Flask, raw: object, at: float, monkeypatch: pytest.MonkeyPatch, secret: str | None = None) -> str:
    monkeypatch.setattr(time, "time", lambda: at)
    key = secret or app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    token = URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(raw)
    monkeypatch.setattr(time, "time", lambda: NOW)
    return str(token)


def test_every_kind_of_token_gets_flask_wtfs_answer(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    fresh = signed(app, RAW, NOW - 10, monkeypatch)
    cases = {
        "fresh": (RAW, fresh, True),
        "at the time limit": (RAW, signed(app, RAW, NOW - limit, monkeypatch), True),
        "expired": (RAW, signed(app, RAW, NOW - limit - 1, monkeypatch), False),
        "another session's": (OTHER_RAW, fresh, False),
        "no session token": (None, fresh, False),
        "missing": (RAW, None, False),
        "empty": (RAW, "", False),
        "truncated": (RAW, fresh[:-3], False),
        "signature altered": (RAW, fresh[:-1] + ("A" if fresh[-1] != "A" else "B"), False),
        "another secret's": (RAW, signed(app, RAW, NOW - 10, monkeypatch, secret="not the app's"), False),
        "not a token": (RAW, "é « » ..", False),
        "a signed number": (RAW, signed(app, 12345, NOW - 10, monkeypatch), False),
    }
    monkeypatch.setattr(time, "time", lambda: NOW)
    for round in ("first", "again, remembered"):
        for name, (raw, data, accepted) in cases.items():
            if name != "a signed number":  # Flask-WTF fails on a non-string payload (TypeError), we refuse it
                assert flask_wtf_accepts(app, raw, data) is accepted, (round, name)
            assert ours_accepts(app, raw, data) is accepted, (round, name)


def test_a_remembered_token_still_expires_and_opens_only_its_session(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    token = signed(app, RAW, NOW, monkeypatch)
    assert ours_accepts(app, RAW, token)  # verified and remembered
    assert not ours_accepts(app, OTHER_RAW, token)  # an attacker's session posting a victim's token
    monkeypatch.setattr(time, "time", lambda: NOW + limit)
    assert ours_accepts(app, RAW, token) and flask_wtf_accepts(app, RAW, token)
    monkeypatch.setattr(time, "time", lambda: NOW + limit + 1)
    assert not ours_accepts(app, RAW, token) and not flask_wtf_accepts(app, RAW, token)
    monkeypatch.setattr(time, "time", lambda: NOW - 1)  # a clock set back: itsdangerous refuses a future stamp
    assert not ours_accepts(app, RAW, token) and not flask_wtf_accepts(app, RAW, token)


def test_a_new_secret_verifies_again(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    token = signed(app, RAW, NOW, monkeypatch)
    assert ours_accepts(app, RAW, token)
    monkeypatch.setitem(app.config, "WTF_CSRF_SECRET_KEY", "a rotated secret")
    assert not ours_accepts(app, RAW, token) and not flask_wtf_accepts(app, RAW, token)


def test_the_remembered_tokens_are_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csrf_token, "CSRF_VERIFIED_SIZE", 3)
    monkeypatch.setattr(csrf_token, "_CSRF_VERIFIED", {})  # tokens other tests remembered
    for second in range(5):
        assert ours_accepts(app, RAW, signed(app, RAW, NOW - second, monkeypatch))
        assert len(csrf_token._CSRF_VERIFIED) <= 3


def test_a_token_made_for_a_page_is_accepted_with_its_session(app: Flask) -> None:
    with app.test_request_context("/en/"):
        token = csrf_token.request_csrf_token()
        raw = session["csrf_token"]
    assert ours_accepts(app, raw, token) and flask_wtf_accepts(app, raw, token)
    assert not ours_accepts(app, OTHER_RAW, token)
