"""Issue 15 item 1, several respondents per organisation, in Chromium: 360 px and 1280 px, English and French.

A team of three colleagues answers (one in French): the first makes the team link on the team
page, two colleagues open it and start their own assessments (one from the French address), all
three submit, and the combined profile shows the median and spread per component and the items
with the widest spread, each with a prompt.  The join page, both team pages (the team
organisation's and a colleague's) and the leave form's error are scanned with axe-core
(0 violations) and must not scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LANGS, WIDTHS, check, tab_to
from tests.factories import BASE_ANSWERS, LiveServer, make_app, reset, seed_submission, submit_draft


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server
    reset(app)


def _varied(app: Any, rating: int, choice: int) -> dict[str, Any]:
    """BASE_ANSWERS with the first 0–10 scale and the first plain single choice changed."""
    q = app.extensions["content"].questionnaire
    scale = next(i.id for i in q.iter_items() if i.type == "scale_0_10")
    single = next(i for i in q.iter_items() if i.type == "single" and not i.fact and len(i.options) >= 3)
    return {**BASE_ANSWERS, scale: rating, single.id: single.options[choice].id}


def _submit(app: Any, private_url: str, answers: dict[str, Any]) -> str:
    token = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", private_url)
    assert token, private_url
    submit_draft(app, token.group(1), answers)
    return token.group(1)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_team_of_three_and_its_combined_profile(
    site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    other = "en" if lang == "fr" else "fr"
    owner = seed_submission(site.app, _varied(site.app, 1, 0))
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    page.goto(f"{site.url}/{lang}/results/{owner}")
    page.locator("#team a").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/team/{owner}$"))
    check(page, axe_scan, problems, "team page before a link")

    # The team link, made with the keyboard; it carries no language.
    tab_to(page, "#team-link form button[type=submit]")
    page.keyboard.press("Enter")
    link = page.locator("#team-link-box").input_value()
    assert re.fullmatch(rf"{re.escape(site.url)}/{lang}/team/join/[A-Za-z0-9_-]{{43}}", link), link
    check(page, axe_scan, problems, "team page with the new link")
    join_path = link.split(f"/{lang}/team/join/")[1]

    # Two colleagues join: one in the page's language, one from the other language's address.
    tokens = []
    for colleague_lang, rating, choice in ((lang, 9, 1), (other, 5, 2)):
        colleague = new_page(
            viewport={"width": width, "height": 800}, locale="fr-CA" if colleague_lang == "fr" else "en-CA"
        )
        colleague.goto(f"{site.url}/{colleague_lang}/team/join/{join_path}")
        expect(colleague.locator("html")).to_have_attribute("lang", colleague_lang)
        check(colleague, axe_scan, problems, f"join page ({colleague_lang})")
        colleague.locator("form button[type=submit]").click()
        expect(colleague).to_have_url(re.compile(rf"/{colleague_lang}/assessment/[A-Za-z0-9_-]{{43}}/link"))
        tokens.append((colleague_lang, _submit(site.app, colleague.url, _varied(site.app, rating, choice)), colleague))

    page.goto(f"{site.url}/{lang}/team/{owner}")
    combined = page.locator("#combined-title")
    expect(combined).to_have_text("Profil combiné de votre équipe" if lang == "fr" else "Your team's combined profile")
    cards = page.locator("section[aria-labelledby=combined-title] ol.plan-steps > li")
    assert cards.count() >= 2
    expect(cards.first).to_contain_text("80 sur 100" if lang == "fr" else "80 of 100")  # 1, 9 and 5 on a 0–10 scale
    expect(cards.first.locator(".team-prompt")).to_have_count(1)
    expect(page.locator("dl.team-figures").first).to_be_visible()
    check(page, axe_scan, problems, "combined profile (team organisation)")

    # The French colleague sees the same combined profile in French, and can leave.
    colleague_lang, colleague_token, colleague = tokens[1] if lang == "en" else tokens[0]
    assert colleague_lang == "fr"
    colleague.goto(f"{site.url}/fr/team/{colleague_token}")
    expect(colleague.locator("#widest-title")).to_have_text("Où vos réponses diffèrent le plus")
    assert owner not in colleague.content() and join_path not in colleague.content()
    check(colleague, axe_scan, problems, "combined profile (colleague, fr)")
    colleague.locator("#leave button[type=submit]").click()
    expect(colleague.locator("#leave .error-summary")).to_have_count(1)
    check(colleague, axe_scan, problems, "leave form with an error (fr)")
    assert problems == [], "\n\n".join(problems)
