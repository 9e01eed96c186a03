"""The private results page of a submitted assessment, and its downloads."""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import Response, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from benchmark.extensions import db
from benchmark.organisations.deletion import render_delete_page
from benchmark.organisations.history import services as history
from benchmark.organisations.results import bp, fragments, pdf
from benchmark.organisations.results.comparison import FigureRow
from benchmark.organisations.results.peer_view import choose_peer_group, peer_chart, peer_rows
from benchmark.organisations.results.services import (
    ResultsView,
    build_results,
    compare_imported,
    my_data,
    my_data_table,
)
from benchmark.store import assessments as assessment_services
from benchmark.store import page_state, results_reads
from benchmark.store.content import content
from benchmark.store.models import Assessment, BoardShare
from benchmark.store.models.clock import utcnow
from benchmark.web import headers, render_i18n, url_memo
from benchmark.web.formatting import formatters
from benchmark.web.forms import ConsentForm, DeleteForm
from benchmark.web.headers import set_all
from benchmark.web.i18n import current_language
from benchmark.web.page_cache import cached_page
from benchmark.web.responses import csv_text

PRIVATE_HEADERS = headers.PRIVATE


class TakeAgainForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    """Start a new assessment pre-filled with the latest submission's answers (CSRF only)."""


@bp.after_request
def keep_private(response: Response) -> Response:
    """Results are private: never indexed, never stored by shared caches."""
    set_all(response.headers, PRIVATE_HEADERS)  # as headers.update(PRIVATE_HEADERS), values checked once
    return response


@bp.route("/<token>")
def profile(token: str) -> str | BaseResponse:
    """Show the digital-capacity profile with its comparisons and recommendations."""
    found = page_state.results_page(token)
    if found is None:
        g.bilingual_errors = True
        abort(404)
    if not found.submitted:
        return redirect(url_for("assessment.resume", token=token))
    # Kept rendered per address until something the page shows changes (store/page_state.py) or the day does.
    key = ("results", found.state, utcnow().date())
    return cached_page(lambda: render_profile(_found_or_404(found.assessment_id), token), key=key)


def fast_parts() -> bool:
    """False when ``RESULTS_FAST_PARTS`` is off: no kept fragments or formatted texts, Flask-Babel's callables."""
    return bool(current_app.config.get("RESULTS_FAST_PARTS", True))


def render_profile(assessment: Assessment, token: str | None, shared: BoardShare | None = None, **extra: Any) -> str:
    """The results page of a submitted assessment: private (``token``) or read-only for a board (``shared``).

    A shared page gets no private token, so none of the private controls (take again, downloads of
    the data, delete, workshop consent, share management) is rendered or could be built.
    """
    assessments = results_reads.assessments_of(assessment.organisation_id)  # one read: previous, history, newer
    answers = results_reads.AnswerReads([a.id for a in results_reads.shown_until(assessments, assessment.id)])
    view = build_results(assessment, current_language(), assessments, answers)
    fast = formatters() | render_i18n.callables() | {"url_for": url_memo.url_builder()} if fast_parts() else {}
    participations = [] if shared else results_reads.participations_of(assessment.id)
    chosen = request.args.get("baseline", "")[:100]
    imported = compare_imported(assessment, view.profile, chosen, view.lang) if chosen else None
    peer_choice = choose_peer_group(view.peer_groups, request.args.get("peers"))
    return render_template(
        "results/profile.html",
        view=view,
        token=None if shared else token,
        shared=shared,
        chart=chart_data(view),
        form=TakeAgainForm(),
        participations=participations,
        consent_forms={p.id: ConsentForm(formdata=None) for p in participations},
        baselines=results_reads.published_baselines(),
        chosen=chosen,
        imported=imported,
        peer_choice=peer_choice,
        peer_chart=peer_chart(peer_choice, view.profile, view.lang),
        history=history.history_until(assessment, view.lang, assessments, answers),
        newer=None if shared else history.newer_than(assessment, assessments),
        kept_block=fragments.block_renderer(view),
        peer_rows=peer_rows(view.profile, view.lang, fast.get("format_decimal", flask_babel.format_decimal)),
        **fast,
        **extra,
    )


@bp.route("/<token>/data.json")
def data(token: str) -> Response:
    """The same results as JSON (the same small-group rule applies)."""
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    return jsonify(results_json(build_results(assessment, current_language())))


@bp.route("/<token>/report.pdf")
def report_pdf(token: str) -> Response | tuple[str, int]:
    """Download the profile as a tagged PDF in the page's language."""
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    return report_pdf_response(assessment, back=url_for(".profile", token=token))


@bp.route("/<token>/report-bilingual.pdf")
def report_bilingual_pdf(token: str) -> Response | tuple[str, int]:
    """Download a side-by-side English/French PDF for bilingual boards."""
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    return bilingual_pdf_response(assessment, back=url_for(".profile", token=token))


def report_pdf_response(assessment: Assessment, back: str) -> Response | tuple[str, int]:
    """The profile as a tagged PDF in the page's language; a rendering failure is a 503 page linking to ``back``."""
    try:
        body = pdf.render_report_pdf(build_results(assessment, current_language()))
    except pdf.PdfError:
        current_app.logger.exception("PDF rendering failed")
        return render_template("results/pdf_error.html", back=back), 503
    return pdf_response(body, _("digital-capacity-profile") + ".pdf")


def bilingual_pdf_response(assessment: Assessment, back: str) -> Response | tuple[str, int]:
    """The profile side by side in English and French; a rendering failure is a 503 page linking to ``back``."""
    try:
        with force_locale("en"):
            english = build_results(assessment, "en")
        with force_locale("fr"):
            french = build_results(assessment, "fr")
        body = pdf.render_bilingual_pdf(english, french)
    except pdf.PdfError:
        current_app.logger.exception("Bilingual PDF rendering failed")
        return render_template("results/pdf_error.html", back=back), 503
    return pdf_response(body, "profile-profil.pdf")


@bp.route("/<token>/again", methods=["POST"])
def take_again(token: str) -> BaseResponse:
    """Start a new assessment pre-filled with the answers of the organisation's latest submission.

    An older link starts from the latest submission too, never from its own older answers.
    """
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    if not TakeAgainForm().validate():
        abort(400)
    latest = history.latest_submission(assessment.organisation_id) or assessment
    _new, new_token = assessment_services.start_assessment(
        content().questionnaire, current_language(), latest.label, previous=latest
    )
    return redirect(url_for("assessment.private_link", token=new_token, new=1))


@bp.route("/<token>/my-data.json")
def my_data_json(token: str) -> Response:
    """Download everything stored about this assessment as JSON (answers with their labels, scores, dates)."""
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    response = jsonify(my_data(assessment, current_language()))
    return _attachment(response, _("my-assessment-data") + ".json")


@bp.route("/<token>/my-data.csv")
def my_data_csv(token: str) -> Response:
    """The same as CSV (formulas neutralised, UTF-8 with BOM for spreadsheets)."""

    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        abort(404)
    header, rows = my_data_table(my_data(assessment, current_language()))
    response = Response(csv_text(header, rows), mimetype="text/csv")
    return _attachment(response, _("my-assessment-data") + ".csv")


@bp.route("/<token>/delete", methods=["GET", "POST"])
def delete(token: str) -> str | BaseResponse:
    """Delete this assessment for good: GET says what goes, POST (the confirm button) deletes it."""
    assessment = _submitted_or_404(token)
    if not assessment.is_submitted:
        return redirect(url_for("assessment.delete", token=token), code=303)
    form = DeleteForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        assessment_services.delete_assessment(assessment)
        return redirect(url_for("assessment.deleted"), code=303)
    return render_delete_page(assessment, token, form, cancel=url_for(".profile", token=token))


def _attachment(response: Response, filename: str) -> Response:
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _submitted_or_404(token: str) -> Assessment:
    """Return the assessment; unknown and malformed tokens get the same bilingual 404."""
    assessment = assessment_services.find_by_token(token)
    if assessment is None:
        g.bilingual_errors = True
        abort(404)
    return assessment


def _found_or_404(assessment_id: int) -> Assessment:
    """The assessment the token already found (by its id: the token is not looked up twice), or the bilingual 404."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        g.bilingual_errors = True
        abort(404)
    return assessment


def pdf_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Length"] = str(len(body))
    return response


def chart_data(view: ResultsView) -> dict[str, Any]:
    """The numbers the Chart.js charts draw (the same numbers are in the page's tables)."""
    lang = view.lang
    medians = view.peer_medians
    shown_medians = [
        None if medians[d.dimension.id] is None else round(medians[d.dimension.id] or 0)
        for d in view.profile.dimensions
    ]
    figures = [row for comparison in view.comparisons for row in comparison.figures]
    words = fragments.kept("answer_texts", lang, fragments.answer_texts)
    return {
        "components": {
            "title": _("Your scores by component (0–100)"),
            "labels": [d.dimension.name.get(lang) for d in view.profile.dimensions],
            "organisation_label": _("Your organization"),
            "organisation": [d.score for d in view.profile.dimensions],
            "peer_label": _("Median of all organizations today"),
            "peer_median": shown_medians if any(m is not None for m in shown_medians) else None,
        },
        "figures2017": {
            **fragments.kept("figures_chart", lang, lambda: fragments.figures_chart(figures, lang)),
            "yours": [words["your_answer"] % {"answer": answer_words(row, lang, words)} for row in figures],
            "yours_label": words["yours_label"],
            "selected": [row.selected is True for row in figures],
        },
    }


def answer_words(row: FigureRow, lang: str, words: dict[str, str]) -> str:
    """The organisation's answer beside one 2017 figure, in words ("I don't know" is never "No")."""
    if row.answer in ("yes", "no", "skipped"):
        return words[row.answer]
    option = row.item.option(row.answer)
    return option.label.get(lang) if option else row.answer


def results_json(view: ResultsView) -> dict[str, Any]:
    """The results as JSON: scores, 2017 figures with provenance, peers (None below k), recommendations.

    Peer figures are the private ones (noisy median and quartiles, no mean) and the organisation's
    place is the quarter of the group it falls in (``your_quarter``, 1 lowest … 4 highest), never an
    exact percentile rank; ``peers.note`` says so in the page's language.
    """
    return {
        "questionnaire_version": view.assessment.questionnaire_version,
        "rubric_version": view.profile.rubric_version,
        "language": view.lang,
        "submitted_at": view.assessment.submitted_at.isoformat() if view.assessment.submitted_at else None,
        "components": {
            d.dimension.id: {
                "name": d.dimension.name.get(view.lang),
                "score": d.score,
                "level": None if d.level is None else {"number": d.level.number, "name": d.level.name.get(view.lang)},
                "answered_indicators": d.answered,
                "total_indicators": d.total,
            }
            for d in view.profile.dimensions
        },
        "figures_2017": [
            {
                "item": row.item.id,
                "option": row.figure.option_id,
                "pct": row.figure.pct,
                "n": row.figure.n,
                "status": row.figure.status,
                "source": row.figure.source,
                "selected": row.selected,
                "answer": row.answer,
            }
            for comparison in view.comparisons
            for row in comparison.figures
        ],
        "items_without_2017_figure": [c.item.id for c in view.comparisons if not c.has_figure],
        "peers": {
            "k": view.k,
            "note": view.noise_note,
            "groups": [
                {
                    "group": group.key,
                    "label": group.label,
                    "n": group.n if group.shown else None,
                    "components": {
                        dimension: None
                        if summary is None
                        else {
                            "n": summary.n,
                            "median": summary.median,
                            "q1": summary.q1,
                            "q3": summary.q3,
                            "your_quarter": group.bands[dimension],
                        }
                        for dimension, summary in group.summaries.items()
                    },
                }
                for group in view.peer_groups
            ],
        },
        "top_steps": [
            {"text": step.text, "recommendation": step.recommendation, "rule": step.rule_id} for step in view.top_steps
        ],
        "recommendations": [
            {
                "recommendation": group.recommendation.id,
                "text": group.text,
                "why": [line.text for line in group.why],
                "steps": list(group.steps),
                "links": [{"name": link.name, "url": link.url} for link in group.links],
            }
            for group in view.recommendations
        ],
    }
