"""Issue 14 item 4, the board link, in Chromium: 360 px and 1280 px, English and French.

On the private results page a board link is made, copied and revoked with the keyboard only; the
share section and the board's read-only results and plan pages are scanned with axe-core
(0 violations) and must not scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from benchmark.organisations.plan import services as plan_services
from benchmark.store import assessments as services
from tests.browser.pages import LANGS, WIDTHS, check, tab_to, words_whole
from tests.factories import BASE_ANSWERS, LiveServer, make_app, reset, seed_submission

LABEL = "Conseil d'administration, réunion de mars"


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_board_link_by_keyboard_and_the_read_only_pages(
    site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    token = seed_submission(site.app, BASE_ANSWERS)
    with site.app.app_context():  # a plan with a step and a cost line, so the shared plan has cards to read
        organisation_id = services.find_by_token(token).organisation_id  # type: ignore[union-attr]
        dimension = site.app.extensions["content"].rubric.dimension_ids()[0]
        due = date.today() + timedelta(days=30)
        step = "Former l'équipe d'accueil à la vidéoconférence sécurisée"
        fields = plan_services.StepFields("", step, "", "", "Trésorière du conseil", due, "in_progress", "Demander")
        plan_services.add_step(organisation_id, fields)
        plan_services.add_funding_line(organisation_id, dimension, "training", 1800, "Formation en ligne")
    page = new_page(
        viewport={"width": width, "height": 800},
        locale="fr-CA" if lang == "fr" else "en-CA",
        permissions=["clipboard-read", "clipboard-write"],
    )
    problems: list[str] = []
    page.goto(f"{site.url}/{lang}/results/{token}")
    check(page, axe_scan, problems, "results with the share section")

    # A label that is too long: the error takes the focus and what was typed stays.
    page.locator("#share-label").focus()
    page.keyboard.type("x" * 81)
    page.keyboard.press("Enter")
    expect(page.locator("#board-shares .error-summary")).to_have_count(1)
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')", timeout=5000)
    expect(page.locator("#share-label")).to_have_value("x" * 81)
    check(page, axe_scan, problems, "share section with an error")

    # Make a link with the keyboard only.
    tab_to(page, "#share-label")
    page.keyboard.press("Control+A")
    page.keyboard.type(LABEL)
    tab_to(page, "#board-shares form[action$='/shares'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/results/[^/]+#board-shares$"))
    card = page.locator("#board-shares .plan-card").first
    expect(card).to_contain_text(LABEL)
    link = card.locator("input.link-box")
    url = link.input_value()
    assert re.fullmatch(rf"{re.escape(site.url)}/{lang}/shared/[A-Za-z0-9_-]{{43}}", url), url
    check(page, axe_scan, problems, "share section with a link")

    # Copy it with the keyboard: the live region says so and the clipboard holds the link.
    tab_to(page, "#board-shares button[data-copy]")
    page.keyboard.press("Enter")
    expect(page.locator("#board-shares .copy-status")).to_have_text("Lien copié." if lang == "fr" else "Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == url

    # The board's pages: read only, no sideways scroll, no violation.
    board = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    board.goto(url)
    expect(board.locator("#shared-notice")).to_contain_text(LABEL)
    assert board.locator("form[method=post], a[href*='/results/'], a[href*='my-data']").count() == 0
    check(board, axe_scan, problems, "shared results")
    words_whole(board, problems, "shared results")
    board.locator(f"a[href$='/{lang}/shared/{url.rsplit('/', 1)[1]}/plan']").click()
    expect(board).to_have_url(re.compile(r"/plan$"))
    assert board.locator("form, input, select, textarea").count() == 0
    expect(board.locator(".plan-card").first).to_contain_text("Trésorière du conseil")
    check(board, axe_scan, problems, "shared plan")
    words_whole(board, problems, "shared plan")

    # Revoke it with the keyboard: the board's link then opens nothing.
    tab_to(page, "#board-shares form[action$='/revoke'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#board-shares$"))
    expect(page.locator("#board-shares .plan-card").first).to_contain_text(
        "Révoqué le" if lang == "fr" else "Revoked on"
    )
    expect(page.locator("#board-shares input.link-box")).to_have_count(0)
    check(page, axe_scan, problems, "share section after revoking")
    assert board.goto(url).status == 404
    assert not problems, "\n\n".join(problems)
