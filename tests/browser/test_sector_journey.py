"""The IRCC analyst's journey in Chromium (issue 17): two groupings, a range of months, a bad range, the report
and its tagged PDF, at 360/1280 px, EN/FR.

Every page is scanned with axe-core (0 violations), must not scroll sideways and must not break a word
inside a table cell; each grouping's chart is drawn beside its table.
"""

from __future__ import annotations

import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from benchmark.store.models import utcnow
from tests.browser.pages import LANGS, WIDTHS, check, words_whole
from tests.factories import BASE_ANSWERS, PASSWORD, LiveServer, add_user, make_app, reset, seed_submission


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """k = 3 and 24 organisations of varied size, funding and provinces; one analyst account."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, SECTOR_MIN_CELL=3)
    rng = random.Random(17)
    for _ in range(24):
        facts = {
            "q25": rng.choice(["1_5", "6_10", "21_50"]),
            "q23": rng.choice(["yes_current", "no_never"]),
            "q26": rng.sample(["on", "qc", "bc"], rng.randint(1, 2)),
        }
        seed_submission(app, {**BASE_ANSWERS, **facts})
    add_user(app, "analyst@example.org", "analyst")
    with LiveServer(app) as server:
        yield server
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_analyst_journey_over_two_groupings_and_a_range_of_months(
    site: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int, tmp_path: Path
) -> None:
    page = new_page(viewport={"width": width, "height": 900}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    page.goto(f"{site.url}/{lang}/account/sign-in")
    page.locator("#email").fill("analyst@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))

    page.goto(f"{site.url}/{lang}/sector/")
    check(page, axe_scan, problems, "sector")
    page.locator("#by").select_option("size")
    page.locator("button[type=submit]").filter(has_text=re.compile("Show|Afficher")).click()
    page.locator("#by2").select_option("province")
    month = utcnow().strftime("%Y-%m")
    page.locator("#from").fill(month)
    page.locator("#to").fill(month)
    page.locator("button[type=submit]").filter(has_text=re.compile("Show|Afficher")).click()
    expect(page).to_have_url(re.compile(r"by2=province"))
    check(page, axe_scan, problems, "sector, two groupings and a range")
    words_whole(page, problems, "sector, two groupings and a range")
    expect(page.locator("table[id^=two_way_size_province]")).to_have_count(1)
    expect(page.locator("#uptake_month tbody tr")).to_have_count(1)  # the range: this month only
    for chart in ("uptake_size", "uptake_province"):
        expect(page.locator(f'canvas[data-chart="{chart}"]')).to_have_attribute("data-chart-ready", "true")
    expect(page.locator("#totals-heading")).to_have_count(1)

    page.goto(f"{site.url}/{lang}/sector/?by=size&by2=province&from=2026-05&to=2026-01")
    check(page, axe_scan, problems, "sector, a reversed range")
    expect(page.locator(".error-summary")).to_contain_text(
        "The first month must come before" if lang == "en" else "Le premier mois doit précéder"
    )
    expect(page.locator("#from")).to_have_value("2026-05")  # what was typed is kept

    # The report, from the dashboard's link; then its PDF, tagged.
    page.locator("main a[href$='/sector/report']").click()
    expect(page.locator("h1")).to_have_text("Sector report" if lang == "en" else "Rapport sectoriel")
    check(page, axe_scan, problems, "sector report")
    words_whole(page, problems, "sector report")
    expect(page.locator("main")).to_contain_text("40.7% (n = 248" if lang == "en" else "40,7\u202f% (n = 248")
    pdf = page.request.get(f"{site.url}/{lang}/sector/report.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(pdf.body())
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info

    # The API page, generated from the OpenAPI document (issue 17, item 4).
    page.goto(f"{site.url}/{lang}/api")
    check(page, axe_scan, problems, "API page")
    expect(page.locator("main a[href^='/api/v1/questionnaire?']")).to_have_count(1)
    assert not problems, "\n".join(problems)
