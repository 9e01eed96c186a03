"""The questionnaire's task grid on a phone (the journeys, with and without JavaScript, are in test_journeys.py)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.factories import LiveServer


def test_grid_reflows_without_horizontal_scrolling_on_a_phone(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/en/assessment/")
    page.get_by_role("button", name="Start the questionnaire").click()
    page.locator("a.button-primary").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/internal-tasks$"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.locator("#q2_4-email").check()
    assert page.locator("label[for=q2_4-email] .cell-task").is_visible()
