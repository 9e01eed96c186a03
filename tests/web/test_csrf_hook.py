"""Flask-WTF's app-wide CSRF hook runs only for the methods it checks (web/csrf_hook.py); POSTs as before."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, request

from benchmark.extensions import csrf


def token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.fixture
def protections(csrf_app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The methods of the requests on which CSRFProtect was asked to check (by the app's hook or a view)."""
    asked: list[str] = []
    real = csrf.protect

    def protect(*args: Any, **kwargs: Any) -> Any:
        asked.append(request.method)
        return real(*args, **kwargs)

    monkeypatch.setattr(csrf, "protect", protect)
    return asked


def test_the_hook_is_flask_wtfs_own_behind_a_method_check(csrf_app: Flask) -> None:
    hooks = [hook for hook in csrf_app.before_request_funcs[None] if hook.__name__ == "csrf_protect"]
    assert len(hooks) == 1
    assert hooks[0].__wrapped__.__module__ == "flask_wtf.csrf"  # type: ignore[attr-defined]


def test_a_get_is_not_checked_and_a_post_without_token_is_still_refused(
    csrf_app: Flask, protections: list[str]
) -> None:
    client = csrf_app.test_client()
    assert client.get("/en/assessment/").status_code == 200
    assert client.get("/en/privacy").status_code == 200
    assert client.head("/en/").status_code == 200
    assert protections == []  # GET and HEAD never reach Flask-WTF's check
    refused = client.post("/en/assessment/", data={"label": "x"})
    assert refused.status_code == 400
    assert "Please press the button again" in refused.get_data(as_text=True)
    assert protections == ["POST"]
    wrong = client.post("/en/assessment/", data={"label": "x", "csrf_token": "not-a-token"})
    assert wrong.status_code == 400
    good = token_in(client.get("/en/assessment/").get_data(as_text=True))
    assert client.post("/en/assessment/", data={"label": "x", "csrf_token": good}).status_code == 302
    assert protections == ["POST", "POST", "POST"]


def test_the_checked_methods_are_read_per_request_as_flask_wtf_reads_them(
    csrf_app: Flask, protections: list[str]
) -> None:
    client = csrf_app.test_client()
    csrf_app.config["WTF_CSRF_METHODS"] = {"GET", "POST"}
    assert client.get("/en/privacy").status_code == 400  # now a GET must carry a token
    assert protections == ["GET"]
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    assert client.get("/en/privacy").status_code == 200  # Flask-WTF's own switch still decides
    assert client.post("/en/assessment/", data={"label": "x"}).status_code == 302


def test_an_exempt_view_is_still_exempt_from_the_app_wide_hook(csrf_app: Flask, protections: list[str]) -> None:
    client = csrf_app.test_client()
    # The sign-in view is exempt from the app-wide hook: limit_attempts runs the same check inside the view.
    response = client.post("/en/account/sign-in", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400  # refused by the check inside the view
    assert protections == ["POST", "POST"]  # asked by the hook (which skips an exempt view), then by the view
