"""The history of assessments on the results page in Chromium: 360 px and 1280 px, English and French.

With three submissions the latest link shows the history table (cards on phones) and a line chart
per component whose canvas has an accessible name; the oldest link shows the newer-assessment
notice. Every page: axe-core (WCAG 2.0/2.1 A and AA) 0 violations and no sideways scroll.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from benchmark.store import assessments as services
from benchmark.store.scores import profile_of, stored_scores
from tests.browser.pages import LANGS, WIDTHS, check
from tests.factories import BASE_ANSWERS, LiveServer, make_app, reset, seed_submission

CHART_NAME = {"en": "Line chart of your", "fr": "Graphique linéaire de votre score"}
NOTICE = {
    "en": "A newer assessment of your organization exists",
    "fr": "Une évaluation plus récente de votre organisation",
}


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server
    reset(app)


def take_again(app: Flask, token: str, changes: dict[str, Any]) -> str:
    """A new submission of the same organisation, from ``token``'s answers with ``changes`` (through the services)."""
    with app.app_context():
        content = app.extensions["content"]
        previous = services.find_by_token(token)
        draft, new = services.start_assessment(content.questionnaire, "en", None, previous=previous)
        services.save_answers(draft, changes, "organisation")
        draft = services.find_by_token(new)
        assert draft is not None
        services.submit(draft, stored_scores(profile_of(draft.answer_map())))
    return new


def three_submissions(app: Flask) -> tuple[str, str]:
    """The first and the third private links of an organisation with three submissions."""
    first = seed_submission(app, BASE_ANSWERS)
    second = take_again(app, first, {"q4": ["shared_roles", "permanent_inhouse"], "q8.hardware": "major"})
    third = take_again(app, second, {"q7": "no", "q8.internet_access": "dont_know"})
    return first, third


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_history_with_three_submissions(site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int) -> None:
    first, third = three_submissions(site.app)
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []

    page.goto(f"{site.url}/{lang}/results/{third}")
    table = page.locator("#history-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(3)
    charts = page.locator("canvas[data-chart^='history-']")
    expect(charts).to_have_count(4)
    for index in range(4):
        canvas = charts.nth(index)
        expect(canvas).to_have_attribute("data-chart-ready", "true")
        expect(canvas).to_have_attribute("role", "img")
        name = canvas.get_attribute("aria-label") or ""
        assert name.startswith(CHART_NAME[lang]), name
        assert canvas.bounding_box()["width"] > 100
        expect(page.get_by_role("img", name=name)).to_have_count(1)
    if width == 360:  # a card per submission: the column headings are hidden, each score is labelled
        first_score = table.locator("tbody tr").first.locator("td").first
        label = page.evaluate("(cell) => getComputedStyle(cell, '::before').content", first_score.element_handle())
        assert label.strip('"') == page.locator("#history-table thead th").nth(1).inner_text()
        assert page.evaluate("() => getComputedStyle(document.querySelector('#history-table tr')).display") == "block"
    check(page, axe_scan, problems, "latest link with history")
    expect(page.locator("#newer-assessment")).to_have_count(0)

    page.goto(f"{site.url}/{lang}/results/{first}")
    expect(page.locator("#newer-assessment")).to_contain_text(NOTICE[lang])
    expect(page.locator("#history-table")).to_have_count(0)
    check(page, axe_scan, problems, "older link with the notice")
    assert not problems, "\n\n".join(problems)
