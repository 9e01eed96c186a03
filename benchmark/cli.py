"""Command-line commands registered on ``flask``."""

from __future__ import annotations

from flask import Flask

from benchmark.accounts.cli import users
from benchmark.translate import translate


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(translate)
    app.cli.add_command(users)
