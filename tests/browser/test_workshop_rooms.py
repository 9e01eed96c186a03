"""Issue 15 item 2 in Chromium: a bilingual workshop of six (three in English, three in French).

The facilitator creates a bilingual workshop in a series; the projector shows the QR code and the
language-neutral join address and fits 1024×768 and 1280×720 in both languages (no sideways
scroll, the 2017 column whole); two participants join on phones (360 px) through that address,
one choosing English, one Français, each consenting with a name; four more are seeded (two per
language, two of them consenting). Names appear only for the consenting participants, on the
facilitator's live view alone; each phone shows "you and the room"; the cohort CSV carries the
medians before and after and the change. axe-core: 0 violations on every new or changed page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from benchmark.staff.accounts.services import create_user
from tests.browser.pages import NO_SIDEWAYS_SCROLL, check
from tests.browser.test_journeys import (
    WORKSHOP_PAGES,
    answer_until_review,
    csv_rows,
    download,
    sign_in,
    submit_review,
)
from tests.factories import BASE_ANSWERS, PASSWORD, LiveServer, make_app, reset, seed_participant

STRONGER = {**BASE_ANSWERS, "q4": ["shared_roles", "permanent_inhouse"]}
WEAKER = {**BASE_ANSWERS, "q4": ["no_one"]}
PHONE = {"width": 360, "height": 740}
PROJECTORS = [{"width": 1024, "height": 768}, {"width": 1280, "height": 720}]


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """k = 2 so that two decliners of six hide among themselves and the four consenting rows show."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, WORKSHOP_MIN_GROUP=2, WORKSHOP_REFRESH_SECONDS=600)
    with app.app_context():
        create_user("fac@example.org", "facilitator", PASSWORD)
    with LiveServer(app) as live:
        yield live
    reset(app)


def _join_on_a_phone(
    site: LiveServer, new_page: Any, axe_scan: Any, problems: list[str], code: str, lang: str, name: str
) -> Any:
    """Open the neutral join address on a phone, choose a language, consent with a name (after one error)."""
    phone = new_page(viewport=PHONE, locale="fr-CA" if lang == "fr" else "en-CA")
    phone.goto(f"{site.url}/join/{code}")
    check(phone, axe_scan, problems, f"choose language {lang}")
    phone.locator(f"main a[hreflang='{lang}']").click()
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    expect(phone.locator("#code")).to_have_value(code)
    phone.locator("#share").check()
    phone.locator("main form button[type=submit]").click()  # consent without a name: a clear error
    expect(phone.locator(".error-summary")).to_have_count(1)
    expect(phone.locator("#code")).to_have_value(code)
    expect(phone.locator("#share")).to_be_checked()
    check(phone, axe_scan, problems, f"join without a name {lang}")
    phone.locator("#name").fill(name)
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/link\?new=1$"))
    phone.locator("main a.button-primary").click()
    answer_until_review(phone, choice=1 if lang == "en" else 2)
    submit_review(phone, lang)
    phone.locator("main a.button-primary[href*='/results/']").click()
    expect(phone).to_have_url(re.compile(r"/results/[A-Za-z0-9_-]{43}$"))
    return phone


def test_a_bilingual_workshop_of_six(site: LiveServer, new_page: Any, axe_scan: Any) -> None:
    problems: list[str] = []
    facilitator = new_page(viewport={"width": 1280, "height": 800}, locale="en-CA")
    facilitator.goto(f"{site.url}/en/account/sign-in")
    sign_in(facilitator, "fac@example.org")

    # The first workshop of the series: four organisations (their private links come back later).
    facilitator.goto(f"{site.url}/en/workshops/new")
    facilitator.locator("#title").fill("Series, part 1")
    facilitator.locator("main form button[type=submit]").last.click()
    before_id = int(facilitator.url.rstrip("/").rsplit("/", 1)[-1])
    earlier = [
        seed_participant(site.app, before_id, answers) for answers in (WEAKER, BASE_ANSWERS, WEAKER, BASE_ANSWERS)
    ]

    # The second, bilingual: each participant chooses.
    facilitator.goto(f"{site.url}/en/workshops/new")
    facilitator.locator("#title").fill("Series, part 2 / Série, partie 2")
    facilitator.locator("#language-bi").check()
    for box in facilitator.locator("#pages input[type=checkbox]").all():
        box.set_checked(box.get_attribute("value") in WORKSHOP_PAGES)
    facilitator.locator("#previous_id").select_option(str(before_id))
    facilitator.locator("main form button[type=submit]").last.click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/\d+$"))
    workshop_id = int(facilitator.url.rstrip("/").rsplit("/", 1)[-1])
    code = facilitator.locator(".lead .code").inner_text()
    expect(facilitator.locator(".lead")).to_contain_text(f"/join/{code}")

    # Two participants on phones, one per language, through the QR code's address.
    english = _join_on_a_phone(site, new_page, axe_scan, problems, code, "en", "Maple Settlement")
    french = _join_on_a_phone(site, new_page, axe_scan, problems, code, "fr", "Érable Accueil")
    # Four more: two per language; two consent (named), two decline; they took part in part 1.
    seed_participant(site.app, workshop_id, STRONGER, share=True, name="Pine Services", earlier=earlier[0])
    seed_participant(
        site.app, workshop_id, STRONGER, share=True, name="Saule Solidarité", earlier=earlier[1], lang="fr"
    )
    seed_participant(site.app, workshop_id, BASE_ANSWERS, earlier=earlier[2])
    decliner = seed_participant(site.app, workshop_id, BASE_ANSWERS, earlier=earlier[3], lang="fr")

    # The consent page (from a results page): a name is asked; without one, a clear error in French.
    consent = new_page(viewport=PHONE, locale="fr-CA")
    consent.goto(f"{site.url}/fr/workshops/consent/{decliner}/{workshop_id}")
    check(consent, axe_scan, problems, "consent page fr")
    consent.locator("main form button[type=submit]").click()
    expect(consent.locator(".error-summary")).to_contain_text("Veuillez donner un nom ou un pseudonyme")
    check(consent, axe_scan, problems, "consent page with an error fr")

    # "You and the room" on each phone.
    for phone, lang in ((english, "en"), (french, "fr")):
        phone.reload()
        phone.locator("#workshops a[href*='/workshops/room/']").click()
        expect(phone.locator("h1")).to_have_text("You and the room" if lang == "en" else "Vous et la salle")
        expect(phone.locator("table.room-table tbody tr")).to_have_count(4)
        assert phone.evaluate(NO_SIDEWAYS_SCROLL)
        html = phone.content()
        assert "Pine Services" not in html and "Saule Solidarité" not in html
        check(phone, axe_scan, problems, f"you and the room {lang}")

    # The live view: names for the four consenting participants only (two declined, k = 2).
    facilitator.goto(f"{site.url}/en/workshops/{workshop_id}")
    names = facilitator.locator("main > table.data-table tbody th[scope=row]").all_inner_texts()
    assert sorted(names) == sorted(["Maple Settlement", "Érable Accueil", "Pine Services", "Saule Solidarité"])
    expect(facilitator.locator("#cohort-live table.level-chart")).to_have_count(4)
    check(facilitator, axe_scan, problems, "live view with names and levels")
    _, _, body = download(facilitator, facilitator.locator("a[href$='/cohort.csv']"))
    rows = csv_rows(body)
    measures = {row[1] for row in rows}
    assert {"Before: median", "After: median", "Change: median", "Organizations in both workshops"} <= measures
    paired = [row for row in rows if row[1] == "Organizations in both workshops"]
    assert paired and all(row[3] == "4" for row in paired)
    assert all(row[3] for row in rows if row[1] in {"Before: median", "After: median", "Change: median"})

    # The projector: QR code, join address; 1024×768 and 1280×720 in both languages.
    for lang in ("en", "fr"):
        for viewport in PROJECTORS:
            projector = new_page(viewport=viewport, locale="fr-CA" if lang == "fr" else "en-CA")
            projector.goto(f"{site.url}/en/account/sign-in")
            sign_in(projector, "fac@example.org")
            projector.goto(f"{site.url}/{lang}/workshops/{workshop_id}/projector")
            expect(projector.locator(".projector-qr svg.qr-code")).to_be_visible()
            expect(projector.locator(".join-url")).to_have_text(f"{site.url}/join/{code}")
            html = projector.content()
            assert not any(name in html for name in ("Maple Settlement", "Érable Accueil", "Pine Services"))
            check(projector, axe_scan, problems, f"projector {lang} {viewport['width']}")
            # The 2017 column is whole: its header and every cell end inside the window.
            right = projector.evaluate(
                """() => Math.max(...[...document.querySelectorAll('table.data-table')].filter(
                     (t) => t.querySelector('td.figure')).flatMap((t) => [...t.querySelectorAll('th, td')])
                     .map((c) => c.getBoundingClientRect().right))"""
            )
            assert 0 < right <= viewport["width"], (lang, viewport, right)
            widths = projector.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            print(f"projector {lang} {viewport}: scrollWidth/innerWidth {widths}, 2017 column ends at {right:.0f}")
            qr = projector.locator(".projector-qr svg").bounding_box()
            assert qr and qr["x"] + qr["width"] <= viewport["width"] and qr["y"] + qr["height"] <= viewport["height"]
    assert problems == [], "\n".join(problems)
