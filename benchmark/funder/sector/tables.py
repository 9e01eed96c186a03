"""The sector tables as the dashboard, its exports, the API and the open-data release all give them.

One assembly for every output, so a cell suppressed on the dashboard is suppressed in
the CSV, the JSON, the API and the open-data files alike.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from benchmark.funder.sector import crosstab
from benchmark.funder.sector import services as sector
from benchmark.funder.sector.services import Table
from benchmark.store.content import content

#: What a suppressed cell shows in tables meant for people (CSV, the page); JSON gives null.
HIDDEN = "–"


def titles(lang: str = "en") -> dict[str, str]:
    """Translated titles and labels of the sector tables.

    A breakdown without its own wording here (a new grouping question) is labelled with its
    item's short label, or its text, from the questionnaire.
    """
    names = {
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
        "two_way": _(
            "Organizations by %(group)s and %(group2)s (latest assessment with a level of %(component)s)",
            group="{group}",
            group2="{group2}",
            component="{component}",
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
    for breakdown, item in sector.breakdowns().items():
        if breakdown not in names:
            names[breakdown] = item.label(lang)
            names[f"uptake_{breakdown}"] = _("Uptake by %(group)s", group=names[breakdown])
    return names


def dashboard_tables(
    lang: str, component: str, by: str, by2: str | None = None, start: str | None = None, end: str | None = None
) -> list[Table]:
    """Every table of the dashboard for one component, one or two groupings and a range of months."""
    names = titles(lang)
    tables = [
        crosstab.in_range(sector.uptake_by_month(lang, names), start, end),
        sector.uptake_by(by, lang, names),
        crosstab.in_range(sector.levels_by_quarter(component, lang, names), start, end),
        sector.levels_by(component, by, lang, names),
    ]
    if by2 is not None:
        tables += [sector.uptake_by(by2, lang, names), sector.levels_by(component, by2, lang, names)]
        tables.append(crosstab.two_way(component, by, by2, lang, names))
    return tables


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


def aggregates_json(
    lang: str, component: str, by: str, by2: str | None = None, start: str | None = None, end: str | None = None
) -> dict[str, Any]:
    """The aggregates as one JSON document (hidden values are null), with the release they come from."""
    release = sector.release()
    return {
        "questionnaire_version": content().questionnaire.version,
        "rubric_version": content().rubric.version,
        "k": sector.k_min(),
        "release_id": None if release is None else release[0],
        "released_at": None if release is None else release[1].isoformat(timespec="seconds"),
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
            for table in dashboard_tables(lang, component, by, by2, start, end)
        ],
        "items_2017": sector.items_against_baseline(lang),
    }
