"""The sector report (issue 17): a page and a tagged PDF in each language, and two releases compared."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _

from benchmark.core.baseline import format_pct, status_marker
from benchmark.funder.sector import bp
from benchmark.funder.sector import report as sector_report
from benchmark.funder.sector import services as sector
from benchmark.funder.sector.views import ANALYSTS
from benchmark.web.auth import role_required
from benchmark.web.i18n import current_language
from benchmark.web.responses import pdf_download


def _context() -> dict[str, Any]:
    lang = current_language()
    body = sector_report.archive_current()
    return {
        "lang": lang,
        "body": body,
        "sections": sector_report.labelled(body, lang),
        "k": sector.k_min(),
        "pct": lambda value: format_pct(value, lang),
        "marker": lambda status: status_marker(status, lang),
        "archives": sector_report.archive_ids(),
    }


@bp.route("/report")
@role_required(*ANALYSTS)
def report() -> str:
    """The sector report: today's figures by section of the 2017 report, beside the published 2017 figures."""
    return render_template("sector/report.html", **_context())


@bp.route("/report.pdf")
@role_required(*ANALYSTS)
def report_pdf() -> Response:
    """The sector report as a tagged PDF (PDF/UA-1)."""
    context = _context()
    html = render_template("sector/report_pdf.html", title=_("Sector report"), **context)
    return pdf_download(html, f"sector-report-{context['lang']}.pdf")


def _release_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


@bp.route("/report/compare")
@role_required(*ANALYSTS)
def report_compare() -> tuple[str, int]:
    """Two archived releases of the report side by side."""
    lang = current_language()
    ids = sector_report.archive_ids()
    first, second = _release_arg("a"), _release_arg("b")
    if first is None and second is None and len(ids) >= 2:
        first, second = ids[1], ids[0]
    bodies = [sector_report.archived(i) if i is not None else None for i in (first, second)]
    if (first is not None or second is not None) and None in bodies:
        problem = _("Choose two releases from the list: one of these has no archived report.")
        return render_template("sector/report_compare.html", archives=ids, rows=[], problem=problem), 400
    rows = sector_report.compared(bodies[0], bodies[1], lang) if bodies[0] and bodies[1] else []
    return render_template(
        "sector/report_compare.html",
        archives=ids,
        first=first,
        second=second,
        rows=rows,
        problem=None,
        pct=lambda value: format_pct(value, lang),
    ), 200
