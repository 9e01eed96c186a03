"""Participants' workshop pages: choose a language, join with a code, consent with a name, "you and the room"."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from benchmark.intermediaries.workshops import bp, join_bp, room, services
from benchmark.intermediaries.workshops.forms import JoinForm, NamedConsentForm
from benchmark.store import assessments as assessment_services
from benchmark.store import participations
from benchmark.store.models import Assessment, Participation
from benchmark.web.i18n import best_language, current_language
from benchmark.web.limits import JOIN_CODE_LIMIT, limit_attempts, refused
from benchmark.web.sealed import seal, unseal


@join_bp.route("/join/<code>")
def choose_language(code: str) -> str:
    """The language-neutral join address of a bilingual workshop: English or Français (the code is not looked up)."""
    normalised = services.normalise_code(code)
    if normalised is None:
        abort(404)
    first = best_language()
    return render_template(
        "workshops/choose_language.html", code=normalised, order=[first, "fr" if first == "en" else "en"]
    )


@bp.route("/join", methods=["GET", "POST"])
@limit_attempts(JOIN_CODE_LIMIT, count=refused)
def join() -> str | BaseResponse | tuple[str, int]:
    """Join a workshop with its code (or its QR code).

    A browser that already joined this workshop never reopens that draft silently: on a shared
    device it may belong to another organisation, so the participant chooses (continue it, or
    start as a new organisation).  Only refused attempts count towards the limit.
    """
    form = JoinForm()
    if request.method == "GET":
        form.code.data = request.args.get("code", "")[:20]
        return render_template("workshops/join.html", form=form)
    if not form.validate():
        return render_template("workshops/join.html", form=form), 400
    workshop = services.workshop_by_code(form.code.data)
    if workshop is None:
        form.code.errors = [
            _(
                "This code does not open a workshop. Check it with your facilitator: "
                "codes use letters and numbers without O, I, L, S, Z or B."
            )
        ]
        return render_template("workshops/join.html", form=form), 404
    if workshop.status != "open":
        form.code.errors = [_("This workshop is closed: it no longer accepts participants. Ask your facilitator.")]
        return render_template("workshops/join.html", form=form), 403
    existing = _draft_in_session(workshop.id)
    if existing and form.choice.data == "continue":
        return redirect(url_for("assessment.resume", token=existing))
    if existing and form.choice.data != "new":
        return render_template("workshops/join_choice.html", form=form, workshop=workshop)
    earlier = None
    if form.earlier_link.data:
        token = assessment_services.extract_token(form.earlier_link.data)
        earlier = assessment_services.find_by_token(token) if token else None
        if earlier is None:
            form.earlier_link.errors = [
                _("We could not find an assessment for this link. Leave the field empty to start afresh.")
            ]
            return render_template("workshops/join.html", form=form), 404
    share = bool(form.share.data)
    _participation, token = services.join(workshop, current_language(), earlier, share, name=form.name.data)
    joined = session.get("joined")
    session["joined"] = {**(joined if isinstance(joined, dict) else {}), str(workshop.id): seal(token)}
    return redirect(url_for("assessment.private_link", token=token, new=1))


def _draft_in_session(workshop_id: int) -> str | None:
    """The token of the draft this browser joined the workshop with, if it is still there.

    The session cookie holds it sealed (:mod:`benchmark.web.sealed`): decoding the cookie does not give it away.
    """
    joined = session.get("joined")
    token = unseal(joined.get(str(workshop_id))) if isinstance(joined, dict) else None
    assessment = assessment_services.find_by_token(token) if token else None
    return token if assessment is not None and services.participation_for(workshop_id, assessment) else None


def _participation_or_404(token: str, workshop_id: int) -> tuple[Assessment, Participation]:
    """The participation of the assessment behind a private link in a workshop (404 otherwise)."""
    assessment = assessment_services.find_by_token(token)
    participation = services.participation_for(workshop_id, assessment) if assessment else None
    if assessment is None or participation is None:
        abort(404)
    return assessment, participation


@bp.route("/consent/<token>/<int:workshop_id>", methods=["GET", "POST"])
def consent(token: str, workshop_id: int) -> str | BaseResponse | tuple[str, int]:
    """Give consent (with a name or pseudonym for the facilitator) or withdraw it."""
    _assessment, participation = _participation_or_404(token, workshop_id)
    form = NamedConsentForm()
    if request.method == "GET":
        form.share.data = True
        form.name.data = participation.display_name or ""
        return render_template("workshops/consent.html", form=form, participation=participation, token=token)
    if not form.validate():
        status = 400
        return render_template("workshops/consent.html", form=form, participation=participation, token=token), status
    participations.set_consent(participation, bool(form.share.data), form.name.data)
    return redirect(url_for("results.profile", token=token, _anchor="workshops"))


@bp.route("/room/<token>/<int:workshop_id>")
def you_and_the_room(token: str, workshop_id: int) -> str | BaseResponse:
    """A participant's own component scores beside the cohort's (from k completed participants)."""
    assessment, participation = _participation_or_404(token, workshop_id)
    if not assessment.is_submitted:
        return redirect(url_for("assessment.resume", token=token))
    view = room.room(participation.workshop, assessment, current_language())
    return render_template("workshops/room.html", room=view, token=token)
