"""The action plan of an organisation, opened with the private link of any of its submitted assessments."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from benchmark.organisations.plan import bp, check, services, statement
from benchmark.organisations.plan.forms import FundingForm, StepForm, category_labels, status_labels
from benchmark.store import assessments as assessment_services
from benchmark.store.content import content
from benchmark.store.models import ActionPlanStep, Assessment
from benchmark.web import headers
from benchmark.web.forms import DeleteForm
from benchmark.web.headers import set_all
from benchmark.web.i18n import current_language
from benchmark.web.links import public_url
from benchmark.web.responses import pdf_download

PRIVATE_HEADERS = headers.PRIVATE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.after_request
def keep_private(response: Response) -> Response:
    """The plan is private: never indexed, never stored by shared caches."""
    set_all(response.headers, PRIVATE_HEADERS)  # as headers.update(PRIVATE_HEADERS), values checked once
    return response


@bp.route("/<token>/plan", methods=["GET", "POST"])
def view(token: str) -> str | BaseResponse | tuple[str, int]:
    """The plan: its steps, the 90-day check, what moved since the previous submission, the funding lines.

    POST adds a funding line; a line with problems is shown again with what was typed.
    """
    assessment = _submitted_or_404(token)
    funding = FundingForm()
    _fill_funding_choices(funding)
    if request.method == "POST":
        if funding.validate():
            services.add_funding_line(
                assessment.organisation_id,
                funding.dimension.data,
                funding.category.data,
                int(funding.amount.data or 0),
                (funding.description.data or "").strip(),
            )
            return redirect(url_for(".view", token=token, _anchor="funding"), code=303)
        return _render_plan(assessment, token, funding), 400
    return _render_plan(assessment, token, funding)


@bp.route("/<token>/plan/step/new", methods=["GET", "POST"])
def new_step(token: str) -> str | BaseResponse | tuple[str, int]:
    """Add a step: pick a next step of the recommendations, or write one."""
    assessment = _submitted_or_404(token)
    form = StepForm()
    choices = _fill_step_choices(form, assessment)
    if request.method == "POST":
        if form.validate():
            services.add_step(assessment.organisation_id, _fields(form))
            return redirect(url_for(".view", token=token, _anchor="steps"), code=303)
        return _render_step(token, form, choices, step=None), 400
    wanted = request.args.get("choice", "")
    form.choice.data = wanted if wanted in {c.value for c in choices} else ""
    return _render_step(token, form, choices, step=None)


@bp.route("/<token>/plan/step/<int:step_id>", methods=["GET", "POST"])
def edit_step(token: str, step_id: int) -> str | BaseResponse | tuple[str, int]:
    """Change a step (its words, owner, due date, status or note)."""
    assessment = _submitted_or_404(token)
    step = services.find_step(assessment.organisation_id, step_id) or abort(404)
    form = StepForm(obj=None if request.method == "POST" else step)
    choices = _fill_step_choices(form, assessment, keep=step)
    if request.method == "POST":
        if form.validate():
            services.update_step(step, _fields(form))
            return redirect(url_for(".view", token=token, _anchor="steps"), code=303)
        return _render_step(token, form, choices, step=step), 400
    form.choice.data = f"{step.rule_id}:{step.step_index}" if step.rule_id is not None else ""
    form.recommendation_id.data = step.recommendation_id or ""
    form.dimension.data = step.dimension or ""
    return _render_step(token, form, choices, step=step)


@bp.route("/<token>/plan/step/<int:step_id>/delete", methods=["POST"])
def delete_step(token: str, step_id: int) -> BaseResponse:
    """Remove a step from the plan (the confirm button on the step's page)."""
    assessment = _submitted_or_404(token)
    step = services.find_step(assessment.organisation_id, step_id) or abort(404)
    if not DeleteForm().validate():
        abort(400)
    services.delete_step(step)
    return redirect(url_for(".view", token=token, _anchor="steps"), code=303)


@bp.route("/<token>/plan/funding/<int:line_id>/delete", methods=["POST"])
def delete_funding(token: str, line_id: int) -> BaseResponse:
    """Remove a funding line."""
    assessment = _submitted_or_404(token)
    if not DeleteForm().validate():
        abort(400)
    if not services.delete_funding_line(assessment.organisation_id, line_id):
        abort(404)
    return redirect(url_for(".view", token=token, _anchor="funding"), code=303)


@bp.route("/<token>/plan/check.ics")
def check_ics(token: str) -> Response:
    """The 90-day check as a calendar event (404 while the plan has no step)."""
    assessment = _submitted_or_404(token)
    day = services.check_date(assessment.organisation_id) or abort(404)
    body = check.check_calendar(assessment.organisation_id, day, public_url("plan.view", token=token))
    response = Response(body, mimetype="text/calendar")
    response.headers.set("Content-Disposition", "attachment", filename="action-plan-check.ics")
    return response


@bp.route("/<token>/plan/funding-statement.pdf")
def statement_pdf(token: str) -> Response:
    """The funding-needs statement as a tagged PDF, English then French."""
    assessment = _submitted_or_404(token)
    html = render_template("plan/statement_pdf.html", sections=statement.both_sections(assessment))
    return pdf_download(html, "funding-needs-besoins-financement.pdf")


@bp.route("/<token>/plan/funding-statement.docx")
def statement_docx(token: str) -> Response:
    """The funding-needs statement as an editable Word document, English then French."""
    assessment = _submitted_or_404(token)
    response = Response(statement.docx_bytes(statement.both_sections(assessment)), mimetype=DOCX)
    response.headers.set("Content-Disposition", "attachment", filename="funding-needs-besoins-financement.docx")
    return response


def _submitted_or_404(token: str) -> Assessment:
    """The assessment of a private link, submitted; any other link is the results page's bilingual 404."""
    assessment = assessment_services.find_by_token(token)
    if assessment is None or not assessment.is_submitted:
        g.bilingual_errors = True
        abort(404)
    return assessment


def _fill_step_choices(
    form: StepForm, assessment: Assessment, keep: ActionPlanStep | None = None
) -> list[services.StepChoice]:
    lang = current_language()
    choices = services.step_choices(assessment, keep)
    form.choice.choices = [SelectChoice("", "")] + [SelectChoice(c.value, c.text.get(lang)) for c in choices]
    form.recommendation_id.choices = [SelectChoice("", "")] + [
        SelectChoice(r.id, r.text.get(lang)) for r in content().rules.recommendations
    ]
    form.dimension.choices = _dimension_choices(lang)
    return choices


def _fill_funding_choices(form: FundingForm) -> None:
    form.dimension.choices = _dimension_choices(current_language())


def _dimension_choices(lang: str) -> list[SelectChoice]:
    return [SelectChoice("", "")] + [SelectChoice(d.id, d.name.get(lang)) for d in content().rubric.dimensions]


def _fields(form: StepForm) -> services.StepFields:
    return services.StepFields(
        choice=form.choice.data or "",
        custom_text=(form.custom_text.data or "").strip(),
        recommendation_id=form.recommendation_id.data or "",
        dimension=form.dimension.data or "",
        owner=form.owner.data.strip(),
        due_on=form.due_on.data,
        status=form.status.data,
        note=(form.note.data or "").strip(),
    )


def _render_step(token: str, form: StepForm, choices: list[services.StepChoice], step: ActionPlanStep | None) -> str:
    return render_template(
        "plan/step.html",
        token=token,
        form=form,
        choices=choices,
        step=step,
        delete_form=DeleteForm(formdata=None),
        recommendations=content().rules.recommendations,
        dimensions=content().rubric.dimensions,
    )


def _render_plan(assessment: Assessment, token: str, funding: FundingForm) -> str:
    return render_template(
        "plan/plan.html",
        token=token,
        funding=funding,
        delete_form=DeleteForm(formdata=None),
        **plan_page_context(assessment.organisation_id),
    )


def plan_page_context(organisation_id: int) -> dict[str, Any]:
    """What a plan page shows (the organisation's own page and the board's read-only copy)."""
    return {
        "steps": services.steps_of(organisation_id),
        "step_text": services.step_text,
        "recommendation_of": services.recommendation_of,
        "dimension_names": {d.id: d.name for d in content().rubric.dimensions},
        "statuses": status_labels(),
        "categories": category_labels(),
        "lines": services.funding_lines_of(organisation_id),
        "dollars": statement.dollars,
        "check_date": services.check_date(organisation_id),
        "today": services.today(),
        "moved": services.what_moved(organisation_id),
    }


@bp.app_template_global()
def plan_reminder(organisation_id: int) -> tuple[date | None, date]:
    """For the results page: the day of the organisation's 90-day check (None without a plan), and today."""
    return services.check_date(organisation_id), services.today()
