"""The questionnaire in a real browser: keyboard only in French, without JavaScript, resume elsewhere."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.factories import LiveServer

MAX_TABS_PER_PAGE = 200


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
                           checked: String(!!e.checked)}; }"""
    )


def answer_page_with_keyboard(page: Any) -> None:
    """Tab through a page: tick the first option of every group with Space, then press Enter on "next"."""
    answered: set[str] = set()
    for _ in range(MAX_TABS_PER_PAGE):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["type"] in {"radio", "checkbox"} and element["name"] not in answered:
            if element["checked"] != "true":
                page.keyboard.press("Space")
            answered.add(element["name"])
        elif element["tag"] == "BUTTON" and element["value"] == "next":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"never reached the Next button on {page.url}")


def tab_to_and_press(page: Any, predicate: str, key: str = "Enter") -> None:
    """Press Tab until the focused element satisfies a JS predicate on `e`, then press `key`."""
    for _ in range(MAX_TABS_PER_PAGE):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({predicate}); }}"):
            with page.expect_navigation():
                page.keyboard.press(key)
            return
    raise AssertionError(f"could not reach {predicate} on {page.url}")


def test_french_questionnaire_completed_with_the_keyboard_only(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(locale="fr-CA")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/fr/$"))
    tab_to_and_press(page, "e.tagName === 'A' && e.getAttribute('href') === '/fr/assessment/'")
    tab_to_and_press(page, "e.tagName === 'BUTTON' && e.type === 'submit'")  # Commencer le questionnaire
    expect(page).to_have_url(re.compile(r"/link"))
    tab_to_and_press(page, "e.classList.contains('button-primary')")
    for _ in range(9):
        assert page.locator("html").get_attribute("lang") == "fr"
        answer_page_with_keyboard(page)
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_text("Sans réponse", exact=True)).to_have_count(0)
    tab_to_and_press(page, "e.tagName === 'BUTTON' && e.type === 'submit'")
    expect(page).to_have_url(re.compile(r"/done$"))
    expect(page.locator("h1")).to_have_text("Vos réponses sont transmises")


def test_french_questionnaire_without_javascript(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(java_script_enabled=False, locale="fr-CA")
    page.goto(live_server.url + "/fr/assessment/")
    page.get_by_role("button", name="Commencer le questionnaire").click()
    page.locator("a.button-primary").click()
    while "/review" not in page.url:
        for group in page.locator("fieldset, table.task-grid").all():
            first = group.locator("input[type=radio], input[type=checkbox]").first
            if first.count():
                first.check()
        page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    page.get_by_role("button", name="Transmettre mes réponses").click()
    expect(page).to_have_url(re.compile(r"/done$"))
    expect(page.locator("h1")).to_have_text("Vos réponses sont transmises")


def test_resume_in_another_browser_restores_page_and_answers(live_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    page.goto(live_server.url + "/en/assessment/")
    page.get_by_role("button", name="Start the questionnaire").click()
    link = page.locator("#private-link").input_value()
    assert re.search(r"/en/assessment/[A-Za-z0-9_-]{43}/$", link)
    page.locator("a.button-primary").click()
    page.get_by_label("8", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#q2_1-cloud").check()
    page.locator("#q2_3-website").check()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    other = new_page()  # a new browser context: no cookies, no history
    other.goto(link)
    expect(other).to_have_url(re.compile(r"/internal-tasks$"))
    assert other.locator("#q2_1-cloud").is_checked() and other.locator("#q2_3-website").is_checked()
    assert not other.locator("#q2_1-email").is_checked()
    other.get_by_role("link", name="Français").click()
    expect(other).to_have_url(re.compile(re.escape("/fr/assessment/" + link.split("/")[-2] + "/internal-tasks") + "$"))
    assert other.locator("#q2_1-cloud").is_checked()
    other.get_by_role("button", name="Retour").click()
    assert other.locator("#q1-8").is_checked()


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
