"""The results page in a real browser: charts draw under the strict CSP; tables carry the numbers without JS."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.factories import BASE_ANSWERS, LiveServer, seed_submission


def test_charts_draw_with_no_console_error_or_csp_violation(live_server: LiveServer, new_page: Any) -> None:
    token = seed_submission(live_server.app, BASE_ANSWERS)
    page = new_page(locale="fr-CA")
    page.goto(f"{live_server.url}/fr/results/{token}")
    page.wait_for_selector("#components-chart[data-chart-ready='true']")
    page.wait_for_selector("#figures-chart[data-chart-ready='true']")
    assert page.evaluate("() => window.Chart && window.Chart.version").startswith("4.")
    assert page.locator("#components-chart").get_attribute("aria-label")


def test_results_tables_are_complete_without_javascript(live_server: LiveServer, new_page: Any) -> None:
    token = seed_submission(live_server.app, BASE_ANSWERS)
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/en/results/{token}")
    scores = page.locator("#components table tbody tr")
    assert scores.count() == 4
    expect(page.locator("#baseline table tbody tr")).to_have_count(8)
    expect(page.get_by_text("41.8 % (n = 239")).to_be_visible()
    # Collapsed recommendations still open without JavaScript (native <details>).
    details = page.locator("details.recommendation")
    assert details.count() >= 1
