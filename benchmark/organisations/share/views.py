"""The board's read-only pages: the results, their PDFs and the organisation's plan, opened by a share link.

Nothing here changes anything, and nothing here offers to: no "take again", no download of the
answers, no deletion, no workshop consent, no share management, no plan editing.  The figures are
the private page's own (peer figures are the same noisy private ones).  A revoked, unknown or
malformed share token gets the same bilingual 404 as an unknown private link.
"""

from __future__ import annotations

from flask import Response, abort, g, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from benchmark.organisations.plan import views as plan_views
from benchmark.organisations.results.views import bilingual_pdf_response, render_profile, report_pdf_response
from benchmark.organisations.share import bp
from benchmark.store import shares
from benchmark.store.models import Assessment, BoardShare
from benchmark.web import headers
from benchmark.web.headers import set_all

#: As the private results page sends (never indexed, never stored by shared caches), and no referrer.
SHARED_HEADERS = headers.PRIVATE_NO_REFERRER


@bp.after_request
def keep_private(response: Response) -> Response:
    """Shared pages are as private as the results page they show."""
    set_all(response.headers, SHARED_HEADERS)  # as headers.update(SHARED_HEADERS), values checked once
    return response


@bp.route("/<share_token>")
def profile(share_token: str) -> str:
    """The results page, read-only."""
    share, assessment = _share_or_404(share_token)
    return render_profile(assessment, None, shared=share, share_token=share_token)


@bp.route("/<share_token>/report.pdf")
def report_pdf(share_token: str) -> Response | tuple[str, int]:
    """The results as a tagged PDF in the page's language."""
    _share, assessment = _share_or_404(share_token)
    return report_pdf_response(assessment, back=url_for(".profile", share_token=share_token))


@bp.route("/<share_token>/report-bilingual.pdf")
def report_bilingual_pdf(share_token: str) -> Response | tuple[str, int]:
    """The results side by side in English and French."""
    _share, assessment = _share_or_404(share_token)
    return bilingual_pdf_response(assessment, back=url_for(".profile", share_token=share_token))


@bp.route("/<share_token>/plan")
def plan(share_token: str) -> str | BaseResponse:
    """The organisation's action plan, read-only: steps, the 90-day check, what moved, the funding lines."""
    share, assessment = _share_or_404(share_token)
    return render_template(
        "share/plan.html",
        shared=share,
        share_token=share_token,
        **plan_views.plan_page_context(assessment.organisation_id),
    )


def _share_or_404(share_token: str) -> tuple[BoardShare, Assessment]:
    """The live share and its assessment; a revoked, unknown or malformed token is the bilingual 404."""
    found = shares.find_share(share_token)
    if found is None:
        g.bilingual_errors = True
        abort(404)
    return found
