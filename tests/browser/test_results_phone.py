"""The results page on a phone (issue 14): the summary fills the first screen; no word is cut; no sideways scroll.

At 360×740 the four component levels, the strongest and weakest component and the three next steps
sit within the first 740 px; at 360 and 1280 px, in English and French, after one submission and
after a retake, no table cell or card breaks a word inside, the page never scrolls sideways, and
axe-core finds no violation. The report HTML (what WeasyPrint turns into the PDF) gets the same
word and axe checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmark.organisations.results.pdf import report_html
from benchmark.organisations.results.services import build_results
from benchmark.store import assessments as services
from benchmark.store.scores import profile_of, stored_scores
from tests.browser.axe import axe_scan, describe
from tests.browser.pages import BROKEN_WORDS_JS
from tests.factories import BASE_ANSWERS, LiveServer, first_answers, make_app, reset, seed_submission

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LANGS = ["en", "fr"]
REPORT_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
SETTLE_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

#: Elements of the first screen that must lie within the first 740 px.
FIRST_SCREEN_JS = """() => {
  const boxes = (selector) => Array.from(document.querySelectorAll(selector)).map((e) => {
    const box = e.getBoundingClientRect();
    const text = e.textContent.trim().slice(0, 40);
    return {top: box.top + window.scrollY, bottom: box.bottom + window.scrollY, text: text};
  });
  return {
    levels: boxes('#summary .level-row'),
    strongest: boxes('#summary .tag-strong'),
    weakest: boxes('#summary .tag-weak'),
    steps: boxes('#summary .top-steps li'),
    bars: boxes('#summary .level-bar'),
  };
}"""


def _submit(app: Any, answers: dict[str, Any], previous: str | None = None) -> str:
    with app.app_context():
        questionnaire = app.extensions["content"].questionnaire
        before = services.find_by_token(previous) if previous else None
        assessment, token = services.start_assessment(questionnaire, "en", None, previous=before)
        services.save_answers(assessment, answers, "organisation")
        services.submit(assessment, stored_scores(profile_of(answers)))
    return token


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """Peers above k, a typical submission (every item answered) and one taken again."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, PEER_MIN_GROUP=2)
    for _ in range(2):
        seed_submission(app, BASE_ANSWERS)
    typical = {**first_answers(app), **BASE_ANSWERS}
    single = _submit(app, typical)  # an organisation with one submission (an older link would say a newer exists)
    first = _submit(app, typical)
    retake = _submit(app, {**typical, "q6": "no", "q7": "dont_know"}, previous=first)
    app.config["TEST_TOKENS"] = {"one submission": single, "after a retake": retake}
    with LiveServer(app) as server:
        yield server
    reset(app)


def _open(new_page: Any, site: LiveServer, lang: str, which: str, viewport: dict[str, int]) -> Any:
    page = new_page(viewport=viewport, locale="fr-CA" if lang == "fr" else "en-CA")
    page.goto(f"{site.url}/{lang}/results/{site.app.config['TEST_TOKENS'][which]}")
    page.wait_for_selector("#components-chart[data-chart-ready='true']")
    page.wait_for_selector("#figures-chart[data-chart-ready='true']")
    page.evaluate(SETTLE_JS)
    return page


def _no_sideways_scroll(page: Any) -> None:
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"sideways scroll: {scroll_width} > {inner_width}"


@pytest.mark.parametrize("which", ["one submission", "after a retake"])
@pytest.mark.parametrize("lang", LANGS)
def test_first_screen_at_360_shows_levels_strongest_weakest_and_three_steps(
    site: LiveServer, new_page: Any, lang: str, which: str
) -> None:
    page = _open(new_page, site, lang, which, PHONE)
    boxes = page.evaluate(FIRST_SCREEN_JS)
    assert len(boxes["levels"]) == 4 and len(boxes["bars"]) == 4
    assert len(boxes["strongest"]) == 1 and len(boxes["weakest"]) == 1
    assert len(boxes["steps"]) == 3
    late = [box for kind in boxes.values() for box in kind if box["bottom"] > PHONE["height"]]
    assert not late, f"below the first screen: {late}"
    # Nothing to download before the results (downloads have their own section further down).
    downloads_top = page.evaluate("() => document.getElementById('downloads').getBoundingClientRect().top")
    assert downloads_top > PHONE["height"] * 3
    _no_sideways_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
@pytest.mark.parametrize("which", ["one submission", "after a retake"])
@pytest.mark.parametrize("lang", LANGS)
def test_results_page_words_whole_no_sideways_scroll_axe_clean(
    site: LiveServer, new_page: Any, lang: str, which: str, viewport: dict[str, int]
) -> None:
    page = _open(new_page, site, lang, which, viewport)
    _no_sideways_scroll(page)
    broken = page.evaluate(BROKEN_WORDS_JS)
    assert not broken, broken
    if viewport is PHONE:  # below 640 px the long tables are cards: one block per row, a label per cell
        display = page.evaluate("() => getComputedStyle(document.querySelector('table.cards tbody tr')).display")
        assert display == "block"
        label = page.evaluate(
            "() => getComputedStyle(document.querySelector('table.cards td[data-label]'), '::before').content"
        )
        assert label not in ("none", "normal", "")
    violations = axe_scan(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
@pytest.mark.parametrize("lang", LANGS)
def test_report_html_words_whole_and_axe_clean(
    site: LiveServer, new_page: Any, lang: str, viewport: dict[str, int]
) -> None:
    """The HTML of the PDF (with its stylesheet): the same steps, no word broken inside a cell."""
    app = site.app
    with app.test_request_context(f"/{lang}/"):
        view = build_results(services.find_by_token(app.config["TEST_TOKENS"]["after a retake"]), lang)
        html = report_html(view)
        top = [step.text for step in view.top_steps]
    page = new_page(viewport=viewport)
    page.set_content(html)
    page.add_style_tag(content=REPORT_CSS.read_text(encoding="utf-8"))
    page.evaluate(SETTLE_JS)
    assert page.locator(".summary .top-steps li").all_inner_texts()[0].startswith(top[0])
    broken = page.evaluate(BROKEN_WORDS_JS)
    assert not broken, broken
    violations = axe_scan(page)
    assert not violations, describe(violations)
