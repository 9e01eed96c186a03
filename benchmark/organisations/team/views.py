"""The team pages: join through a team link, "Your team" (combined profile, link, leaving)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from benchmark.organisations.team import bp
from benchmark.organisations.team.forms import ButtonForm, LeaveForm
from benchmark.organisations.team.services import team_view
from benchmark.store import assessments as assessment_services
from benchmark.store import teams
from benchmark.store.content import questionnaire
from benchmark.store.models import Assessment, Team
from benchmark.web import headers
from benchmark.web.headers import set_all
from benchmark.web.i18n import current_language
from benchmark.web.links import public_url

PRIVATE_HEADERS = headers.PRIVATE_NO_REFERRER


@bp.after_request
def keep_private(response: Response) -> Response:
    """Team pages carry private links: never indexed, never stored by shared caches."""
    set_all(response.headers, PRIVATE_HEADERS)  # as headers.update(PRIVATE_HEADERS), values checked once
    return response


@bp.route("/join/<team_token>", methods=["GET", "POST"])
def join(team_token: str) -> str | BaseResponse | tuple[str, int]:
    """A colleague starts their own assessment for the team's organisation (the button posts here)."""
    team = _team_or_404(team_token)
    form = ButtonForm()
    if form.is_submitted() and form.validate():
        _, token = teams.join(team, questionnaire(), current_language())
        return redirect(url_for("assessment.private_link", token=token, new=1), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("team/join.html", form=form, team_token=team_token), status


@bp.route("/<token>")
def page(token: str) -> str:
    """A respondent's "Your team" page: the combined profile, and the link or leaving."""
    assessment = _submitted_or_404(token)
    return _render(assessment, token)


@bp.route("/<token>/link", methods=["POST"])
def make_link(token: str) -> str | tuple[str, int]:
    """Make (or replace) the team link; it is shown once, on the page this answers with."""
    assessment = _submitted_or_404(token)
    if not ButtonForm().validate():
        return _render(assessment, token, refused=True), 400
    try:
        team_token = teams.make_link(assessment)
    except teams.NotTheTeamOrganisation:
        abort(404)
    return _render(assessment, token, new_link=public_url("team.join", team_token=team_token))


@bp.route("/<token>/revoke", methods=["POST"])
def revoke(token: str) -> BaseResponse | tuple[str, int]:
    """Revoke the team link at once (colleagues who joined stay)."""
    assessment = _submitted_or_404(token)
    if not ButtonForm().validate():
        return _render(assessment, token, refused=True), 400
    try:
        teams.revoke_link(assessment)
    except teams.NotTheTeamOrganisation:
        abort(404)
    return redirect(url_for(".page", token=token, revoked=1), code=303)


@bp.route("/<token>/leave", methods=["POST"])
def leave(token: str) -> BaseResponse | str | tuple[str, int]:
    """A colleague leaves the team, keeping their answers apart or deleting them."""
    assessment = _submitted_or_404(token)
    if not teams.place_of(assessment).is_colleague:
        abort(404)
    form = LeaveForm()
    if not form.validate():
        return _render(assessment, token, leave_form=form), 400
    teams.leave(assessment, delete=form.answers.data == "delete")
    if form.answers.data == "delete":
        return redirect(url_for("assessment.deleted"), code=303)
    return redirect(url_for("results.profile", token=token), code=303)


def _render(assessment: Assessment, token: str, **extra: Any) -> str:
    """The "Your team" page."""
    return render_template(
        "team/page.html",
        assessment=assessment,
        token=token,
        team=team_view(assessment, current_language()),
        form=ButtonForm(formdata=None),
        leave_form=extra.pop("leave_form", None) or LeaveForm(formdata=None),
        **extra,
    )


def _team_or_404(team_token: str) -> Team:
    team = teams.find_by_link(team_token)
    if team is None:
        abort(404)
    return team


def _submitted_or_404(token: str) -> Assessment:
    assessment = assessment_services.find_by_token(token)
    if assessment is None or not assessment.is_submitted:
        g.bilingual_errors = True
        abort(404)
    return assessment
