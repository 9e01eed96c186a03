"""Session cookies opened once per cookie (web/session_cookie.py): never longer, wider or looser than Flask's own."""

from __future__ import annotations

import time

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from benchmark.web import session_cookie

LIFETIME = 3600


@pytest.fixture
def app() -> Flask:
    """A small app with the project's session interface: one page shows the session, one changes it."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="first secret", PERMANENT_SESSION_LIFETIME=LIFETIME)
    session_cookie.init_app(app)

    @app.get("/show")
    def show() -> dict[str, object]:
        shown = dict(session)
        session["seen"] = session.get("seen", 0) + 1  # a change a cached copy must not keep
        return shown

    @app.get("/set/<value>")
    def set_value(value: str) -> str:
        session["value"] = value
        return "ok"

    @app.get("/set-list")
    def set_list() -> str:
        session["items"] = ["a"]
        return "ok"

    return app


def cookie_of(client: FlaskClient) -> str:
    """The session cookie the client holds."""
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def show(app: Flask, cookie: str) -> object:
    """What /show sees with exactly ``cookie`` (a fresh client: nothing but that cookie)."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/show").get_json()


def test_the_same_cookie_opens_to_the_same_session_and_a_change_stays_in_its_own_request(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/maple")
    cookie = cookie_of(client)
    assert show(app, cookie) == {"value": "maple"}
    assert cookie in app.session_interface._opened  # type: ignore[attr-defined]
    # /show changed its session (seen = 1): the next request with the old cookie opens the old data.
    assert show(app, cookie) == {"value": "maple"}
    assert show(app, cookie) == {"value": "maple"}


def test_an_expired_cookie_opens_empty_even_when_it_was_opened_before(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/set/maple")
    cookie = cookie_of(client)
    assert show(app, cookie) == {"value": "maple"}
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + LIFETIME + 2)
    assert show(app, cookie) == {}
    monkeypatch.setattr(time, "time", lambda: now - 60)  # signed "in the future": itsdangerous refuses it too
    assert show(app, cookie) == {}


def test_a_forged_or_altered_cookie_never_opens(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/maple")
    cookie = cookie_of(client)
    assert show(app, cookie) == {"value": "maple"}
    payload, rest = cookie.split(".", 1)
    forged = URLSafeTimedSerializer("another secret", salt="cookie-session", signer_kwargs={"key_derivation": "hmac"})
    assert show(app, forged.dumps({"value": "maple", "user_id": 1})) == {}
    assert show(app, payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + rest) == {}


def test_a_new_secret_forgets_every_opened_cookie(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/maple")
    cookie = cookie_of(client)
    assert show(app, cookie) == {"value": "maple"}
    app.config["SECRET_KEY"] = app.secret_key = "second secret"
    assert show(app, cookie) == {}
    app.config["SECRET_KEY_FALLBACKS"] = ["first secret"]  # a rotation that still accepts the old key
    assert show(app, cookie) == {"value": "maple"}


def test_a_session_holding_a_mutable_value_is_verified_every_time(app: Flask) -> None:
    client = app.test_client()
    client.get("/set-list")
    cookie = cookie_of(client)
    assert show(app, cookie) == {"items": ["a"]}
    assert cookie not in app.session_interface._opened  # type: ignore[attr-defined]


def test_the_opened_cookies_are_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_cookie, "OPENED_SIZE", 3)
    cookies = []
    for value in "abcde":
        client = app.test_client()
        client.get(f"/set/{value}")
        cookies.append(cookie_of(client))
        assert show(app, cookies[-1]) == {"value": value}
        assert len(app.session_interface._opened) <= 3  # type: ignore[attr-defined]
    assert [show(app, cookie) for cookie in cookies] == [{"value": value} for value in "abcde"]


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        (None, "Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Cookie"),  # what Werkzeug's HeaderSet writes
        ("Accept-Encoding, Cookie", "Accept-Encoding, Cookie"),
        ("cookie", "cookie"),
    ],
)
def test_an_unchanged_session_adds_vary_cookie_as_flask_does(app: Flask, vary: str | None, expected: str) -> None:
    @app.get("/read")
    def read() -> tuple[str, int, dict[str, str]]:
        return str(session.get("value")), 200, ({"Vary": vary} if vary else {})

    client = app.test_client()
    client.get("/set/maple")
    response = client.get("/read")
    assert response.get_data(as_text=True) == "maple"
    assert "Set-Cookie" not in response.headers  # nothing changed: no cookie sent again
    assert response.headers["Vary"] == expected
    assert client.get("/set/birch").headers["Vary"] == "Cookie"  # a change still sets the cookie, as Flask does
    assert show(app, cookie_of(client)) == {"value": "birch"}
