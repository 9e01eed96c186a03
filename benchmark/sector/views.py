"""The sector dashboard and its exports (analysts and admins only)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from benchmark.auth import role_required
from benchmark.content import content
from benchmark.i18n import current_language
from benchmark.results.services import SCORE_COLUMNS
from benchmark.sector import bp, dictionary
from benchmark.sector import services as sector
from benchmark.sector.services import Table
from benchmark.workshops.services import csv_text

ANALYSTS = ("analyst", "admin")
HIDDEN = "–"


def titles() -> dict[str, str]:
    """Translated titles and labels of the sector tables."""
    return {
        "uptake_month": _("Uptake by month"),
        "uptake_province": _("Uptake by province or territory"),
        "uptake_size": _("Uptake by size"),
        "uptake_funding": _("Uptake by IRCC funding status"),
        "levels_quarter": _("Levels of %(component)s by quarter of submission", component="{component}"),
        "levels_by": _(
            "Levels of %(component)s by %(group)s (latest assessment of each organization)",
            component="{component}",
            group="{group}",
        ),
        "month": _("Month"),
        "quarter": _("Quarter"),
        "province": _("Province or territory"),
        "size": _("Size"),
        "funding": _("IRCC funding"),
        "started": _("Started"),
        "submitted": _("Submitted"),
        "reassessed": _("Re-assessed"),
    }


def dashboard_tables(lang: str, component: str, by: str) -> list[Table]:
    """Every table of the dashboard for one component and one grouping."""
    names = titles()
    return [
        sector.uptake_by_month(lang, names),
        sector.uptake_by(by, lang, names),
        sector.levels_by_quarter(component, lang, names),
        sector.levels_by(component, by, lang, names),
    ]


def _choices() -> tuple[str, str]:
    component = request.args.get("component", "SK")
    by = request.args.get("by", "province")
    if len(request.args.get("baseline", "")) > 100:
        abort(400)
    if component not in SCORE_COLUMNS or by not in sector.BREAKDOWNS:
        abort(400)
    return component, by


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Tables are rendered with translated labels."""
    return {"table_rows": table_rows}


@bp.route("/")
@role_required(*ANALYSTS)
def dashboard() -> str:
    """Uptake, component levels over time and by group, and today against 2017 (small cells hidden)."""
    lang = current_language()
    component, by = _choices()
    tables = dashboard_tables(lang, component, by)
    from benchmark.results.services import published_baselines

    baselines = published_baselines()
    chosen = request.args.get("baseline", "")
    record = next((b for b in baselines if f"{b.name}@{b.version}" == chosen), None)
    items = sector.items_against_imported(record, lang) if record else sector.items_against_baseline(lang)
    return render_template(
        "sector/dashboard.html",
        tables=tables,
        items=items,
        component=component,
        by=by,
        k=sector.k_min(),
        hidden=HIDDEN,
        rubric=content().rubric,
        chart=chart_data(tables[0], items),
        baselines=baselines,
        chosen=chosen if record else "",
    )


@bp.route("/export.csv")
@role_required(*ANALYSTS)
def export_csv() -> Response:
    """One dashboard table as CSV (hidden cells are empty)."""
    lang = current_language()
    component, by = _choices()
    wanted = request.args.get("table", "uptake_month")
    for table in dashboard_tables(lang, component, by):
        if table.id == wanted:
            rows = table_rows(table, hidden="")
            body = csv_text([str(cell) for cell in rows[0]], rows[1:])
            return _download(body, "text/csv; charset=utf-8", f"{table.id}-{lang}.csv")
    if wanted == "items_2017":
        header, rows = items_rows(sector.items_against_baseline(lang))
        return _download(csv_text(header, rows), "text/csv; charset=utf-8", f"items-2017-{lang}.csv")
    abort(404)


@bp.route("/export.json")
@role_required(*ANALYSTS)
def export_json() -> Response:
    """Every dashboard table as JSON, with the data dictionary's version information."""
    lang = current_language()
    component, by = _choices()
    body = aggregates_json(lang, component, by)
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json", f"sector-{lang}.json")


@bp.route("/data-dictionary")
@role_required(*ANALYSTS)
def data_dictionary() -> str:
    """Every column of the exports, in English and French, with the 2017 crosswalk."""
    return render_template("sector/dictionary.html", dictionary=dictionary.build())


# --------------------------------------------------------------------------- shared with the API and open data


def table_rows(table: Table, hidden: str | None = HIDDEN) -> list[list[Any]]:
    """A table as rows with translated labels (header first)."""
    rows = table.table.to_rows(hidden=hidden, corner=table.row_label, total_label=_("Total"))
    header = [rows[0][0], *(table.column_labels.get(str(c), str(c)) for c in rows[0][1:-1]), rows[0][-1]]
    if not table.table.shows_row_totals:
        header = [rows[0][0], *(table.column_labels.get(str(c), str(c)) for c in rows[0][1:])]
    body = [[table.row_labels.get(str(row[0]), row[0]), *row[1:]] for row in rows[1:]]
    return [header, *body]


def items_rows(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Today against 2017 as rows."""
    header = [_("Item"), _("Option"), _("Today (%)"), _("Today (n)"), _("2017 (%)"), _("2017 (n)"), _("2017 status")]
    rows = [
        [
            i["item"],
            i["option"],
            i["today_pct"] if i["today_pct"] is not None else "",
            i["today_n"] or "",
            i["pct_2017"],
            i["n_2017"],
            i["status_2017"],
        ]
        for i in items
    ]
    return header, rows


def aggregates_json(lang: str, component: str, by: str) -> dict[str, Any]:
    """The aggregates as one JSON document (hidden values are null)."""
    return {
        "questionnaire_version": content().questionnaire.version,
        "rubric_version": content().rubric.version,
        "k": sector.k_min(),
        "language": lang,
        "tables": [
            {
                "id": table.id,
                "title": table.title,
                "rows": list(table.table.rows),
                "columns": list(table.table.columns),
                "cells": [[table.table.cell(r, c) for c in table.table.columns] for r in table.table.rows],
                "column_totals": [table.table.column_totals.get(c) for c in table.table.columns]
                if table.table.shows_column_totals
                else None,
                "row_totals": [table.table.row_totals.get(r) for r in table.table.rows]
                if table.table.shows_row_totals
                else None,
                "grand_total": table.table.grand_total if table.table.shows_grand_total else None,
            }
            for table in dashboard_tables(lang, component, by)
        ],
        "items_2017": sector.items_against_baseline(lang),
    }


def chart_data(uptake: Table, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart.js data: uptake by month, and today's shares against 2017 (hidden values null)."""
    months = list(uptake.table.rows)
    return {
        "charts": {
            "uptake": {
                "labels": months,
                "datasets": [
                    {"label": uptake.column_labels[stage], "data": [uptake.table.cell(m, stage) for m in months]}
                    for stage in ("started", "submitted")
                ],
            },
            "items": {
                "labels": [f"{i['option_label']} ({i['item']})" for i in items],
                "max": 100,
                "datasets": [
                    {"label": _("Today (%)"), "data": [i["today_pct"] for i in items]},
                    {"label": _("2017 (%)"), "data": [i["pct_2017"] for i in items]},
                ],
            },
        }
    }


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
