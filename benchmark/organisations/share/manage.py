"""On the private results page: make a board link, list the links, revoke one (opened by the private link).

These routes hang off the ``results`` blueprint (``/<lang>/results/<token>/shares…``) so that a
refused label shows the private page again, with what was typed and the message in the page's
language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from benchmark.extensions import csrf
from benchmark.organisations.results import bp as results_bp
from benchmark.organisations.results.views import render_profile
from benchmark.organisations.share.forms import RevokeForm, ShareForm
from benchmark.store import assessments as assessment_services
from benchmark.store import shares
from benchmark.store.models import SHARE_LABEL_MAX, Assessment, BoardShare
from benchmark.web.links import public_url

ANCHOR = "board-shares"


@dataclass(frozen=True)
class ListedShare:
    """One share as the private page lists it: the share and its link (built from ``PUBLIC_BASE_URL``)."""

    share: BoardShare
    url: str


@dataclass(frozen=True)
class ShareSection:
    """What ``templates/results/_share.html`` shows: the shares, the form to make one, the revoke button."""

    shares: list[ListedShare]
    form: ShareForm
    revoke_form: RevokeForm
    max_length: int = SHARE_LABEL_MAX


@results_bp.route("/<token>/shares", methods=["POST"])
def create_share(token: str) -> BaseResponse | tuple[str, int]:
    """Make a board link; a refused label shows the page again with what was typed (400)."""
    assessment = _submitted_or_404(token)
    form = ShareForm()
    if not form.validate():
        return render_profile(assessment, token, share_form=form), 400
    shares.create_share(assessment, token, form.label.data)
    return redirect(url_for("results.profile", token=token, _anchor=ANCHOR), code=303)


# The form checks its own token, so an expired one shows the page again with what was typed.
csrf.exempt(create_share)


@results_bp.route("/<token>/shares/<int:share_id>/revoke", methods=["POST"])
def revoke_share(token: str, share_id: int) -> BaseResponse:
    """Revoke a board link at once: it opens nothing more."""
    assessment = _submitted_or_404(token)
    if not RevokeForm().validate():
        abort(400)
    if not shares.revoke_share(assessment, share_id):
        abort(404)
    return redirect(url_for("results.profile", token=token, _anchor=ANCHOR), code=303)


@results_bp.app_template_global()
def board_share_section(assessment: Assessment, token: str, form: ShareForm | None = None) -> ShareSection:
    """For the private results page: the assessment's board links (newest first) and the forms."""
    listed = [
        ListedShare(share, public_url("share.profile", share_token=shares.share_token(token, share)))
        for share in shares.shares_of(assessment)
    ]
    return ShareSection(listed, form or ShareForm(formdata=None), RevokeForm(formdata=None))


def _submitted_or_404(token: str) -> Assessment:
    assessment = assessment_services.find_by_token(token)
    if assessment is None or not assessment.is_submitted:
        g.bilingual_errors = True
        abort(404)
    return assessment
