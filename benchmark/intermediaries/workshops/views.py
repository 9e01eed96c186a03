"""Workshop pages: the facilitator's list, creation, live cohort view, projector, handout, exports; joining."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from benchmark.intermediaries.workshops import bp, services
from benchmark.intermediaries.workshops import live as live_cache
from benchmark.intermediaries.workshops.forms import StatusForm, WorkshopForm
from benchmark.intermediaries.workshops.links import join_url, qr_inline, qr_svg
from benchmark.store.content import content
from benchmark.store.models import Workshop
from benchmark.web.auth import admit, claimed_account_id, current_user, role_required, signed_in_user
from benchmark.web.i18n import current_language
from benchmark.web.page_cache import respond
from benchmark.web.responses import csv_text, pdf_download

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
    return _cohort_page("workshops/live.html", workshop_id, projector=False)


@bp.route("/<int:workshop_id>/live")
def live_fragment(workshop_id: int) -> str | BaseResponse:
    """The cohort picture alone, for the live view's polling: account, access and version in one statement."""
    account_id = claimed_account_id()
    state = live_cache.cohort_state(workshop_id, account_id) if account_id is not None else None
    refused = admit(state.account if state else None, *FACILITATORS)  # as role_required(*FACILITATORS)
    if refused is not None:
        return refused
    assert state is not None
    return respond(_picture(workshop_id, state, projector=request.args.get("projector") == "1").cohort_page)


@bp.route("/<int:workshop_id>/projector")
@role_required(*FACILITATORS)
def projector(workshop_id: int) -> str:
    """Large type, high contrast, no names: for the room's screen."""
    workshop = _workshop_or_404(workshop_id)
    return _cohort_page("workshops/projector.html", workshop_id, projector=True, qr=qr_inline(join_url(workshop)))


def _cohort_page(template: str, workshop_id: int, projector: bool, **extra: Any) -> str:
    """A page showing the live cohort picture, with the join link and the refresh interval."""
    workshop = _workshop_or_404(workshop_id)
    state = live_cache.cohort_state(workshop_id, signed_in_user().id)
    assert state is not None  # role_required found the account in this request
    return render_template(
        template,
        workshop=workshop,
        picture=_picture(workshop_id, state, projector),
        join_url=join_url(workshop),
        refresh=current_app.config["WORKSHOP_REFRESH_SECONDS"],
        **extra,
    )


def _picture(workshop_id: int, state: live_cache.CohortState, projector: bool) -> live_cache.Picture:
    """The cohort picture of a workshop the signed-in account may see (checked on every request, cached or not)."""
    if not state.visible_to(state.account):
        abort(404)
    return live_cache.picture(workshop_id, state, current_language(), projector)


@bp.route("/<int:workshop_id>/handout")
@role_required(*FACILITATORS)
def handout(workshop_id: int) -> str:
    """A printable bilingual handout with the code, the join link and a QR code."""
    workshop = _workshop_or_404(workshop_id)
    return render_template(
        "workshops/handout.html",
        workshop=workshop,
        join_url=join_url(workshop),
        side_urls={lang: join_url(workshop, lang) for lang in ("en", "fr")},
    )


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


# --------------------------------------------------------------------------- helpers


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
    rows.extend(level_rows(view, lang, suppressed))
    rows.extend(before_after_rows(view, lang))
    rows.append([_("Note"), "", "", "", noise_note()])
    return header, rows


def level_rows(view: services.CohortView, lang: str, suppressed: str) -> list[list[Any]]:
    """Per component, the (noisy) number of participants at each level of the rubric."""
    rows: list[list[Any]] = []
    for dimension in content().rubric.dimensions:
        counts = view.levels.get(dimension.id)
        for index, level in enumerate(content().rubric.levels):
            count = counts[index]["count"] if counts else ""
            label = f"{level.number}. {level.name.get(lang)}"
            rows.append(
                [dimension.name.get(lang), _("Organizations at this level"), label, count, "" if counts else suppressed]
            )
    return rows


def before_after_rows(view: services.CohortView, lang: str) -> list[list[Any]]:
    """Before/after (a series): per component the median before, the median after and the median change."""
    if view.pairs is None:
        return []
    hidden = _("not shown: fewer than %(k)s organizations took part in both workshops", k=view.k)
    measures = (
        (_("Before: median"), "before"),
        (_("After: median"), "after"),
        (_("Change: median"), "median"),
        (_("Organizations in both workshops"), "n"),
    )
    rows: list[list[Any]] = []
    for dimension in content().rubric.dimensions:
        figures = view.pairs["components"][dimension.id]
        for label, key in measures:
            value = "" if figures is None else figures[key]  # a number: "+2" would be read as a formula
            rows.append([dimension.name.get(lang), label, "", value, "" if figures else hidden])
    return rows


def _csv_response(text: str, filename: str) -> Response:
    response = Response(text, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
