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
@click.option(
    "--days",
    type=click.IntRange(1, tokens.MAX_DAYS),
    default=tokens.DEFAULT_DAYS,
    show_default=True,
    help="Days until the token expires.",
)
@click.option(
    "--scope",
    "scopes",
    type=click.Choice(tokens.SCOPES),
    multiple=True,
    help="A scope the token grants (repeatable; default: every scope).",
)
def create(name: str, days: int, scopes: tuple[str, ...]) -> None:
    """Create a token named NAME and print it once (only its hash is kept).

    A token created here has no creating account: it stays valid until it expires or is revoked.
    """
    token, plain = tokens.create_token(name, days=days, scopes=scopes or tokens.SCOPES)
    click.echo(f"Token {token.id} ({token.name}, scopes: {token.scopes}, expires {token.expires_at:%Y-%m-%d}): {plain}")
    click.echo("Keep it now: it cannot be shown again.")


@api_tokens.command("list")
def list_tokens() -> None:
    """List tokens (never their values)."""
    for token in tokens.all_tokens():
        state = "revoked" if not token.active else "expired" if token.expired else "active"
        click.echo(
            f"{token.id}  {token.name}  {state}  scopes {token.scopes or '-'}  created {token.created_at:%Y-%m-%d}"
            f"  expires {token.expires_at:%Y-%m-%d}"
        )


@api_tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID at once."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id))
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    tokens.revoke(token)
    click.echo(f"Revoked token {token_id}")
