"""The paper form: a printable bilingual blank questionnaire (PDF), laid out like the online sections."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template

from benchmark.content import content
from benchmark.pages import bp


@bp.route("/paper.pdf")
def paper_form() -> Response:
    """Download the blank questionnaire in English and French, one section per page as online."""
    from benchmark.results import pdf

    q = content().questionnaire
    html = render_template("pages/paper_pdf.html", questionnaire=q, pages=q.pages)
    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfError:
        current_app.logger.exception("Paper form rendering failed")
        abort(503)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="questionnaire-en-fr.pdf"'
    return response
