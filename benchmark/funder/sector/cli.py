"""``flask baseline …`` (import full survey data) and ``flask open-data release``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from benchmark.core.baseline_import import ImportResult, parse_option_figures, parse_respondents
from benchmark.extensions import db
from benchmark.funder.sector import dictionary
from benchmark.funder.sector.services import breakdowns, default_breakdown
from benchmark.funder.sector.tables import aggregates_json, dashboard_tables, items_rows, table_rows
from benchmark.store.content import content
from benchmark.store.models import ImportedBaseline
from benchmark.web.responses import csv_text

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@click.group(cls=AppGroup)
def baseline() -> None:
    """Import and list comparison baselines (the published 2017 figures stay the default)."""


@baseline.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="A short name, e.g. 2017-full.")
@click.option("--source", required=True, help="Where the data comes from (provenance).")
@click.option("--kind", type=click.Choice(["options", "respondents"]), default="options", show_default=True)
@click.option("--year", type=int, default=None)
@click.option("--unpublished", is_flag=True, help="Import without offering it for comparison yet.")
def import_baseline(path: Path, name: str, source: str, kind: str, year: int | None, unpublished: bool) -> None:
    """Validate FILE and import it as a new version of baseline NAME; nothing is imported on any error."""
    data = path.read_bytes()
    result = _parse(data, kind, name, source, year)
    if not result.ok:
        for problem in result.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s): nothing was imported")
    record = store(result, name, source, kind, year, published=not unpublished)
    click.echo(f"Imported {record.name}@{record.version}: {len(record.figures)} items")


def _parse(data: bytes, kind: str, name: str, source: str, year: int | None) -> ImportResult:
    c = content()
    if kind == "respondents":
        return parse_respondents(
            data, c.questionnaire, c.rubric, name=name, source=source, max_bytes=MAX_IMPORT_BYTES, year=year
        )
    return parse_option_figures(data, c.questionnaire, name=name, source=source, max_bytes=MAX_IMPORT_BYTES, year=year)


def store(
    result: ImportResult, name: str, source: str, kind: str, year: int | None, published: bool
) -> ImportedBaseline:
    """Save a validated import as the next version of ``name`` (never overwriting an earlier one)."""
    assert result.baseline is not None
    figures: dict[str, Any] = {}
    for item_id, item in result.baseline.items.items():
        figures[item_id] = {
            "n": item.n,
            "options": {o: {"pct": f.pct, "count": f.count} for o, f in item.figures.items()},
        }
    latest = db.session.scalar(sa.select(sa.func.max(ImportedBaseline.version)).where(ImportedBaseline.name == name))
    record = ImportedBaseline(
        name=name,
        version=(latest or 0) + 1,
        kind=result.baseline.kind,
        source=source,
        year=year,
        respondents=result.respondents or None,
        figures=figures,
        distributions={d: {str(s): c for s, c in h.items()} for d, h in result.distributions.items()} or None,
        published=published,
    )
    db.session.add(record)
    db.session.commit()
    return record


@baseline.command("list")
def list_baselines() -> None:
    """List the imported baselines."""
    click.echo("published-2017  (the 9 surviving 2017 figures; default)")
    for record in db.session.scalars(
        sa.select(ImportedBaseline).order_by(ImportedBaseline.name, ImportedBaseline.version)
    ):
        state = "published" if record.published else "unpublished"
        click.echo(f"{record.name}@{record.version}  {record.kind}  {state}  {record.source}")


@click.group("open-data", cls=AppGroup)
def open_data() -> None:
    """Publish the suppressed aggregates as open data."""


@open_data.command("release")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def release(directory: Path) -> None:
    """Write the aggregates (CSV and JSON, EN and FR) and the data dictionary to DIRECTORY."""

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("en", "fr"):
        with force_locale(lang):
            body = aggregates_json(lang, content().rubric.dimension_ids()[0], default_breakdown())
            for component in content().rubric.dimension_ids():
                for by in breakdowns():
                    for table in dashboard_tables(lang, component, by):
                        target = directory / f"{table.id}.{lang}.csv"
                        if not target.exists():
                            rows = table_rows(table, hidden="")
                            target.write_text(csv_text([str(c) for c in rows[0]], rows[1:]), encoding="utf-8")
                            written.append(target.name)
            header, rows = items_rows(body["items_2017"])
            (directory / f"items_2017.{lang}.csv").write_text(csv_text(header, rows), encoding="utf-8")
            (directory / f"aggregates.{lang}.json").write_text(
                json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            written += [f"items_2017.{lang}.csv", f"aggregates.{lang}.json"]
    (directory / "data-dictionary.json").write_text(
        json.dumps(dictionary.build(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    written.append("data-dictionary.json")
    click.echo(f"Wrote {len(written)} files to {directory}")
