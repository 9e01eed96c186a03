"""API tokens: expiry, scopes, the creator's account, the admin form, the command line, migration 0008."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade

from benchmark.extensions import db
from benchmark.staff.accounts.services import create_user, deactivate
from benchmark.store import api_tokens as tokens
from benchmark.store.models import ApiToken, as_utc, utcnow
from tests.factories import make_app, reset, signed_in

UPTAKE = "/api/v1/uptake"


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def error_code(client: FlaskClient, plain: str) -> tuple[int, str | None]:
    response = client.get(UPTAKE, headers=bearer(plain))
    body = response.get_json()
    return response.status_code, body["error"]["code"] if "error" in body else None


def test_a_valid_token_reads_uptake_and_its_use_is_recorded(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        token, plain = tokens.create_token("valid")
        assert token.scope_names == (tokens.UPTAKE,)
        assert timedelta(days=89) < as_utc(token.expires_at) - utcnow() <= timedelta(days=90)
    assert error_code(client, plain) == (200, None)
    with app.app_context():
        assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_an_expired_token_is_refused_with_token_expired(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        token, plain = tokens.create_token("expired", days=1)
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(UPTAKE, headers=bearer(plain))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "error=" not in client.get(UPTAKE).headers["WWW-Authenticate"]  # no credentials, no error (RFC 6750)


def test_a_token_without_the_scope_gets_403_insufficient_scope(app: Flask, client: FlaskClient) -> None:
    """Only stored by hand, or left by a scope a later version retires: the scope check still holds."""
    with app.app_context():
        token, plain = tokens.create_token("narrow")
        for scopes in ("", "retired-scope"):
            token.scopes = scopes
            db.session.commit()
            response = client.get(UPTAKE, headers=bearer(plain))
            assert response.status_code == 403
            assert response.get_json()["error"]["code"] == "insufficient_scope"


def test_a_row_inserted_without_scopes_or_expiry_is_refused(app: Flask, client: FlaskClient) -> None:
    """The columns' database defaults: no scope, expired in 1970."""
    with app.app_context():
        _token, plain = tokens.create_token("by hand")
        db.session.execute(sa.text("DELETE FROM api_token"))
        db.session.execute(
            sa.text("INSERT INTO api_token (name, token_hash, created_at) VALUES ('raw', :hash, :now)"),
            {"hash": tokens._hash(plain), "now": utcnow()},
        )
        db.session.commit()
    assert error_code(client, plain) == (401, "token_expired")


def test_a_deactivated_creator_s_tokens_are_refused(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        admin = create_user("token-maker@example.org", "admin", "a long enough passphrase")
        _token, plain = tokens.create_token("made by an admin", admin.id)
        _cli_token, cli_plain = tokens.create_token("made on the command line")
    assert error_code(client, plain) == (200, None)
    with app.app_context():
        deactivate(db.session.merge(admin))
    assert error_code(client, plain) == (401, "invalid_token")
    assert error_code(client, cli_plain) == (200, None)  # no creator: valid until it expires or is revoked


def test_create_token_refuses_unknown_scopes_and_lifetimes(app: Flask) -> None:
    with app.app_context():
        for kwargs in ({"scopes": ()}, {"scopes": ("admin",)}, {"days": 0}, {"days": tokens.MAX_DAYS + 1}):
            with pytest.raises(ValueError):
                tokens.create_token("bad", **kwargs)  # type: ignore[arg-type]
        assert tokens.all_tokens() == []


def test_cli_creates_with_a_lifetime_and_lists_scopes_and_expiry(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["api-tokens", "create", "nightly job", "--days", "30", "--scope", "uptake"])
    assert result.exit_code == 0, result.output
    assert "scopes: uptake" in result.output
    with app.app_context():
        (token,) = tokens.all_tokens()
        assert token.created_by_id is None
        assert timedelta(days=29) < as_utc(token.expires_at) - utcnow() <= timedelta(days=30)
    listing = runner.invoke(args=["api-tokens", "list"]).output
    assert "active  scopes uptake" in listing and f"expires {token.expires_at:%Y-%m-%d}" in listing
    for bad in (["--days", "0"], ["--days", "366"], ["--scope", "admin"]):
        assert runner.invoke(args=["api-tokens", "create", "x", *bad]).exit_code == 2


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_admin_chooses_scopes_and_lifetime_and_sees_them(app: Flask, lang: str) -> None:
    admin = signed_in(app, f"admin-{lang}@example.org", "admin")
    page = admin.get(f"/{lang}/admin/").get_data(as_text=True)
    assert 'name="scopes" value="uptake" checked' in page and 'name="days" value="90" checked' in page
    response = admin.post(f"/{lang}/admin/", data={"name": "laptop", "scopes": "uptake", "days": "180"})
    assert response.status_code == 200
    with app.app_context():
        (token,) = tokens.all_tokens()
        assert token.scopes == "uptake" and token.created_by_id is not None
        assert timedelta(days=179) < as_utc(token.expires_at) - utcnow() <= timedelta(days=180)
    page = response.get_data(as_text=True)
    assert "Expires" in page or "Expiration" in page
    assert admin.post(f"/{lang}/admin/", data={"name": "none", "days": "90"}).status_code == 400
    assert admin.post(f"/{lang}/admin/", data={"name": "odd", "scopes": "uptake", "days": "7"}).status_code == 400
    assert admin.post(f"/{lang}/admin/", data={"name": "odd", "scopes": "admin", "days": "90"}).status_code == 400
    with app.app_context():
        assert len(tokens.all_tokens()) == 1
        token = tokens.all_tokens()[0]
        token.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    expired = "(expired)" if lang == "en" else "(expiré)"
    assert expired in admin.get(f"/{lang}/admin/").get_data(as_text=True)


def test_migration_0008_gives_existing_tokens_every_read_scope_and_90_days(database_url: str, _schema: None) -> None:
    """Upgrade a database holding a token (SQLite and PostgreSQL): it keeps working, and now ends."""
    app = make_app(database_url)
    try:
        with app.app_context():
            downgrade(revision="0007")
            plain = tokens.TOKEN_PREFIX + "a" * 43
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text("INSERT INTO api_token (name, token_hash, created_at) VALUES ('old', :hash, :now)"),
                    {"hash": tokens._hash(plain), "now": utcnow()},
                )
            upgrade()
            db.session.remove()
            (token,) = tokens.all_tokens()
            assert token.scopes == "uptake"
            assert timedelta(days=89) < as_utc(token.expires_at) - utcnow() <= timedelta(days=90)
        assert error_code(app.test_client(), plain) == (200, None)
    finally:
        reset(app)


def test_openapi_documents_scopes_and_the_token_errors(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    uptake = document["paths"]["/uptake"]["get"]
    assert uptake["security"] == [{"bearer": [tokens.UPTAKE]}]
    assert {"401", "403"} <= set(uptake["responses"])
    assert "expires" in document["components"]["securitySchemes"]["bearer"]["description"]
    assert all(
        "security" not in operations["get"] for path, operations in document["paths"].items() if path != "/uptake"
    )
    for lang in ("en", "fr"):
        page = client.get(f"/{lang}/api").get_data(as_text=True)
        assert "insufficient_scope" in page and "token_expired" in page
