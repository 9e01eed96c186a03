"""``flask api-tokens …``: create, list and revoke API tokens."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from benchmark.extensions import db
from benchmark.store import api_tokens as tokens
from benchmark.store.models import ApiToken


@click.group("api-tokens", cls=AppGroup)
def api_tokens() -> None:
    """Manage the API's bearer tokens."""


@api_tokens.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a token named NAME and print it once (only its hash is kept)."""
    token, plain = tokens.create_token(name)
    click.echo(f"Token {token.id} ({token.name}): {plain}")
    click.echo("Keep it now: it cannot be shown again.")


@api_tokens.command("list")
def list_tokens() -> None:
    """List tokens (never their values)."""
    for token in tokens.all_tokens():
        state = "active" if token.active else "revoked"
        click.echo(f"{token.id}  {token.name}  {state}  created {token.created_at:%Y-%m-%d}")


@api_tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID at once."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id))
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    tokens.revoke(token)
    click.echo(f"Revoked token {token_id}")
