"""The paper form: a printable bilingual blank questionnaire (PDF), laid out like the online sections."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template

from benchmark.pages import bp
from benchmark.store.content import content
from benchmark.web.responses import PdfError, html_to_pdf


@bp.route("/paper.pdf")
def paper_form() -> Response:
    """Download the blank questionnaire in English and French, one section per page as online."""
    q = content().questionnaire
    html = render_template("pages/paper_pdf.html", questionnaire=q, pages=q.pages)
    try:
        body = html_to_pdf(html)
    except PdfError:
        current_app.logger.exception("Paper form rendering failed")
        abort(503)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="questionnaire-en-fr.pdf"'
    return response
