"""Staff accounts: sign-in, lockout, sessions that die server-side, set-password links, roles, rate limits, CLI."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from benchmark.extensions import db
from benchmark.staff.accounts import services
from benchmark.store.models import PasswordReset, User, utcnow
from tests.factories import make_app, reset

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "violet kettle marathon seven"
FACILITATOR = "facilitator@example.org"
ANALYST = "analyst@example.org"
ADMIN = "admin@example.org"
SIGN_IN = "/en/account/sign-in"
ACCOUNT = "/en/account/"
USERS = "/en/account/users"
GENERIC_FAILURE = "The email address or password is not right."
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RESET_LINK = re.compile(r"/(en|fr)/account/reset/([A-Za-z0-9_-]{43})")


@pytest.fixture(autouse=True)
def _account_logs_enabled() -> None:
    """Alembic's fileConfig (run by the schema fixture) disables loggers that existed before it."""
    logging.getLogger("benchmark.staff.accounts").disabled = False


def create(app: Flask, email: str = FACILITATOR, role: str = "facilitator", password: str | None = PASSWORD) -> int:
    with app.app_context():
        return services.create_user(email, role, password).id


def load(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.expunge(user)
        return user


def sign_in(client: FlaskClient, email: str = FACILITATOR, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(SIGN_IN, data={"email": email, "password": password, **extra})


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def issue_link(app: Flask, user_id: int) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return services.issue_reset(user)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("short1!", True),  # 7 characters
        ("x" * 129, True),
        ("password", True),
        ("Password123!", True),  # a common password with digits and a symbol added
        ("AZERTYUIOP", True),
        ("Montreal2025", True),
        ("aaaaaaaaaaaa", True),
        ("jeanne.tremblay-2025", True),  # contains the email's local part
        ("lowercase only words", False),  # no composition rules
        ("12 Février à l'aube", False),
        ("x" * 20 + "y" * 44 + "z" * 64, False),  # 128 characters
    ],
)
def test_password_policy(password: str, refused: bool, app: Flask) -> None:
    with app.test_request_context("/en/"):
        assert (services.password_problem(password, "jeanne.tremblay@example.org") is not None) is refused


def test_passwords_are_hashed_with_argon2id(app: Flask) -> None:
    user = load(app, create(app))
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_email_is_stored_lower_case_and_unique(app: Flask) -> None:
    user = load(app, create(app, email="  Facilitator@Example.ORG "))
    assert user.email == FACILITATOR
    with app.app_context(), pytest.raises(services.AccountError):
        services.create_user("FACILITATOR@example.org", "analyst", PASSWORD)


def test_role_is_checked_by_the_database(app: Flask) -> None:
    with app.app_context():
        db.session.add(User(email="x@example.org", role="superuser"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


# --------------------------------------------------------------------------- sign-in


def test_sign_in_opens_the_account_page(app: Flask, client: FlaskClient) -> None:
    create(app)
    response = sign_in(client, email="Facilitator@Example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == ACCOUNT
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert FACILITATOR in text(page)
    assert load(app, _only_user_id(app)).last_login_at is not None


def _only_user_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id))  # type: ignore[return-value]


def test_sign_in_form_helps_password_managers(client: FlaskClient) -> None:
    page = client.get(SIGN_IN).get_data(as_text=True)
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert '<label for="email">' in page and '<label for="password">' in page
    assert "onpaste" not in page  # pasting is allowed


def test_unknown_email_and_wrong_password_get_the_same_answer(app: Flask, client: FlaskClient) -> None:
    create(app)
    wrong_password = sign_in(client, password="not the password at all")
    unknown_email = sign_in(client, email="nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert GENERIC_FAILURE in text(wrong_password)
    assert text(wrong_password).replace(FACILITATOR, "") == text(unknown_email).replace("nobody@example.org", "")


def test_unknown_email_costs_a_password_verification(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    with app.app_context():
        assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_account_locks_after_ten_wrong_passwords(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    for _attempt in range(10):
        assert sign_in(client, password="wrong wrong wrong").status_code == 400
    locked = sign_in(client)  # the right password, during the lock
    assert locked.status_code == 400
    assert GENERIC_FAILURE in text(locked)
    user = load(app, user_id)
    assert user.locked_until is not None and user.failed_logins == 0
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == user_id).values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert sign_in(client).status_code == 303


def test_a_success_resets_the_failure_count(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    for _attempt in range(9):
        sign_in(client, password="wrong wrong wrong")
    assert sign_in(client).status_code == 303
    assert load(app, user_id).failed_logins == 0


def test_deactivated_account_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    with app.app_context():
        services.deactivate(db.session.get(User, user_id))  # type: ignore[arg-type]
    response = sign_in(client)
    assert response.status_code == 400 and GENERIC_FAILURE in text(response)


def test_account_without_password_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    create(app, password=None)
    assert sign_in(client, password="").status_code == 400
    assert sign_in(client, password=PASSWORD).status_code == 400


# --------------------------------------------------------------------------- sessions


def test_sign_in_starts_a_new_session(app: Flask, client: FlaskClient) -> None:
    create(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = session_cookie(client)
    response = sign_in(client)
    after = session_cookie(client)
    assert before and after and before != after
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["user_id"] == _only_user_id(app)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Expires=" in set_cookie


def test_sign_out_kills_a_replayed_cookie(app: Flask, client: FlaskClient) -> None:
    create(app)
    sign_in(client)
    old_cookie = session_cookie(client)
    assert old_cookie and client.get(ACCOUNT).status_code == 200
    response = client.post("/en/account/sign-out")
    assert response.status_code == 303 and "/en/account/sign-in" in response.headers["Location"]
    assert client.get(ACCOUNT).status_code == 302
    client.set_cookie("session", old_cookie)
    replayed = client.get(ACCOUNT)
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith(SIGN_IN)


def test_sign_out_is_post_only(client: FlaskClient) -> None:
    assert client.get("/en/account/sign-out").status_code == 405


def test_old_sign_in_expires(app: Flask, client: FlaskClient) -> None:
    create(app)
    sign_in(client)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 13 * 3600
    assert client.get(ACCOUNT).status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app: Flask) -> None:
    create(app)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(elsewhere)
    old_cookie = session_cookie(here)
    version = load(app, _only_user_id(app)).session_version
    response = here.post("/en/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert load(app, _only_user_id(app)).session_version > version
    assert here.get(ACCOUNT).status_code == 200  # renewed session
    assert elsewhere.get(ACCOUNT).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie or "")
    assert replay.get(ACCOUNT).status_code == 302
    assert sign_in(app.test_client()).status_code == 400
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 303


def test_password_change_needs_the_current_password_and_a_good_new_one(app: Flask, client: FlaskClient) -> None:
    create(app)
    sign_in(client)
    wrong = client.post("/en/account/password", data={"current_password": "nope nope", "password": NEW_PASSWORD})
    assert wrong.status_code == 400 and "Your current password is not right." in text(wrong)
    weak = client.post("/en/account/password", data={"current_password": PASSWORD, "password": "password1"})
    assert weak.status_code == 400 and "too easy to guess" in text(weak)
    assert 'class="error-summary"' in text(weak) and 'href="#password"' in text(weak)


def test_deactivation_ends_sessions(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    sign_in(client)
    with app.app_context():
        services.deactivate(db.session.get(User, user_id))  # type: ignore[arg-type]
    assert client.get(ACCOUNT).status_code == 302


def test_sign_out_everywhere_ends_every_session(app: Flask) -> None:
    user_id = create(app)
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    with app.app_context():
        services.sign_out_everywhere(db.session.get(User, user_id))  # type: ignore[arg-type]
    assert first.get(ACCOUNT).status_code == 302 and second.get(ACCOUNT).status_code == 302


def test_footer_offers_sign_in_then_sign_out(app: Flask, client: FlaskClient) -> None:
    create(app)
    assert 'href="/en/account/sign-in"' in client.get("/en/").get_data(as_text=True)
    sign_in(client)
    page = client.get("/en/").get_data(as_text=True)
    assert 'action="/en/account/sign-out"' in page and 'href="/en/account/sign-in"' not in page


# --------------------------------------------------------------------------- next= redirects


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil",
        "/\\/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "/%0d%0aLocation:%20https://evil.example".replace("%0d%0a", "\r\n"),
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(app: Flask, client: FlaskClient, target: str) -> None:
    create(app)
    response = sign_in(client, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == ACCOUNT
    page = client.get(SIGN_IN, query_string={"next": target})
    assert page.headers["Location"] == ACCOUNT  # already signed in: straight to the account page


def test_next_path_on_the_site_is_followed(app: Flask, client: FlaskClient) -> None:
    create(app, role="admin")
    anonymous = client.get(USERS + "?sort=email")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == SIGN_IN + "?next=/en/account/users?sort%3Demail"
    form = client.get(anonymous.headers["Location"]).get_data(as_text=True)
    assert 'value="/en/account/users?sort=email"' in form
    response = sign_in(client, next="/en/account/users?sort=email")
    assert response.headers["Location"] == "/en/account/users?sort=email"


# --------------------------------------------------------------------------- set-password links


def test_reset_link_sets_a_password_once_and_ends_sessions(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    signed_in = app.test_client()
    sign_in(signed_in)
    token = issue_link(app, user_id)
    with app.app_context():
        stored = db.session.scalar(sa.select(PasswordReset.token_hash))
    assert stored == services.token_hash(token) and token not in (stored or "")
    url = f"/en/account/reset/{token}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.get_data(as_text=True)
    assert client.get(url).status_code == 200  # opening the link does not use it up
    done = client.post(url, data={"password": NEW_PASSWORD})
    assert done.status_code == 200 and "Your password is set" in text(done)
    assert signed_in.get(ACCOUNT).status_code == 302
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 400
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 303
    assert client.get(url).status_code == 404
    assert client.post(url, data={"password": "another fine passphrase"}).status_code == 404
    assert sign_in(app.test_client(), password="another fine passphrase").status_code == 400


def test_reset_link_expires(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    token = issue_link(app, user_id)
    with app.app_context():
        link = db.session.scalar(sa.select(PasswordReset))
        assert link is not None
        lifetime = link.expires_at - link.created_at
        assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    url = f"/en/account/reset/{token}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"password": NEW_PASSWORD}).status_code == 404
    assert sign_in(client, password=NEW_PASSWORD).status_code == 400


def test_a_new_link_replaces_the_old_one(app: Flask, client: FlaskClient) -> None:
    user_id = create(app)
    first = issue_link(app, user_id)
    second = issue_link(app, user_id)
    assert client.get(f"/en/account/reset/{first}").status_code == 404
    assert client.get(f"/en/account/reset/{second}").status_code == 200


def test_reset_refuses_a_weak_password_and_keeps_the_link(app: Flask, client: FlaskClient) -> None:
    token = issue_link(app, create(app))
    url = f"/en/account/reset/{token}"
    weak = client.post(url, data={"password": "password123"})
    assert weak.status_code == 400 and "too easy to guess" in text(weak)
    assert client.post(url, data={"password": NEW_PASSWORD}).status_code == 200


def test_unknown_reset_token_is_a_404(client: FlaskClient) -> None:
    assert client.get("/en/account/reset/" + "A" * 43).status_code == 404


# --------------------------------------------------------------------------- roles and the admin page


@pytest.mark.parametrize("role", ["facilitator", "analyst"])
def test_admin_page_is_forbidden_to_other_roles(app: Flask, client: FlaskClient, role: str) -> None:
    create(app, role=role)
    sign_in(client)
    assert client.get(USERS).status_code == 403
    assert client.post(USERS, data={"email": "new@example.org", "role": "admin"}).status_code == 403
    with app.app_context():
        assert services.find_user("new@example.org") is None


def test_admin_page_sends_anonymous_visitors_to_sign_in(client: FlaskClient) -> None:
    response = client.get(USERS)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(SIGN_IN + "?next=")
    assert client.post("/en/account/users/1/deactivate").status_code == 302


def test_admin_creates_an_account_and_sees_its_link_once(app: Flask, client: FlaskClient) -> None:
    create(app, email=ADMIN, role="admin")
    sign_in(client, email=ADMIN)
    assert client.get(USERS).status_code == 200
    created = client.post(USERS, data={"email": "New.Person@Example.org", "role": "analyst"})
    assert created.status_code == 200
    match = RESET_LINK.search(text(created))
    assert match
    assert RESET_LINK.search(text(client.get(USERS))) is None  # shown once
    newcomer = app.test_client()
    assert newcomer.post(match.group(0), data={"password": NEW_PASSWORD}).status_code == 200
    assert sign_in(newcomer, email="new.person@example.org", password=NEW_PASSWORD).status_code == 303
    duplicate = client.post(USERS, data={"email": "new.person@example.org", "role": "analyst"})
    assert duplicate.status_code == 400 and "already exists" in text(duplicate)
    missing = client.post(USERS, data={"email": "not-an-address", "role": ""})
    assert missing.status_code == 400
    assert "Choose a role." in text(missing) and 'href="#role"' in text(missing)


def test_admin_issues_a_link_and_deactivates(app: Flask, client: FlaskClient) -> None:
    admin_id = create(app, email=ADMIN, role="admin")
    other_id = create(app, email=ANALYST, role="analyst")
    other = app.test_client()
    sign_in(other, email=ANALYST)
    sign_in(client, email=ADMIN)
    issued = client.post(f"/en/account/users/{other_id}/link")
    assert issued.status_code == 200 and RESET_LINK.search(text(issued))
    deactivated = client.post(f"/en/account/users/{other_id}/deactivate")
    assert deactivated.status_code == 303
    assert not load(app, other_id).is_active
    assert other.get(ACCOUNT).status_code == 302
    assert client.post(f"/en/account/users/{admin_id}/deactivate").status_code == 409
    assert client.post("/en/account/users/999/deactivate").status_code == 404


def test_links_are_emailed_when_mail_is_configured(
    database_url: str, _schema: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            assert (host, port) == ("mail.example.org", 587)

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def starttls(self) -> None:
            pass

        def send_message(self, message) -> None:  # type: ignore[no-untyped-def]
            sent.append((message["To"], message.get_content()))

    monkeypatch.setattr(services.smtplib, "SMTP", FakeSMTP)
    app = make_app(database_url, MAIL_SERVER="mail.example.org")
    try:
        user_id = create(app, email=ADMIN, role="admin")
        other_id = create(app, email=ANALYST, role="analyst")
        client = app.test_client()
        sign_in(client, email=ADMIN)
        page = client.post(f"/en/account/users/{other_id}/link")
        assert "It was also sent by email." in text(page)
        match = RESET_LINK.search(text(page))
        assert match and sent and sent[0][0] == ANALYST and match.group(0) in sent[0][1]
        assert user_id
    finally:
        reset(app)


# --------------------------------------------------------------------------- CSRF and rate limits


def csrf_token_from(client: FlaskClient, url: str) -> str:
    match = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    assert match
    return match.group(1)


def test_sign_in_and_sign_out_need_the_csrf_token(csrf_app: Flask) -> None:
    create(csrf_app)
    client = csrf_app.test_client()
    refused = sign_in(client)
    assert refused.status_code == 400
    assert client.get(ACCOUNT).status_code == 302
    token = csrf_token_from(client, SIGN_IN)
    assert sign_in(client, csrf_token=token).status_code == 303
    assert client.post("/en/account/sign-out").status_code == 400
    assert client.get(ACCOUNT).status_code == 200  # still signed in
    footer_token = csrf_token_from(client, ACCOUNT)
    assert client.post("/en/account/sign-out", data={"csrf_token": footer_token}).status_code == 303
    assert client.get(ACCOUNT).status_code == 302


@pytest.fixture
def limited_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """CSRF and rate limits on, as in production (memory storage: a fresh count per app)."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    yield app
    reset(app)


def test_eleventh_sign_in_post_in_a_minute_is_refused_even_without_csrf_token(limited_app: Flask) -> None:
    create(limited_app)
    client = limited_app.test_client()
    statuses = [sign_in(client).status_code for _attempt in range(10)]
    assert statuses == [400] * 10  # refused by the CSRF check, yet counted
    eleventh = client.post("/fr/account/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert eleventh.status_code == 429
    assert "Trop de tentatives" in text(eleventh)
    assert int(eleventh.headers["Retry-After"]) > 0
    # A forged X-Forwarded-For does not reset the count (no proxy is trusted).
    forged = client.post(SIGN_IN, data={}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert forged.status_code == 429
    # Even a valid sign-in waits; reading the page is not limited.
    token = csrf_token_from(client, SIGN_IN)
    assert sign_in(client, csrf_token=token).status_code == 429
    assert client.get(SIGN_IN).status_code == 200
    # Another client address has its own count.
    other = limited_app.test_client()
    other_token = csrf_token_from(other, SIGN_IN)
    assert (
        other.post(
            SIGN_IN,
            data={"email": FACILITATOR, "password": PASSWORD, "csrf_token": other_token},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        ).status_code
        == 303
    )


def test_rate_limit_counts_valid_posts_too(limited_app: Flask) -> None:
    create(limited_app)
    client = limited_app.test_client()
    token = csrf_token_from(client, SIGN_IN)
    statuses = [sign_in(client, password="wrong wrong wrong", csrf_token=token).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]


# --------------------------------------------------------------------------- logs


def test_logs_name_accounts_by_id_only(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, runner: FlaskCliRunner
) -> None:
    caplog.set_level(logging.DEBUG)
    user_id = create(app)
    sign_in(client)
    sign_in(client, password="a wrong password here")
    sign_in(client, email="stranger@example.org", password="stranger's password")
    token = issue_link(app, user_id)
    app.test_client().post(f"/en/account/reset/{token}", data={"password": NEW_PASSWORD})
    runner.invoke(args=["users", "create", ANALYST, "--role", "analyst", "--link"])
    messages = [record.getMessage() for record in caplog.records]
    logged = "\n".join(messages) + caplog.text
    assert f"Sign-in succeeded: account {user_id}" in logged
    assert f"wrong password for account {user_id}" in logged
    assert "unknown account" in logged
    assert f"Password set through a link: account {user_id}" in logged
    for secret in (FACILITATOR, ANALYST, "stranger@example.org", "example.org", PASSWORD, NEW_PASSWORD, token):
        assert secret not in logged, secret
    assert "wrong password here" not in logged and "stranger's password" not in logged


# --------------------------------------------------------------------------- CLI


def test_cli_create_with_password_then_list(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--role", "admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "reset/" not in result.output
    assert sign_in(client, email=ADMIN).status_code == 303
    listing = runner.invoke(args=["users", "list"])
    assert listing.exit_code == 0 and ADMIN in listing.output and "admin" in listing.output


def test_cli_create_prompts_for_a_hidden_password(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", ANALYST, "--role", "analyst"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed without echo
    assert sign_in(client, email=ANALYST).status_code == 303


def test_cli_create_without_password_prints_a_link(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            FACILITATOR,
            "--role",
            "facilitator",
            "--base-url",
            "https://bench.example.ca/",
            "--lang",
            "fr",
        ],
        input="\n\n",
    )
    assert result.exit_code == 0, result.output
    match = RESET_LINK.search(result.output)
    assert match and "https://bench.example.ca/fr/account/reset/" in result.output
    with app.app_context():
        link = db.session.scalar(sa.select(PasswordReset))
        assert link is not None and link.expires_at - link.created_at == timedelta(hours=72)
    assert client.post(match.group(0), data={"password": NEW_PASSWORD}).status_code == 200
    assert sign_in(client, password=NEW_PASSWORD).status_code == 303


def test_cli_reset_and_deactivate(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    create(app)
    result = runner.invoke(args=["users", "reset", FACILITATOR])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/en/account/reset/" in result.output
    match = RESET_LINK.search(result.output)
    assert match and client.get(match.group(0)).status_code == 200
    assert runner.invoke(args=["users", "deactivate", FACILITATOR]).exit_code == 0
    assert client.get(match.group(0)).status_code == 404  # deactivation voids the link
    assert sign_in(client).status_code == 400
    assert runner.invoke(args=["users", "reset", FACILITATOR]).exit_code == 1


def test_cli_refuses_bad_input(app: Flask, runner: FlaskCliRunner) -> None:
    weak = runner.invoke(args=["users", "create", ANALYST, "--role", "analyst", "--password", "password1"])
    assert weak.exit_code == 1 and "too easy to guess" in weak.output
    bad_role = runner.invoke(args=["users", "create", ANALYST, "--role", "root", "--link"])
    assert bad_role.exit_code == 2
    unknown = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert unknown.exit_code == 1 and "No account" in unknown.output
