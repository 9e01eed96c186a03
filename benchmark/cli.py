"""Command-line commands registered on ``flask``."""

from __future__ import annotations

from flask import Flask

from benchmark.funder.api.cli import api_tokens
from benchmark.funder.sector.cli import baseline, open_data
from benchmark.organisations.assessment.cli import drafts
from benchmark.staff.accounts.cli import users
from benchmark.store.backup import backup
from benchmark.store.summary import summary_command
from benchmark.web.translate import translate


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(translate)
    app.cli.add_command(users)
    app.cli.add_command(api_tokens)
    app.cli.add_command(baseline)
    app.cli.add_command(open_data)
    app.cli.add_command(drafts)
    app.cli.add_command(backup)
    app.cli.add_command(summary_command)
