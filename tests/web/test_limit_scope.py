"""Rate limits are checked only on the routes that have one (the others skip Flask-Limiter's hook)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, request
from flask_limiter import Limiter

from benchmark.web.limits import limiter
from tests.factories import make_app, reset


@pytest.fixture
def limited_app(database_url: str, _schema: None) -> Any:
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    yield app
    reset(app)


def test_the_hook_runs_only_where_a_limit_applies(
    database_url: str, _schema: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str | None] = []
    original = Limiter._check_request_limit

    def spy(self: Limiter, *args: Any, **kwargs: Any) -> None:
        checked.append(request.endpoint)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", spy)  # before the app binds its hook
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    try:
        assert limiter._check_request_limit not in app.before_request_funcs[None]  # replaced by the filter
        client = app.test_client()
        assert client.get("/en/").status_code == 200
        assert client.get("/en/privacy").status_code == 200
        assert client.get("/api/v1/aggregates").status_code in {200, 401, 403}  # a blueprint-wide limit
        assert checked[:1] == ["api.aggregates"], checked
        checked.clear()
        client.post("/en/account/sign-in", data={"email": "nobody@example.org", "password": "wrong"})
        assert checked and set(checked) == {"accounts.sign_in"}
    finally:
        reset(app)


def test_sign_in_is_still_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    statuses = [
        client.post("/en/account/sign-in", data={"email": "nobody@example.org", "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert 429 in statuses and statuses.index(429) == 10
