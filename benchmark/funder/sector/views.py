"""The sector dashboard and its exports (analysts and admins only)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from benchmark.core.baseline import format_pct
from benchmark.funder.sector import bp, crosstab, dictionary
from benchmark.funder.sector import services as sector
from benchmark.funder.sector.services import Table
from benchmark.funder.sector.tables import HIDDEN, aggregates_json, dashboard_tables, items_rows, table_rows, titles
from benchmark.store.aggregates import published_baselines
from benchmark.store.content import content
from benchmark.store.models import pool_is_synthetic
from benchmark.web.auth import role_required
from benchmark.web.i18n import current_language
from benchmark.web.responses import csv_text

ANALYSTS = ("analyst", "admin")


def _choices() -> tuple[str, str]:
    component = request.args.get("component", content().rubric.dimension_ids()[0])
    by = request.args.get("by", sector.default_breakdown())
    if len(request.args.get("baseline", "")) > 100:
        abort(400)
    if component not in content().rubric.dimension_ids() or by not in sector.breakdowns():
        abort(400)
    return component, by


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Tables are rendered with translated labels; shares as published (``40.7 %``, ``40,7 %``)."""
    return {"table_rows": table_rows, "pct": lambda value: format_pct(value, current_language())}


def _more_choices(by: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``(second grouping, first month, last month, error message)`` from the query string."""
    by2 = request.args.get("by2", "")[:40] or None
    start, end, problem = crosstab.check_range(request.args.get("from", ""), request.args.get("to", ""))
    if by2 is not None and by2 not in crosstab.second_breakdowns(by):
        return None, None, None, _("This second grouping cannot be combined with the first one: choose another.")
    if problem == "bad_month":
        return None, None, None, _("Enter each month as year and month, for example 2026-03.")
    if problem == "reversed":
        return None, None, None, _("The first month must come before the last month.")
    return by2, start, end, None


def _export_args(component: str, by: str, by2: str | None, start: str | None, end: str | None) -> dict[str, str]:
    """The query of the export links: the same tables as the page shows."""
    chosen = {"component": component, "by": by, "by2": by2, "from": start, "to": end}
    return {key: value for key, value in chosen.items() if value}


@bp.route("/")
@role_required(*ANALYSTS)
def dashboard() -> tuple[str, int]:
    """Uptake, component levels over time and by one or two groups, and today against 2017 (small cells hidden)."""
    lang = current_language()
    component, by = _choices()
    by2, start, end, problem = _more_choices(by)
    tables = dashboard_tables(lang, component, by, by2, start, end)

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
        release=sector.release(),
        hidden=HIDDEN,
        rubric=content().rubric,
        chart=chart_data(tables[0], items),
        breakdowns=[(name, label) for name, label in titles(lang).items() if name in sector.breakdowns()],
        baselines=baselines,
        chosen=chosen if record else "",
        by2=by2,
        export_args=_export_args(component, by, by2, start, end),
        seconds=[(name, titles(lang)[name]) for name in crosstab.second_breakdowns(by)],
        typed={key: request.args.get(key, "")[:20] for key in ("from", "to")},
        problem=problem,
        group_charts=crosstab.group_charts(tables),
        synthetic=pool_is_synthetic(),
    ), (400 if problem else 200)


@bp.route("/export.csv")
@role_required(*ANALYSTS)
def export_csv() -> Response:
    """One dashboard table as CSV (hidden cells are empty)."""
    lang = current_language()
    component, by = _choices()
    wanted = request.args.get("table", "uptake_month")
    by2, start, end, problem = _more_choices(by)
    if problem:
        abort(400)
    for table in dashboard_tables(lang, component, by, by2, start, end):
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
    by2, start, end, problem = _more_choices(by)
    if problem:
        abort(400)
    body = aggregates_json(lang, component, by, by2, start, end)
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json", f"sector-{lang}.json")


@bp.route("/data-dictionary")
@role_required(*ANALYSTS)
def data_dictionary() -> str:
    """Every column of the exports, in English and French, with the 2017 crosswalk."""
    return render_template("sector/dictionary.html", dictionary=dictionary.build())


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
