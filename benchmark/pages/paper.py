"""The paper form: a printable bilingual blank questionnaire (PDF), laid out like the online sections."""

from __future__ import annotations

from flask import Response, render_template

from benchmark.pages import bp
from benchmark.store.content import content
from benchmark.web.responses import pdf_download


@bp.route("/paper.pdf")
def paper_form() -> Response:
    """Download the blank questionnaire in English and French, one section per page as online."""
    q = content().questionnaire
    html = render_template("pages/paper_pdf.html", questionnaire=q, pages=q.pages)
    return pdf_download(html, "questionnaire-en-fr.pdf")
