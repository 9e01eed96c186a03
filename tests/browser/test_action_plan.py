"""The action plan and the done page in Chromium: 360 px and 1280 px, English and French.

Every page is scanned with axe-core (WCAG 2.0/2.1 A and AA: 0 violations) and must not scroll
sideways; the plan is built with the keyboard only, and the done page's copy button copies the
results link and says so in a live region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import render_template
from playwright.sync_api import expect

from benchmark.organisations.plan import services as plan_services
from benchmark.organisations.plan import statement
from benchmark.store import assessments as services
from tests.browser.axe import describe
from tests.browser.pages import LANGS, WIDTHS, check, tab_to, words_whole
from tests.factories import BASE_ANSWERS, LiveServer, first_answers, make_app, reset, seed_submission

REPORT_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_action_plan_by_keyboard_with_no_violation_and_no_sideways_scroll(
    site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    token = seed_submission(site.app, BASE_ANSWERS)
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    base = f"{site.url}/{lang}/results/{token}"

    page.goto(base)
    check(page, axe_scan, problems, "results with plan link")
    page.locator(f"main a[href$='/results/{token}/plan']").click()
    expect(page).to_have_url(re.compile(r"/plan$"))
    check(page, axe_scan, problems, "empty plan")

    # Add a step with the keyboard only: a next step of the recommendations.
    tab_to(page, "a[href$='/plan/step/new']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/step/new$"))
    check(page, axe_scan, problems, "new step")
    tab_to(page, "#choice")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#owner")
    page.keyboard.type("Directrice générale")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")  # no due date: the error summary takes the focus, the typed owner stays
    expect(page.locator(".error-summary")).to_have_count(1)
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')", timeout=5000)
    expect(page.locator("#owner")).to_have_value("Directrice générale")
    check(page, axe_scan, problems, "new step with errors")
    page.locator("#due_on").fill((date.today() + timedelta(days=20)).isoformat())
    tab_to(page, "input[name=status]:checked")  # a radio group is one Tab stop; arrows choose
    page.keyboard.press("ArrowDown")
    expect(page.locator("#status-in_progress")).to_be_checked()
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/plan#steps$"))
    expect(page.locator(".plan-card").first).to_contain_text("Directrice générale")

    # A cost line: a wrong amount keeps what was typed, then a good one.
    page.locator("#dimension").select_option(index=1)
    page.locator("#amount").fill("12,50")
    page.locator("#description").fill("Portables")
    page.locator("#funding form button[type=submit], form.plan-card button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_have_count(1)
    expect(page.locator("#description")).to_have_value("Portables")
    check(page, axe_scan, problems, "plan with a funding error")
    page.locator("#dimension").select_option(index=1)
    page.locator("#amount").fill("1200")
    page.locator("form.plan-card button[type=submit]").last.click()
    expect(page.locator("#plan-check")).to_have_count(1)
    check(page, axe_scan, problems, "plan with a step and a cost line")
    words_whole(page, problems, "plan with a step and a cost line")

    page.locator(".plan-card a[href*='/plan/step/']").first.click()
    expect(page.locator("#owner")).to_have_value("Directrice générale")
    check(page, axe_scan, problems, "edit step")
    words_whole(page, problems, "edit step")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_done_page_copies_the_results_link(
    site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    page = new_page(
        viewport={"width": width, "height": 800},
        locale="fr-CA" if lang == "fr" else "en-CA",
        permissions=["clipboard-read", "clipboard-write"],
    )
    with site.app.app_context():
        assessment, token = services.start_assessment(site.app.extensions["content"].questionnaire, lang, None)
        answers = first_answers(site.app)
        services.save_answers(assessment, answers, "organisation")
    page.goto(f"{site.url}/{lang}/assessment/{token}/review")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/done$"))
    link = page.locator("#private-link")
    expect(link).to_have_value(f"{site.url}/{lang}/results/{token}")
    problems: list[str] = []
    check(page, axe_scan, problems, "done")
    page.locator("button[data-copy='private-link']").click()
    expect(page.locator(".copy-status")).to_have_text("Lien copié." if lang == "fr" else "Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{site.url}/{lang}/results/{token}"
    check(page, axe_scan, problems, "done after copy")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_funding_statement_html_keeps_words_whole_and_is_axe_clean(
    site: LiveServer, new_page: Any, axe_scan: Any, width: int
) -> None:
    """The HTML of the funding-needs statement (what WeasyPrint turns into the PDF, with its stylesheet)."""
    app = site.app
    token = seed_submission(app, BASE_ANSWERS)
    with app.test_request_context("/en/"):
        assessment = services.find_by_token(token)
        assert assessment is not None
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
        due = date.today() + timedelta(days=30)
        step = "Former l'équipe d'accueil à la vidéoconférence sécurisée"
        fields = plan_services.StepFields("", step, "", "", "Coordonnatrice", due, "todo", "")
        plan_services.add_step(assessment.organisation_id, fields)
        plan_services.add_funding_line(assessment.organisation_id, dimension, "it_support", 2400, "Soutien technique")
        html = render_template("plan/statement_pdf.html", sections=statement.both_sections(assessment))
    page = new_page(viewport={"width": width, "height": 800})
    page.set_content(html)
    page.add_style_tag(content=REPORT_CSS.read_text(encoding="utf-8"))
    expect(page.locator("body")).to_contain_text("Soutien technique")
    assert page.locator("table td").count() > 0  # the needs and cost lines are tables: the word check reads them
    problems: list[str] = []
    words_whole(page, problems, "funding statement")
    violations = axe_scan(page)
    if violations:
        problems.append(describe(violations))
    assert not problems, "\n\n".join(problems)
