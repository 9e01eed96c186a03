"""``flask summary check``, ``flask summary rebuild`` and ``flask summary release``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from benchmark.extensions import db
from benchmark.store.models import as_utc, pool_is_synthetic
from benchmark.store.summary import releases
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


@summary_command.command("release")
@click.option("--status", "show_status", is_flag=True, help="Only say where the pool stands; cut nothing.")
@click.option(
    "--pool",
    type=click.Choice(["real", "synthetic"]),
    default=None,
    help="The pool (default: this deployment's, DATA_POOL).",
)
def release_command(show_status: bool, pool: str | None) -> None:
    """Cut a release of the figures now, if the rules allow it (RELEASE_MIN_CHANGES, RELEASE_INTERVAL_MINUTES)."""
    synthetic = pool_is_synthetic() if pool is None else pool == "synthetic"
    name = "synthetic" if synthetic else "real"
    current = releases.status(synthetic)
    if current.latest is None:
        click.echo(f"Pool {name}: no release yet (figures read as empty).")
    else:
        cut_at = as_utc(current.latest.cut_at)
        assert cut_at is not None
        click.echo(
            f"Pool {name}: release {current.latest.id} cut {cut_at:%Y-%m-%d %H:%M} UTC "
            f"({current.latest.organisations_changed} organisation(s) changed before it)."
        )
    click.echo(f"{current.pending} organisation(s) changed since; a release needs {current.min_changes}.")
    if current.not_before is not None:
        click.echo(f"The interval allows the next release from {current.not_before:%Y-%m-%d %H:%M} UTC.")
    if show_status:
        return
    release = releases.cut_if_due(synthetic)
    if release is None:
        db.session.rollback()
        click.echo("No release cut: the rules do not allow one yet.")
        return
    db.session.commit()
    click.echo(f"Release {release.id} cut ({release.organisations_changed} organisation(s) changed).")
