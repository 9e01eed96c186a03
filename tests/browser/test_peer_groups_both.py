"""The peer group "both" in Chromium (issue 14, item 5): same size and same province, 360/1280 px, EN/FR.

The combined group is chosen with the keyboard in the GET form; the page is scanned with axe-core
(0 violations), must not scroll sideways, draws the group's chart and heads it in words. A combined
group below k shows the "too few" sentence, still with no violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LANGS, WIDTHS, check
from tests.factories import BASE_ANSWERS, LiveServer, make_app, reset, seed_submission

#: 6–10 employees in Ontario and Quebec.
FACTS = {"q23": "yes_current", "q25": "6_10", "q26": ["on", "qc"], "n2": "yes"}
HEADINGS = {
    "en": "Same size and same province or territory (6–10 employees, Quebec)",
    "fr": "Même taille et même province ou territoire (6 à 10 employés, Québec)",
}


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[tuple[LiveServer, str, str]]:
    """k = 3: three organisations like ours (every group shown), and one larger in Quebec alone (its size below k)."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, PEER_MIN_GROUP=3)
    tokens = [
        seed_submission(app, {**BASE_ANSWERS, **FACTS, "q4": [option]})
        for option in ("shared_roles", "permanent_inhouse", "no_one")
    ]
    alone = seed_submission(app, {**BASE_ANSWERS, **FACTS, "q25": "51_plus", "q26": ["qc"]})
    with LiveServer(app) as server:
        yield server, tokens[0], alone
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_combined_group_chosen_with_the_keyboard_has_no_violation_and_no_sideways_scroll(
    site: tuple[LiveServer, str, str], new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    server, token, alone = site
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    page.goto(f"{server.url}/{lang}/results/{token}")
    page.locator("#peers-group").focus()
    page.keyboard.press("End")  # the last group: the same size in Quebec
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]peers=size_reg%3Aqc(#peers)?$"))
    check(page, axe_scan, problems, "results, same size and same province")
    expect(page.locator("#peers h3")).to_have_count(1)
    expect(page.locator("#peers h3")).to_have_text(HEADINGS[lang])
    expect(page.locator("#peers .group-size")).to_have_text(
        "3 organizations in this group." if lang == "en" else "3 organisations dans ce groupe."
    )
    chart = page.locator("#peer-chart")
    expect(chart).to_have_attribute("data-group", "size_reg:qc")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart).to_have_attribute("data-marker-drawn", "4")

    # The large organisation alone in its size in Quebec: too few, and nothing about the group printed.
    page.goto(f"{server.url}/{lang}/results/{alone}?peers=size_reg:qc#peers")
    check(page, axe_scan, problems, "results, same size and same province below k")
    too_few = "fewer than 3 in this group" if lang == "en" else "moins de 3 dans ce groupe"
    expect(page.locator("#peers")).to_contain_text(too_few)
    expect(page.locator("#peer-chart")).to_have_count(0)
    assert not problems, "\n".join(problems)
