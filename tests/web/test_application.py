"""The app's Flask class (web/application.py): each callable's sync/async check made once, never unbounded."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g

from benchmark.web import application
from benchmark.web.application import BenchmarkFlask


def test_the_app_decides_each_hook_once_and_still_runs_it(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(app, BenchmarkFlask)
    asked: list[Any] = []
    real = application.Flask.ensure_sync

    def counting(self: Flask, func: Any) -> Any:
        asked.append(func)
        return real(self, func)

    monkeypatch.setattr(application.Flask, "ensure_sync", counting)
    client = app.test_client()
    assert client.get("/en/privacy").status_code == 200
    first = len(asked)
    assert client.get("/en/privacy").status_code == 200
    assert len(asked) == first  # nothing asked again for the same hooks and view
    headers = client.get("/en/privacy").headers  # and every hook still ran
    assert headers["X-Frame-Options"] == "DENY"


class Unhashable:
    """A callable that cannot be a dictionary key."""

    __hash__ = None  # type: ignore[assignment]

    def __call__(self) -> str:
        return "called"


def test_an_unhashable_callable_and_callables_past_the_bound_are_decided_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = BenchmarkFlask(__name__)
    assert app.ensure_sync(Unhashable())() == "called"
    monkeypatch.setattr(application, "SYNC_CALLABLES", 3)
    for index in range(10):
        assert app.ensure_sync(lambda index=index: index)() == index
    assert len(app._sync_callables) == 3


def test_a_hook_registered_on_a_plain_app_behaves_as_in_flask() -> None:
    app = BenchmarkFlask(__name__)

    @app.before_request
    def remember() -> None:
        g.seen = True

    @app.get("/")
    def index() -> str:
        return "seen" if g.get("seen") else "not seen"

    assert app.test_client().get("/").get_data(as_text=True) == "seen"
