"""The peer section in Chromium (issue 14, item 5): 360 px and 1280 px, English and French.

The default page and a chosen group (picked with the keyboard in the GET form) are scanned with
axe-core (0 violations) and must not scroll sideways; the peer chart is drawn with the
organisation's own score marked, and has an accessible name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LANGS, WIDTHS, check
from tests.factories import BASE_ANSWERS, LiveServer, make_app, reset, seed_submission

#: An IRCC-funded organisation in Ontario and Quebec serving francophone minority communities.
FACTS = {"q23": "yes_current", "q25": "6_10", "q26": ["on", "qc"], "n2": "yes"}


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[tuple[LiveServer, str]]:
    """k = 3 and three organisations with the same facts (every group shown), and our token."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, PEER_MIN_GROUP=3)
    tokens = [
        seed_submission(app, {**BASE_ANSWERS, **FACTS, "q4": [option]})
        for option in ("shared_roles", "permanent_inhouse", "no_one")
    ]
    with LiveServer(app) as server:
        yield server, tokens[0]
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_peer_groups_chart_marker_and_choice_with_no_violation_and_no_sideways_scroll(
    site: tuple[LiveServer, str], new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    server, token = site
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    page.goto(f"{server.url}/{lang}/results/{token}")
    check(page, axe_scan, problems, "results, all groups")

    chart = page.locator("#peer-chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart).to_have_attribute("data-marker-drawn", "4")  # the organisation's four scores
    expect(chart).to_have_attribute("role", "img")
    name = chart.get_attribute("aria-label") or ""
    assert ("with your score marked" if lang == "en" else "avec votre score indiqué") in name
    # A heading per group (all, funding, size, Ontario, Quebec, francophone minority, size in Ontario, size in
    # Quebec); the first open, the seven others on demand.
    assert page.locator("#peers h3").count() == 8
    assert page.locator("#peers details.peer-group").count() == 7
    page.locator("#peers details.peer-group summary").first.click()  # a group opens and shows its table
    expect(page.locator("#peers details.peer-group").first.locator("table")).to_be_visible()
    check(page, axe_scan, problems, "results, a second group opened")
    sizes = page.locator("#peers .group-size")
    expect(sizes.first).to_have_text(
        "3 organizations in this group." if lang == "en" else "3 organisations dans ce groupe."
    )

    # Choose the francophone-minority group with the keyboard only, then submit the GET form.
    page.locator("#peers-group").focus()
    page.keyboard.press("End")  # the last group (size and Quebec), then up past size and Ontario
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # serving francophone minority communities
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]peers=franco(#peers)?$"))
    check(page, axe_scan, problems, "results, francophone-minority group")
    expect(page.locator("#peers h3")).to_have_count(1)
    heading = page.locator("#peers h3").inner_text()
    assert ("francophone minority" if lang == "en" else "francophones en situation minoritaire") in heading
    expect(page.locator("#peer-chart")).to_have_attribute("data-group", "franco")
    expect(page.locator("#peer-chart")).to_have_attribute("data-chart-ready", "true")

    # A bad value: the message, the default groups, still no violation.
    page.goto(f"{server.url}/{lang}/results/{token}?peers=nope#peers")
    check(page, axe_scan, problems, "results, bad group")
    expect(page.locator("#peers-choice-error")).to_be_visible()
    assert not problems, "\n".join(problems)
