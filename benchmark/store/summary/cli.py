"""``flask summary check`` and ``flask summary rebuild``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from benchmark.extensions import db
from benchmark.store.summary.recount import mismatches, rebuild


@click.group("summary", cls=AppGroup)
def summary_command() -> None:
    """The summary counts behind peer, sector and cohort figures."""


@summary_command.command("check")
def check_command() -> None:
    """Compare the stored counts with a full recount; exit 1 if they differ."""
    wrong = mismatches()
    if wrong:
        for key, (have, want) in sorted(wrong.items())[:20]:
            click.echo(f"{' / '.join(str(part) for part in key)}: stored {have}, recounted {want}")
        raise click.ClickException(f"{len(wrong)} summary count(s) differ from a recount: run `flask summary rebuild`.")
    click.echo("The summary counts match a full recount.")


@summary_command.command("rebuild")
def rebuild_command() -> None:
    """Recount everything from the assessments (after a bulk load or a restore from elsewhere)."""
    rows = rebuild()
    db.session.commit()
    click.echo(f"{rows} summary count(s) written.")
