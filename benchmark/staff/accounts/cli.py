"""``flask users``: create, list, reset and deactivate staff accounts from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from benchmark.staff.accounts import services
from benchmark.store.models import ROLES, User
from benchmark.web.links import public_url

users = AppGroup("users", help="Manage staff accounts (facilitators, analysts, administrators).")

BASE_URL_HELP = "Address of the site, for the printed link [default: PUBLIC_BASE_URL, else http://127.0.0.1:8000]."
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _link(token: str, base_url: str | None, lang: str) -> str:
    """The absolute set-password link, built by the app's own URL rules from the site's public address."""
    base = (base_url or current_app.config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        return public_url("accounts.reset", base_url=base, lang_code=lang, token=token)


def _user_or_fail(email: str) -> User:
    user = services.find_user(email)
    if user is None:
        raise click.ClickException("No account has this email address.")
    return user


def _print_link(user: User, token: str, base_url: str | None, lang: str) -> None:
    link = _link(token, base_url, lang)
    click.echo("One-time set-password link (works once; keep it private):")
    click.echo(link)
    if services.mail_enabled():
        if services.send_link(user, link):
            click.echo("It was also sent by email.")
        else:
            click.echo("It could not be sent by email (see the log).", err=True)


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option(
    "--password",
    help="Set this password (it stays in the shell history; prefer the prompt or --link).",
)
@click.option("--link", "send_link", is_flag=True, help="Do not ask for a password: print a set-password link.")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Language of the link.")
def create(email: str, role: str, password: str | None, send_link: bool, base_url: str | None, lang: str) -> None:
    """Create an account.  Without --password, asks for one (hidden); leave it empty to get a link."""
    if password is None and not send_link:
        password = click.prompt(
            "Password (leave empty to print a set-password link instead)",
            default="",
            show_default=False,
            hide_input=True,
            confirmation_prompt=True,
        )
    try:
        user = services.create_user(email, role, password or None)
    except services.AccountError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created account {user.id} ({role}).")
    if not password:
        token = services.issue_reset(user, services.invitation_lifetime())
        _print_link(user, token, base_url, lang)


@users.command("reset")
@click.argument("email")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Language of the link.")
def reset(email: str, base_url: str | None, lang: str) -> None:
    """Print a one-time set-password link for an account (earlier links stop working)."""
    user = _user_or_fail(email)
    try:
        token = services.issue_reset(user)
    except services.AccountError as error:
        raise click.ClickException(str(error.message)) from None
    _print_link(user, token, base_url, lang)


@users.command("list")
def list_() -> None:
    """List the accounts."""
    accounts = services.list_users()
    if not accounts:
        click.echo("No accounts yet. Create one with: flask users create EMAIL --role admin")
        return
    for user in accounts:
        status = "active" if user.is_active else "deactivated"
        if user.is_active and not user.password_hash:
            status = "waiting for a password"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.id:>5}  {user.email:<40}  {user.role:<12}  {status:<24}  last sign-in: {last}")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate an account: its sessions and links stop working at once."""
    user = _user_or_fail(email)
    if not user.is_active:
        click.echo(f"Account {user.id} was already deactivated.")
        return
    services.deactivate(user)
    click.echo(f"Account {user.id} deactivated.")
