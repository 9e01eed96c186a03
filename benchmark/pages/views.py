"""Public information pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Response, current_app, render_template
from flask_babel import lazy_gettext as _l

from benchmark.config import PROJECT_ROOT
from benchmark.pages import bp
from benchmark.store.content import content, glossary, questionnaire
from benchmark.web.i18n import current_language
from benchmark.web.page_cache import cached_page


@bp.route("/")
def home() -> Response | str:
    """Say what the tool is and for whom, and where to start."""
    return cached_page(lambda: render_template("pages/home.html"))


@bp.route("/privacy")
def privacy() -> Response | str:
    """The privacy notice: what is collected, why, who sees it, how long it is kept."""
    return cached_page(lambda: render_template("pages/privacy.html", questionnaire=questionnaire()))


@bp.route("/how-scores-work")
def methodology() -> str:
    """Explain the scoring, generated from the same rubric data the code uses."""
    data = content()
    return render_template(
        "pages/methodology.html",
        rubric=data.rubric,
        questionnaire=data.questionnaire,
        baseline=data.baseline,
        k=current_app.config["PEER_MIN_GROUP"],
    )


@bp.route("/glossary")
def glossary_page() -> Response | str:
    """The product's words in English and French, with their definitions (benchmark/core/data/glossary.yaml)."""
    return cached_page(lambda: render_template("pages/glossary.html", glossary=glossary()))


# --------------------------------------------------------------------------- accessibility statement

ACCESSIBILITY_FILE = PROJECT_ROOT / "benchmark" / "data" / "accessibility.json"

# Labels of the pages and checks named in benchmark/data/accessibility.json (written by the
# accessibility tests). Questionnaire pages ("questionnaire:<page id>") take their own titles.
PAGE_GROUPS = {
    "public": _l("Information pages"),
    "questionnaire": _l("Questionnaire"),
    "results": _l("Results"),
    "accounts": _l("Staff accounts"),
    "sector": _l("Sector view"),
    "workshops": _l("Workshops"),
    "errors": _l("Error pages"),
}
PAGE_LABELS = {
    "home": _l("Home"),
    "privacy": _l("Privacy notice"),
    "how-scores-work": _l("How scores work"),
    "accessibility": _l("Accessibility statement"),
    "api-docs": _l("API documentation"),
    "start": _l("Start the self-assessment"),
    "start-error": _l("Start page, private link not found"),
    "private-link": _l("Your private link"),
    "review": _l("Check your answers"),
    "done": _l("Your answers are submitted"),
    "results": _l("Your digital-capacity profile"),
    "results-workshop-participant": _l("Profile of a workshop participant"),
    "sign-in": _l("Sign in"),
    "sign-in-error": _l("Sign in, wrong password"),
    "account": _l("Your account (facilitator)"),
    "account-admin": _l("Your account (administrator)"),
    "users": _l("Accounts"),
    "users-error": _l("Accounts, form with errors"),
    "users-new-link": _l("Accounts, new set-password link"),
    "password": _l("Change your password"),
    "set-password": _l("Set your password"),
    "admin": _l("Administration"),
    "sector": _l("Sector view"),
    "data-dictionary": _l("Data dictionary"),
    "workshops": _l("Your workshops"),
    "workshop-new": _l("Create a workshop"),
    "workshop-new-error": _l("Create a workshop, form with errors"),
    "workshop-live-below-k": _l("Live view, too few responses to show"),
    "workshop-live-above-k": _l("Live view, cohort figures"),
    "workshop-projector-below-k": _l("Projector, too few responses to show"),
    "workshop-projector-above-k": _l("Projector, cohort figures"),
    "workshop-handout": _l("Handout"),
    "workshop-join": _l("Join a workshop"),
    "workshop-join-error": _l("Join a workshop, wrong code"),
    "error-404": _l("Page not found"),
    "error-404-bilingual": _l("Page not found, in both languages"),
    "error-404-private-link": _l("Private link not found"),
}
QUESTIONNAIRE_VARIANTS = {
    "one-task": _l("one task per screen"),
    "errors": _l("error summary after a failed “Save and continue”"),
}
CHECK_LABELS = {
    "keyboard-results": _l(
        "The results page can be used with the keyboard alone: Tab reaches every link, button and control."
    ),
    "keyboard-facilitator": _l(
        "A facilitator can sign in, create a workshop and use its live view with the keyboard alone."
    ),
    "focus-visible": _l("Every element reached with Tab shows a visible focus outline."),
    "skip-link": _l("The first Tab reaches a “Skip to main content” link, which moves focus to the main content."),
    "error-summary-focus": _l(
        "After a failed “Save and continue”, focus moves to the list of problems, which links to each question."
    ),
}


def accessibility_summary() -> dict[str, Any] | None:
    """The last complete passing accessibility test run, or None if none is recorded."""
    try:
        data: dict[str, Any] = json.loads(ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def page_label(page_id: str, lang: str) -> str:
    """A readable, translated name for a scanned page."""
    if page_id.startswith("questionnaire:"):
        _prefix, qpage_id, *variant = page_id.split(":")
        qpage = questionnaire().page(qpage_id)
        label = qpage.title.get(lang) if qpage else qpage_id
        if variant:
            label = f"{label} ({QUESTIONNAIRE_VARIANTS.get(variant[0], variant[0])})"
        return str(label)
    return str(PAGE_LABELS.get(page_id, page_id))


@bp.route("/accessibility")
def accessibility() -> str:
    """The accessibility statement, generated from the last complete run of the accessibility tests."""
    summary = accessibility_summary()
    lang = current_language()
    groups: list[dict[str, Any]] = []
    if summary:
        for group_id, group_label in PAGE_GROUPS.items():
            rows = [
                {"label": page_label(p["id"], lang), "languages": p["languages"]}
                for p in summary.get("pages", [])
                if p.get("group") == group_id
            ]
            if rows:
                groups.append({"label": group_label, "rows": rows})
    last_run = None
    if summary and summary.get("last_run"):
        last_run = dt.date.fromisoformat(summary["last_run"])
    return render_template(
        "pages/accessibility.html",
        summary=summary,
        groups=groups,
        last_run=last_run,
        checks=[
            {"label": CHECK_LABELS.get(c["id"], c["id"]), "passed": c["passed"]}
            for c in (summary or {}).get("checks", [])
        ],
    )
