"""Links handed to people come from PUBLIC_BASE_URL, never the Host header; TRUSTED_PROXIES (ProxyFix) and HSTS."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask, request
from flask.testing import FlaskClient, FlaskCliRunner
from flask_limiter.util import get_remote_address

from benchmark.config import ConfigError, Settings
from benchmark.extensions import db
from benchmark.store.models import Workshop
from tests.factories import PASSWORD, add_user, make_app, page_ids, reset, start_assessment

PUBLIC = "https://benchmark.example.ca"
FORGED_HOST = "evil.example"
RESET_LINK = re.compile(r"(https?://[^\s\"'<>]*?)/en/account/reset/[A-Za-z0-9_-]{43}")
FORGED = {"base_url": f"http://{FORGED_HOST}"}  # every request of the client names the forged Host


def make(database_url: str, **overrides: object) -> Iterator[Flask]:
    app = make_app(database_url, **overrides)
    yield app
    reset(app)


@pytest.fixture
def public_app(database_url: str, _schema: None) -> Iterator[Flask]:
    yield from make(database_url, PUBLIC_BASE_URL=PUBLIC)


@pytest.fixture
def proxied_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """One trusted TLS proxy, no PUBLIC_BASE_URL (links follow the proxied request)."""
    yield from make(database_url, TRUSTED_PROXIES=1)


def html(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.get_data(as_text=True))


def private_link_page(client: FlaskClient, **request_options: object) -> str:
    token = start_assessment(client)
    return html(client.get(f"/en/assessment/{token}/link", **request_options))


def staff_client(app: Flask, role: str, **request_options: object) -> FlaskClient:
    """A signed-in staff client; its sign-in uses the same request options (so the cookie follows the Host)."""
    email = f"{role}@example.org"
    add_user(app, email, role)
    client = app.test_client()
    signed = client.post("/en/account/sign-in", data={"email": email, "password": PASSWORD}, **request_options)
    assert signed.status_code == 303
    return client


def set_password_link_page(app: Flask, **request_options: object) -> str:
    admin = staff_client(app, "admin", **request_options)
    data = {"email": "new@example.org", "role": "analyst"}
    return html(admin.post("/en/account/users", data=data, **request_options))


# --------------------------------------------------------------------------- PUBLIC_BASE_URL


def test_a_forged_host_never_reaches_a_private_link(public_app: Flask) -> None:
    page = private_link_page(public_app.test_client(), headers={"Host": FORGED_HOST})
    assert f"{PUBLIC}/en/assessment/" in page
    assert FORGED_HOST not in page


def test_a_forged_host_never_reaches_a_set_password_link(public_app: Flask) -> None:
    page = set_password_link_page(public_app, **FORGED)
    match = RESET_LINK.search(page)
    assert match and match.group(1).endswith(PUBLIC), match
    assert FORGED_HOST not in page


def test_a_forged_host_never_reaches_a_workshop_join_link(public_app: Flask) -> None:
    facilitator = staff_client(public_app, "facilitator", **FORGED)
    data = {"title": "Digital basics", "language": "en", "pages": page_ids(public_app), "previous_id": "0"}
    created = facilitator.post("/en/workshops/new", data=data, **FORGED)
    assert created.status_code == 302
    workshop_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    with public_app.app_context():
        code = db.session.get(Workshop, workshop_id).join_code  # type: ignore[union-attr]
    handout = html(facilitator.get(f"/en/workshops/{workshop_id}/handout", **FORGED))
    assert f"{PUBLIC}/en/workshops/join?code={code}" in handout
    assert FORGED_HOST not in handout


def test_forwarded_host_is_never_trusted(database_url: str, _schema: None) -> None:
    for app in make(database_url, TRUSTED_PROXIES=1, PUBLIC_BASE_URL=PUBLIC):
        page = private_link_page(app.test_client(), headers={"X-Forwarded-Host": FORGED_HOST})
        assert f"{PUBLIC}/en/assessment/" in page and FORGED_HOST not in page


def test_cli_link_uses_public_base_url(public_app: Flask, runner: FlaskCliRunner) -> None:
    runner = public_app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "a@example.org", "--role", "admin", "--link"])
    assert result.exit_code == 0, result.output
    assert f"{PUBLIC}/en/account/reset/" in result.output
    explicit = runner.invoke(args=["users", "reset", "a@example.org", "--base-url", "https://other.example/bench/"])
    assert "https://other.example/bench/en/account/reset/" in explicit.output


def test_without_public_base_url_links_follow_the_request(app: Flask, client: FlaskClient) -> None:
    """Local use: today's behaviour."""
    assert "http://localhost/en/assessment/" in private_link_page(client)


# --------------------------------------------------------------------------- TRUSTED_PROXIES


def test_behind_a_trusted_tls_proxy_links_are_https_and_hsts_is_sent(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    token = start_assessment(client)
    response = client.get(f"/en/assessment/{token}/link", headers=proxied)
    assert f"https://localhost/en/assessment/{token}/" in html(response)
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    users_page = set_password_link_page(proxied_app, headers=proxied)
    match = RESET_LINK.search(users_page)
    assert match and match.group(1) == "https://localhost", match


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app: Flask, client: FlaskClient) -> None:
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    token = start_assessment(client)
    response = client.get(f"/en/assessment/{token}/link", headers=forged)
    assert "Strict-Transport-Security" not in response.headers  # still plain HTTP
    assert f"http://localhost/en/assessment/{token}/" in html(response)


def rate_limit_key(app: Flask, headers: dict[str, str]) -> str:
    """The key the limiter would count this request under (the request as the WSGI stack passes it)."""
    seen: list[str] = []

    @app.get("/_key")
    def _key() -> str:
        seen.append(get_remote_address())
        return request.scheme

    app.test_client().get("/_key", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    return seen[0]


def test_rate_limit_key_trusts_only_a_configured_proxy(database_url: str, _schema: None) -> None:
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for app in make(database_url):
        assert rate_limit_key(app, forged) == "192.0.2.1"
    for app in make(database_url, TRUSTED_PROXIES=1):
        assert rate_limit_key(app, forged) == "203.0.113.9"
    for app in make(database_url, TRUSTED_PROXIES=1):
        # One hop trusted: only the last address the proxy appended counts, not the client's own claim.
        assert rate_limit_key(app, {"X-Forwarded-For": "10.0.0.1, 203.0.113.9"}) == "203.0.113.9"


# --------------------------------------------------------------------------- settings


def test_settings_parse_and_check_the_new_variables() -> None:
    base = {"SECRET_KEY": "x"}
    defaults = Settings.from_environment(base)
    assert defaults.public_base_url is None and defaults.trusted_proxies == 0
    settings = Settings.from_environment({**base, "PUBLIC_BASE_URL": "https://b.example.ca/", "TRUSTED_PROXIES": "2"})
    assert settings.public_base_url == "https://b.example.ca" and settings.trusted_proxies == 2
    assert settings.flask_config()["PUBLIC_BASE_URL"] == "https://b.example.ca"
    assert settings.flask_config()["TRUSTED_PROXIES"] == 2
    for bad in (
        "benchmark.example.ca",
        "ftp://b.example",
        "https://b.example/?x=1",
        "https://u@b.example",
        "https://",
        "https://b.example:99999",
    ):
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
            Settings.from_environment({**base, "PUBLIC_BASE_URL": bad})
    for bad in ("-1", "one", "11"):
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            Settings.from_environment({**base, "TRUSTED_PROXIES": bad})
