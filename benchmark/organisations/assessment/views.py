"""The questionnaire flow: start, one page per section, review, submit, confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from benchmark.core.questionnaire import Item, Page, describe_answer
from benchmark.organisations.assessment import bp, conflicts, quick_save, shown_page
from benchmark.organisations.assessment.forms import (
    PageForm,
    ResumeForm,
    ShownForm,
    StartForm,
    SubmitForm,
    page_field_names,
    page_form_class,
)
from benchmark.organisations.deletion import render_delete_page
from benchmark.store import assessments as services
from benchmark.store.content import questionnaire
from benchmark.store.drafts import stored_answers
from benchmark.store.models import Assessment
from benchmark.store.scores import profile_of, stored_scores
from benchmark.web import url_memo
from benchmark.web.errors import render_error
from benchmark.web.forms import DeleteForm
from benchmark.web.i18n import current_language
from benchmark.web.page_cache import cached_page
from benchmark.web.questions import answer_key, field_name

NAVIGATION_ACTIONS = ("next", "back", "save")


@bp.route("/", methods=["GET", "POST"])
def start() -> str | Response | tuple[str, int]:
    """Explain the questionnaire and start a new draft."""
    if request.method == "POST":
        form = StartForm()
        if not form.validate():
            return render_template("assessment/start.html", form=form, resume_form=ResumeForm(formdata=None)), 400
        assessment, token = services.start_assessment(questionnaire(), current_language(), form.label.data)
        return redirect(url_for(".private_link", token=token, new=1))
    return cached_page(
        lambda: render_template("assessment/start.html", form=StartForm(), resume_form=ResumeForm(formdata=None))
    )


@bp.route("/resume", methods=["POST"])
def resume_from_link() -> Response | tuple[str, int]:
    """Open an assessment from a pasted private link or code."""
    form = ResumeForm()
    token = services.extract_token(form.link.data or "") if form.validate() else None
    if token and services.find_by_token(token):
        return redirect(url_for(".resume", token=token))
    if not form.csrf_failed:
        form.link.errors = [_("We could not find an assessment for this link. Check that you copied the whole link.")]
    status = 400 if form.csrf_failed else 404
    return render_template("assessment/start.html", form=StartForm(formdata=None), resume_form=form), status


@bp.route("/<token>/")
def resume(token: str) -> Response:
    """Go back to where the respondent left off (or to the confirmation once submitted)."""
    assessment = _assessment_or_404(token)
    if assessment.is_submitted:
        return redirect(url_for(".done", token=token))
    return redirect(url_for(".page", token=token, page_id=assessment.current_page))


@bp.route("/<token>/link")
def private_link(token: str) -> str:
    """Show the private link to copy or print, so the draft can be resumed later."""
    assessment = _assessment_or_404(token)
    return render_template(
        "assessment/link.html", assessment=assessment, token=token, new=bool(request.args.get("new"))
    )


@bp.route("/<token>/<page_id>", methods=["GET", "POST"])
def page(token: str, page_id: str) -> str | Response | tuple[str, int]:
    """Show one page of the questionnaire; Back, Next and Save each save the draft."""
    q = questionnaire()
    current = q.page(page_id)
    found: tuple[services.Draft, dict[str, Any] | None] | None
    if request.method == "GET" and current is not None:  # the draft and the page's answers in one statement
        found = services.find_draft_and_answers(token, q.page_answer_keys(current))
    else:
        found = (draft, None) if (draft := services.find_draft(token)) else None
    if found is None:
        abort(404)
    assessment, answers = found
    if current is None or current not in services.flow_pages(q, assessment):
        abort(404)
    if assessment.is_submitted:
        return _already_submitted(token)
    view = PageView(assessment, current, token, answers)
    if request.method == "GET":
        services.set_page(assessment, current.id)
        return shown_page.show(view) or view.render(view.form_from_answers())
    return view.handle_post()


@bp.route("/<token>/review", methods=["GET", "POST"])
def review(token: str) -> str | Response | tuple[str, int]:
    """List every answer with a link to change it, then submit."""
    assessment = _assessment_or_404(token)
    if assessment.is_submitted:
        return _already_submitted(token)
    q = questionnaire()
    form = SubmitForm()
    answers = assessment.answer_map()
    missing = services.missing_required(q, assessment, answers)
    if request.method == "POST":
        if not form.validate() or missing:
            return _render_review(assessment, token, form, missing, attempted=True), 400
        try:
            services.submit(assessment, stored_scores(profile_of(answers)))
        except services.AlreadySubmitted:
            return _already_submitted(token)
        return redirect(url_for(".done", token=token))
    return _render_review(assessment, token, form, missing, attempted=False)


@bp.route("/<token>/done")
def done(token: str) -> str | Response:
    """Confirm the submission, list the saved answers and give the private results link."""
    assessment = _assessment_or_404(token)
    if not assessment.is_submitted:
        return redirect(url_for(".resume", token=token))
    return render_template(
        "assessment/done.html",
        assessment=assessment,
        token=token,
        sections=answer_summary(assessment),
        has_results=True,
    )


@bp.route("/<token>/delete", methods=["GET", "POST"])
def delete(token: str) -> str | Response | tuple[str, int]:
    """Delete a draft for good: GET says what goes, POST (the confirm button) deletes it."""
    assessment = _assessment_or_404(token)
    if assessment.is_submitted:
        return redirect(url_for("results.delete", token=token), code=303)
    form = DeleteForm()
    if request.method == "POST":
        if not form.validate():
            return render_error(400, "csrf")  # type: ignore[no-any-return]
        services.delete_assessment(assessment)
        return redirect(url_for(".deleted"), code=303)
    return render_delete_page(assessment, token, form, cancel=url_for(".private_link", token=token))


@bp.route("/deleted")
def deleted() -> str:
    """Confirm a deletion (the private link no longer opens anything)."""
    return render_template("assessment/deleted.html")


# --------------------------------------------------------------------------- helpers


def _assessment_or_404(token: str) -> Assessment:
    """Return the assessment for a token; unknown and malformed tokens get the same 404."""
    assessment = services.find_by_token(token)
    if assessment is None:
        abort(404)
    return assessment


def _already_submitted(token: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect(url_for(".done", token=token))
    return render_template("assessment/already_submitted.html", token=token), 409


def _render_review(assessment: Assessment, token: str, form: SubmitForm, missing: list[str], attempted: bool) -> str:
    q = questionnaire()
    return render_template(
        "assessment/review.html",
        assessment=assessment,
        token=token,
        form=form,
        sections=answer_summary(assessment),
        missing=[(q.items[item_id], q.page_of_item(item_id)) for item_id in missing],
        attempted=attempted,
        total_pages=len(services.flow_pages(q, assessment)),
    )


def answer_summary(assessment: Assessment) -> list[dict[str, Any]]:
    """Group the saved answers by page, as readable labels in the current language."""
    q = questionnaire()
    lang = current_language()
    answers = assessment.answer_map()
    summary = []
    for page in services.flow_pages(q, assessment):
        rows = []
        for item in q.page_items(page):
            for key, label in _answer_rows(item, lang):
                rows.append({"key": key, "question": label, "answer": describe_answer(item, answers.get(key), lang)})
        summary.append({"page": page, "rows": rows})
    return summary


def _answer_rows(item: Item, lang: str) -> list[tuple[str, str]]:
    if item.kind.has_rows:
        return [
            (key, f"{item.text.get(lang)} — {row.label.get(lang)}")
            for key, row in zip(item.answer_keys(), item.rows, strict=True)
        ]
    label = item.short_label.get(lang) if item.short_label else item.text.get(lang)
    return [(item.id, label)]


class PageView:
    """Everything one questionnaire page needs: form, task mode, navigation targets."""

    def __init__(
        self, assessment: services.Draft, page: Page, token: str, answers: dict[str, Any] | None = None
    ) -> None:
        self.assessment = assessment
        self.page = page
        self.token = token
        self.q = questionnaire()
        self.lang = current_language()
        self.flow = services.flow_pages(self.q, assessment)
        self.layout = "tasks" if request.values.get("layout") == "tasks" and page.layout == "grid" else "grid"
        self.task = self._task_from_request()
        self.return_to = "review" if request.values.get("return_to") == "review" else ""
        self.field_names = page_field_names(self.q, page, self.task)
        self._answers = answers

    def answers(self) -> dict[str, Any]:
        """The draft's stored answers to this page (read once; again after a save)."""
        if self._answers is None:
            self._answers = stored_answers(self.assessment.id, list(self.q.page_answer_keys(self.page)))
        return self._answers

    def saved(self, revision: int) -> None:
        """Note a save: the draft's new revision, and its answers to read again."""
        self.assessment = replace(self.assessment, revision=revision, current_page=self.page.id)
        self._answers = None

    def _task_from_request(self) -> str | None:
        if self.layout != "tasks":
            return None
        task = request.values.get("task") or self.page.item_ids[0]
        return task if task in self.page.item_ids else ""  # "" marks a tampered value

    # ------------------------------------------------------------------ forms
    def form_class(self) -> type[PageForm]:
        return page_form_class(self.q, self.page.id, self.lang)

    def form_from_answers(self) -> ShownForm:
        """The form as the saved answers fill it (values as WTForms holds them; no field bound)."""
        form = ShownForm(shown_page.field_values(self))
        self._fill_hidden(form)
        return form

    def _fill_hidden(self, form: PageForm | ShownForm) -> None:
        for name, value in shown_page.hidden_values(self).items():
            getattr(form, name).data = value

    # ------------------------------------------------------------------ POST
    def handle_post(self) -> str | Response | tuple[str, int]:
        """Validate, save what is valid, then move on or show the errors."""
        action = request.form.get("action", "next")
        if action == "resolve":
            try:
                return conflicts.resolve(self)
            except services.AlreadySubmitted:
                return _already_submitted(self.token)
        if action not in NAVIGATION_ACTIONS:
            action = "next"
        form, changes, invalid = None, quick_save.changes(self, enforce_required=action == "next"), list[str]()
        if changes is None:  # not all valid as posted: WTForms decides, explains and keeps what was typed
            form = self.form_class()()
            form.enforce_required = action == "next"
            form.validate()
            if form.csrf_failed:
                return self.render(form, notice="csrf"), 400
            if self.task == "":
                return self.render(form, notice="tampered"), 400
            changes, invalid = self._changes(form)
        try:
            outcome = services.save_page(self.assessment, changes, self.page.id, self._base(form))
        except services.AlreadySubmitted:
            return _already_submitted(self.token)
        self.saved(outcome.revision)
        if outcome.conflicts:
            return conflicts.render_conflicts(self, conflicts.state_of(outcome)), 409
        if outcome.kept:
            invalid = self._show_kept(form, outcome.kept, invalid) if form else invalid
            flash(_("Your answers were combined with answers saved in another window."))
        if invalid and form:
            self._fill_hidden(form)
            return self.render(form, notice="errors"), 400
        return redirect(self._target(action))

    def _base(self, form: PageForm | None) -> services.Base | None:
        """What the form was loaded with: its revision, with the signed base's values read only for a stale save;
        else the signed base alone; else None (a blind save)."""
        posted = {"base": form.base.data, "revision": form.revision.data} if form else request.form
        signed = posted.get("base")
        revision = (posted.get("revision") or "").strip()
        if revision.isascii() and revision.isdecimal() and len(revision) < 12:
            number = int(revision)
            return services.Base(number, read_values=lambda: self._signed_values(signed, number))
        return conflicts.read_base(signed, self.assessment, self.page)

    def _signed_values(self, signed: str | None, revision: int) -> Mapping[str, Any] | None:
        """The values of the signed base of this draft, page and revision (None if missing, forged or another's)."""
        base = conflicts.read_base(signed, self.assessment, self.page)
        return None if base is None or base.revision != revision else base.values

    def _show_kept(self, form: PageForm, kept: dict[str, Any], invalid: list[str]) -> list[str]:
        """Show the answers kept from another window (not this window's blanks); return the fields still invalid."""
        for key, value in kept.items():
            field = form[field_name(key)]
            field.data = str(value) if isinstance(value, int) else value
            field.errors = []
        return [name for name in invalid if form[name].errors]

    def _changes(self, form: PageForm) -> tuple[dict[str, Any], list[str]]:
        changes: dict[str, Any] = {}
        invalid: list[str] = []
        for name in self.field_names:
            field = form[name]
            if field.errors:
                invalid.append(name)
                if field.data:  # a wrong value is not saved; the saved one stays
                    continue
            key = answer_key(name)
            item, _row = self.q.item_for_key(key)
            changes[key] = item.kind.normalise(field.data)
        return changes, invalid

    def _target(self, action: str) -> str:
        build = url_memo.url_builder()  # each address's shape built once (web/url_memo.py), as on the results page
        if action == "save":
            return build(".private_link", token=self.token, saved=1)
        step = self._neighbour(+1 if action == "next" else -1)
        if action == "next" and self.return_to == "review" and self.task is None:
            return build(".review", token=self.token)
        if step is None:
            return build(".review", token=self.token) if action == "next" else build(".private_link", token=self.token)
        page_id, task = step
        args: dict[str, Any] = {"token": self.token, "page_id": page_id}
        if self.layout == "tasks":
            args["layout"] = "tasks"
            if task:
                args["task"] = task
        return build(".page", **args)

    def _neighbour(self, direction: int) -> tuple[str, str | None] | None:
        """Return the (page, task) before or after this screen, or None at either end."""
        if self.task:
            tasks = list(self.page.item_ids)
            index = tasks.index(self.task) + direction
            if 0 <= index < len(tasks):
                return self.page.id, tasks[index]
        index = self.flow.index(self.page) + direction
        if not 0 <= index < len(self.flow):
            return None
        target = self.flow[index]
        if self.layout == "tasks" and target.layout == "grid":
            return target.id, target.item_ids[0] if direction > 0 else target.item_ids[-1]
        return target.id, None

    # ------------------------------------------------------------------ render
    def render(self, form: PageForm | ShownForm, notice: str | None = None) -> str:
        """Render the page with its items, progress and any error summary."""
        items = [self.q.items[self.task]] if self.task else self.q.page_items(self.page)
        errors = [(name, form[name]) for name in self.field_names if form[name].errors]
        return render_template(
            "assessment/page.html",
            assessment=self.assessment,
            token=self.token,
            page=self.page,
            section=self.q.section(self.page.section),
            items=items,
            form=form,
            field_name=field_name,
            errors=errors,
            notice=notice,
            layout=self.layout,
            task=self.task,
            task_number=self.page.item_ids.index(self.task) + 1 if self.task else None,
            page_number=self.flow.index(self.page) + 1,
            total_pages=len(self.flow),
        )
