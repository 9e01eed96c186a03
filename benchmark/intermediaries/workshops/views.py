"""Workshop pages: the facilitator's list, creation, live cohort view, projector, handout, exports; joining."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from benchmark.intermediaries.workshops import bp, services
from benchmark.intermediaries.workshops.forms import JoinForm, StatusForm, WorkshopForm
from benchmark.store import assessments as assessment_services
from benchmark.store import participations
from benchmark.store.content import content
from benchmark.store.models import Workshop
from benchmark.web.auth import current_user, role_required, signed_in_user
from benchmark.web.forms import ConsentForm
from benchmark.web.i18n import current_language
from benchmark.web.limits import JOIN_CODE_LIMIT, limit_attempts, refused
from benchmark.web.links import public_url
from benchmark.web.responses import csv_text, pdf_download
from benchmark.web.sealed import seal, unseal

FACILITATORS = ("facilitator", "admin")


def noise_note() -> str:
    """The sentence every cohort output carries (live view, projector, CSV, PDF)."""
    return str(_("Cohort figures carry deliberate noise so that no participant can be worked out from them."))


@bp.context_processor
def rubric_in_templates() -> dict[str, Any]:
    """The cohort templates list the rubric's components."""
    return {"content_rubric": content().rubric}


def _workshop_or_404(workshop_id: int) -> Workshop:
    """Return a workshop the signed-in user may see; another facilitator's is a plain 404."""
    workshop = services.workshop_for(current_user(), workshop_id)
    if workshop is None:
        abort(404)
    return workshop


@bp.route("/")
@role_required(*FACILITATORS)
def index() -> str:
    """List the facilitator's workshops (all of them for an admin)."""
    return render_template("workshops/index.html", workshops=services.visible_workshops(current_user()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*FACILITATORS)
def create() -> str | BaseResponse | tuple[str, int]:
    """Create a workshop and show its join code."""
    user = signed_in_user()
    form = WorkshopForm()
    lang = current_language()
    q = content().questionnaire
    form.pages.choices = [SelectChoice(page.id, page.title.get(lang)) for page in q.pages]
    earlier = services.visible_workshops(user)
    form.previous_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(w.id, f"{w.title} ({w.join_code})") for w in earlier
    ]
    if request.method == "GET":
        form.pages.data = [page.id for page in q.pages]
        form.language.data = lang
    elif form.validate():
        previous = form.previous_id.data or None
        workshop = services.create_workshop(
            user.id, form.title.data, form.held_on.data, form.language.data, form.pages.data, previous
        )
        return redirect(url_for(".live", workshop_id=workshop.id))
    else:
        return render_template("workshops/new.html", form=form), 400
    return render_template("workshops/new.html", form=form)


@bp.route("/<int:workshop_id>")
@role_required(*FACILITATORS)
def live(workshop_id: int) -> str:
    """The live cohort view (refreshes itself; a refresh button without JavaScript)."""
    return _cohort_page("workshops/live.html", workshop_id, status_form=StatusForm())


@bp.route("/<int:workshop_id>/live")
@role_required(*FACILITATORS)
def live_fragment(workshop_id: int) -> str:
    """The cohort picture alone, for the live view's polling."""
    workshop = _workshop_or_404(workshop_id)
    projector_mode = request.args.get("projector") == "1"
    view = services.cohort_view(workshop, current_language())
    return render_template("workshops/_cohort.html", workshop=workshop, view=view, projector=projector_mode)


@bp.route("/<int:workshop_id>/projector")
@role_required(*FACILITATORS)
def projector(workshop_id: int) -> str:
    """Large type, high contrast, no names: for the room's screen."""
    return _cohort_page("workshops/projector.html", workshop_id)


def _cohort_page(template: str, workshop_id: int, **extra: Any) -> str:
    """A page showing the live cohort picture, with the join link and the refresh interval."""
    workshop = _workshop_or_404(workshop_id)
    return render_template(
        template,
        workshop=workshop,
        view=services.cohort_view(workshop, current_language()),
        join_url=join_url(workshop),
        refresh=current_app.config["WORKSHOP_REFRESH_SECONDS"],
        **extra,
    )


@bp.route("/<int:workshop_id>/handout")
@role_required(*FACILITATORS)
def handout(workshop_id: int) -> str:
    """A printable bilingual handout with the code, the join link and a QR code."""
    workshop = _workshop_or_404(workshop_id)
    return render_template("workshops/handout.html", workshop=workshop, join_url=join_url(workshop))


@bp.route("/<int:workshop_id>/qr.svg")
@role_required(*FACILITATORS)
def qr(workshop_id: int) -> Response:
    """The join QR code as SVG."""
    workshop = _workshop_or_404(workshop_id)
    return Response(qr_svg(join_url(workshop)), mimetype="image/svg+xml")


@bp.route("/<int:workshop_id>/status", methods=["POST"])
@role_required(*FACILITATORS)
def change_status(workshop_id: int) -> BaseResponse:
    """Close the workshop to new participants, or open it again."""
    workshop = _workshop_or_404(workshop_id)
    if StatusForm().validate():
        services.set_status(workshop, request.form.get("status", "open"))
    return redirect(url_for(".live", workshop_id=workshop.id))


@bp.route("/<int:workshop_id>/cohort.csv")
@role_required(*FACILITATORS)
def cohort_csv(workshop_id: int) -> Response:
    """Cohort aggregates as CSV (headers in the page's language; cells below k left empty)."""
    workshop = _workshop_or_404(workshop_id)
    view = services.cohort_view(workshop, current_language())
    header, rows = cohort_table(view)
    return _csv_response(csv_text(header, rows), f"workshop-{workshop.join_code}-cohort.csv")


@bp.route("/<int:workshop_id>/individual.csv")
@role_required(*FACILITATORS)
def individual_csv(workshop_id: int) -> Response:
    """Individual results, only for organisations that consented."""
    workshop = _workshop_or_404(workshop_id)
    view = services.cohort_view(workshop, current_language())
    names = [d.name.get(current_language()) for d in content().rubric.dimensions]
    header = [_("Participant"), *names, _("Submitted")]
    rows = [
        [p["label"], *p["scores"].values(), p["submitted_at"].date().isoformat() if p["submitted_at"] else ""]
        for p in view.individuals
    ]
    return _csv_response(csv_text(header, rows), f"workshop-{workshop.join_code}-individual.csv")


@bp.route("/<int:workshop_id>/summary.pdf")
@role_required(*FACILITATORS)
def summary_pdf(workshop_id: int) -> Response | tuple[str, int]:
    """A one-document cohort summary (aggregates only, k rule applied)."""
    workshop = _workshop_or_404(workshop_id)
    view = services.cohort_view(workshop, current_language())
    html = render_template("workshops/summary_pdf.html", workshop=workshop, view=view)
    return pdf_download(html, f"workshop-{workshop.join_code}.pdf")


# --------------------------------------------------------------------------- participants


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
    workshop = services.open_workshop_by_code(form.code.data)
    if workshop is None:
        form.code.errors = [
            _(
                "This code does not open a workshop. Check it with your facilitator: "
                "codes use letters and numbers without O, I, L, S, Z or B."
            )
        ]
        return render_template("workshops/join.html", form=form), 404
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
    _participation, token = services.join(workshop, current_language(), earlier, bool(form.share.data))
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


@bp.route("/consent/<token>/<int:workshop_id>", methods=["POST"])
def consent(token: str, workshop_id: int) -> BaseResponse:
    """Give or withdraw consent for the facilitator to see this organisation's results."""
    assessment = assessment_services.find_by_token(token)
    participation = services.participation_for(workshop_id, assessment) if assessment else None
    if participation is None:
        abort(404)
    form = ConsentForm()
    if not form.validate():
        abort(400)
    participations.set_consent(participation, bool(form.share.data))
    return redirect(url_for("results.profile", token=token, _anchor="workshops"))


# --------------------------------------------------------------------------- helpers


def join_url(workshop: Workshop) -> str:
    """The address participants open (the QR code encodes it)."""
    return public_url(".join", lang_code=workshop.language, code=workshop.join_code)


def qr_svg(url: str) -> str:
    """Render a QR code as an SVG document (server-side, no script)."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=6, dark="#000000", light="#ffffff", title=_("QR code to join the workshop"))
    return buffer.getvalue().decode("utf-8")


def cohort_table(view: services.CohortView) -> tuple[list[str], list[list[Any]]]:
    """The cohort aggregates as one table; suppressed cells are empty with a note."""
    lang = current_language()
    suppressed = _("not shown: fewer than %(k)s completed", k=view.k)
    share_hidden = _("not shown: fewer than %(k)s chose this option, or fewer than %(k)s did not", k=view.k)
    header = [_("Section"), _("Measure"), _("Option"), _("Value"), _("Note")]
    rows: list[list[Any]] = [
        [_("Participants"), _("Joined"), "", view.joined, ""],
        [_("Participants"), _("In progress"), "", view.in_progress, ""],
        [_("Participants"), _("Completed"), "", view.completed, ""],
    ]
    for dimension in content().rubric.dimensions:
        summary = view.components[dimension.id]
        name = dimension.name.get(lang)
        for label, value in ((_("Median"), "median"), (_("25th percentile"), "q1"), (_("75th percentile"), "q3")):
            rows.append(
                [
                    name,
                    label,
                    "",
                    "" if summary is None else round(getattr(summary, value), 1),
                    "" if summary else suppressed,
                ]
            )
    for item in view.items:
        share = item["share"]
        rows.append(
            [
                item["item"].id,
                _("Cohort share (%)"),
                item["option_label"],
                "" if share is None else round(share, 1),
                "" if share is not None else share_hidden,
            ]
        )
        rows.append([item["item"].id, _("2017"), item["option_label"], item["figure"], ""])
    rows.append([_("Note"), "", "", "", noise_note()])
    return header, rows


def _csv_response(text: str, filename: str) -> Response:
    response = Response(text, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
