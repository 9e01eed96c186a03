"""The request's CSRF token (web/csrf_token.py): Flask-WTF's token, signed once a minute per session, never shared."""

from __future__ import annotations

import gzip
import re
import time

import pytest
from flask import Flask, session
from flask_wtf.csrf import validate_csrf
from itsdangerous import URLSafeTimedSerializer
from wtforms import ValidationError

from benchmark.web import csrf_token
from benchmark.web.csrf_token import CSRF_REUSE_SECONDS, request_csrf_token

T0 = 1_800_000_000.0
ALICE = "a3f" * 13 + "9"
MALLORY = "b" * 40
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time every clock reads (itsdangerous signs and checks with time.time); nothing kept from other tests."""
    now = [T0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.setattr(csrf_token, "_KEPT", csrf_token._Kept())
    return now


def token_at(app: Flask, raw: str, when: float, clock: list[float]) -> str:
    """The token a request of the session holding ``raw`` gets at ``when``."""
    clock[0] = when
    with app.test_request_context("/en/"):
        session["csrf_token"] = raw
        return request_csrf_token()


def refusal(app: Flask, raw: str, token: str) -> str | None:
    """Why Flask-WTF's own ``validate_csrf`` refuses ``token`` in the session holding ``raw`` (None: accepted)."""
    with app.test_request_context("/en/"):
        session["csrf_token"] = raw
        try:
            validate_csrf(token)
        except ValidationError as error:
            return str(error)
    return None


@pytest.mark.parametrize("raw", [ALICE, "é « » " * 20])
def test_the_request_token_is_flask_wtfs_token_to_the_byte(app: Flask, raw: str, clock: list[float]) -> None:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    expected = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)
    for _ in range(2):  # signed, then given again within the window
        assert token_at(app, raw, T0, clock) == expected
    assert csrf_token._KEPT.tokens[raw].token == expected


def test_a_token_is_given_again_within_the_window_and_validates_with_flask_wtf(app: Flask, clock: list[float]) -> None:
    first = token_at(app, ALICE, T0, clock)
    again = token_at(app, ALICE, T0 + CSRF_REUSE_SECONDS - 1, clock)
    assert again == first
    assert refusal(app, ALICE, again) is None
    later = token_at(app, ALICE, T0 + CSRF_REUSE_SECONDS, clock)  # older than the window: signed anew
    assert later != first
    assert refusal(app, ALICE, later) is None and refusal(app, ALICE, first) is None  # both within the time limit
    assert token_at(app, ALICE, T0 + CSRF_REUSE_SECONDS + 1, clock) == later


def test_expired_tokens_still_fail_and_the_page_then_gets_a_new_one(app: Flask, clock: list[float]) -> None:
    first = token_at(app, ALICE, T0, clock)
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    clock[0] = T0 + limit + 1
    assert refusal(app, ALICE, first) == "The CSRF token has expired."
    fresh = token_at(app, ALICE, T0 + limit + 1, clock)
    assert fresh != first and refusal(app, ALICE, fresh) is None
    clock[0] = T0 + 2 * limit + 2
    assert refusal(app, ALICE, fresh) == "The CSRF token has expired."


def test_a_clock_set_back_signs_anew(app: Flask, clock: list[float]) -> None:
    first = token_at(app, ALICE, T0, clock)
    earlier = token_at(app, ALICE, T0 - 10, clock)
    assert earlier != first and refusal(app, ALICE, earlier) is None


def test_two_sessions_never_get_each_others_token(app: Flask, clock: list[float]) -> None:
    """An attacker's session asking at the same second as the victim's gets its own token, and that one only."""
    alice = token_at(app, ALICE, T0, clock)
    for second in range(3):
        mallory = token_at(app, MALLORY, T0 + second, clock)
        assert mallory != alice
        assert token_at(app, ALICE, T0 + second, clock) == alice
    assert refusal(app, MALLORY, alice) == "The CSRF tokens do not match."
    assert refusal(app, ALICE, mallory) == "The CSRF tokens do not match."
    assert refusal(app, MALLORY, mallory) is None


def test_two_visitors_of_a_kept_page_in_the_same_minute_each_post_only_their_own(csrf_app: Flask) -> None:
    alice, mallory = csrf_app.test_client(), csrf_app.test_client()
    gzip_please = {"Accept-Encoding": "gzip"}

    def token_of(client) -> str:  # type: ignore[no-untyped-def]
        page = gzip.decompress(client.get("/en/assessment/", headers=gzip_please).get_data()).decode()
        (token,) = set(TOKEN.findall(page))
        return str(token)

    tokens = {"alice": [token_of(alice), token_of(alice)], "mallory": [token_of(mallory), token_of(mallory)]}
    assert tokens["alice"][0] == tokens["alice"][1]  # given again within the minute
    assert not set(tokens["alice"]) & set(tokens["mallory"])
    assert mallory.post("/en/assessment/", data={"csrf_token": tokens["alice"][0]}).status_code == 400
    assert alice.post("/en/assessment/", data={"csrf_token": tokens["mallory"][0]}).status_code == 400
    assert alice.post("/en/assessment/", data={"csrf_token": tokens["alice"][1]}).status_code == 302


def test_a_new_secret_forgets_every_kept_token(app: Flask, clock: list[float]) -> None:
    first = token_at(app, ALICE, T0, clock)
    app.config["WTF_CSRF_SECRET_KEY"] = "a-new-secret"
    rotated = token_at(app, ALICE, T0, clock)  # the same second: still signed anew, with the new secret
    assert rotated != first
    assert refusal(app, ALICE, rotated) is None and refusal(app, ALICE, first) == "The CSRF token is invalid."
    assert csrf_token._KEPT.secret == "a-new-secret" and list(csrf_token._KEPT.tokens) == [ALICE]


def test_what_is_kept_is_bounded(app: Flask, clock: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csrf_token, "CSRF_TOKENS_SIZE", 3)
    tokens = {raw: token_at(app, raw, T0, clock) for raw in (f"{n:040x}" for n in range(10))}
    assert len(csrf_token._KEPT.tokens) <= 3
    assert all(refusal(app, raw, token) is None for raw, token in tokens.items())


def test_the_window_is_at_most_a_sixtieth_of_the_time_limit(app: Flask, clock: list[float]) -> None:
    assert csrf_token.reuse_seconds(3600) == CSRF_REUSE_SECONDS == 60
    assert csrf_token.reuse_seconds(None) == 60 and csrf_token.reuse_seconds(600) == 10
    app.config["WTF_CSRF_TIME_LIMIT"] = 30  # under a minute: nothing is given again
    first = token_at(app, ALICE, T0, clock)
    assert token_at(app, ALICE, T0 + 1, clock) != first
