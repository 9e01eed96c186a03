"""``flask drafts purge``: delete the drafts nobody has saved for ``DRAFT_RETENTION_DAYS`` days."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from benchmark.store import assessments as services


@click.group(cls=AppGroup)
def drafts() -> None:
    """Retention of unsubmitted drafts (submitted assessments are never touched)."""


@drafts.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete drafts not saved for this many days [default: DRAFT_RETENTION_DAYS, 365].",
)
@click.option("--dry-run", is_flag=True, help="Only count the drafts that would be deleted.")
def purge(days: int | None, dry_run: bool) -> None:
    """Delete drafts not saved for DAYS days, with their answers and workshop participations.

    Run it daily (cron, a systemd timer): the privacy notice promises this period.
    """
    days = days or int(current_app.config["DRAFT_RETENTION_DAYS"])
    if days < 1:
        raise click.ClickException(f"DRAFT_RETENTION_DAYS must be at least 1 (it is {days}): nothing was deleted.")
    if dry_run:
        count = len(services.stale_drafts(days))
        click.echo(f"{count} draft(s) not saved for {days} days would be deleted (dry run: nothing deleted).")
        return
    count = services.purge_drafts(days)
    click.echo(f"{count} draft(s) not saved for {days} days deleted.")
