"""The three users' whole journeys in a real browser: for each user one journey with JavaScript
(in French) and one without (in English).

* An organisation: start, answer, save, resume the private link in a new browser context (and
  switch language there), finish, submit, read the results, download the PDF reports, take the
  questionnaire again (pre-filled, on a new private link) and submit that one too. With
  JavaScript the questionnaire is answered with the keyboard alone (Tab, Space, Enter).
* A workshop: a facilitator and three participants, each in their own browser context; two of the
  three let the facilitator see their individual results. The facilitator follows the live view
  (refreshing itself, or through its Refresh button without JavaScript) and downloads the
  cohort CSV, the individual CSV and the summary PDF.
* An IRCC analyst: signs in, changes the dashboard's breakdown, downloads the CSV and JSON
  exports and opens the data dictionary.

Every page is opened through the ``new_page`` fixture, which fails the test on any console
error, page error, failed request or CSP violation. What a journey shows in only one language
is checked in the other by the test-client tests (tests/web/).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from benchmark.staff.accounts.services import create_user
from tests.factories import BASE_ANSWERS, PASSWORD, LiveServer, make_app, page_ids, reset, seed_submission

TOKEN = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")
LOCALE = {"en": "en-CA", "fr": "fr-CA"}
#: The sections a workshop asks for (each changes a component score, so participants differ).
WORKSHOP_PAGES = ("capacity-communication", "strategy-infrastructure", "concerns")

TEXT = {
    "en": {
        "saved": "Your answers are saved.",
        "submitted": "Your answers are submitted",
        "not_answered": "Not answered",
        "pdf_name": "digital-capacity-profile.pdf",
        "change": "Change since your previous assessment",
        "your_workshops": "Your workshops",
        "create_workshop": "Create a workshop",
        "sector_view": "Sector view",
        "shared": "the facilitator can see your individual results.",
        "not_shared": "the facilitator sees only group figures.",
        "cohort": "The cohort by component",
        "cohort_header": ["Section", "Measure", "Option", "Value", "Note"],
        "individual_first": "Participant",
        "uptake_province": "Uptake by province or territory",
        "uptake_size": "Uptake by size",
        "size_header": ["Size", "Submitted", "Re-assessed"],  # issue 17: re-assessed by group
        "dictionary_header": ["Column", "English", "Français"],
    },
    "fr": {
        "saved": "Vos réponses sont enregistrées.",
        "submitted": "Vos réponses sont transmises",
        "not_answered": "Sans réponse",
        "pdf_name": "profil-capacites-numeriques.pdf",
        "change": "Évolution depuis votre évaluation précédente",
        "your_workshops": "Vos ateliers",
        "create_workshop": "Créer un atelier",
        "sector_view": "Vue sectorielle",
        "shared": "la personne animatrice peut voir vos résultats individuels.",
        "not_shared": "la personne animatrice ne voit que les chiffres du groupe.",
        "cohort": "La cohorte par composante",
        "cohort_header": ["Section", "Mesure", "Choix de réponse", "Valeur", "Remarque"],
        "individual_first": "Participant",
        "uptake_province": "Adoption par province ou territoire",
        "uptake_size": "Adoption selon la taille",
        "size_header": ["Taille", "Transmis", "Réévalué"],
        "dictionary_header": ["Colonne", "English", "Français"],
    },
}

#: One journey with JavaScript (in French) and one without (in English) per user.
WITH_AND_WITHOUT_JAVASCRIPT = [
    pytest.param("fr", True, id="fr-js"),
    pytest.param("en", False, id="en-no-js"),
]
MAX_TABS_PER_PAGE = 200


@pytest.fixture
def server(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """A live server with CSRF on; workshop figures from 3 completed participants; small sector cells."""
    app = make_app(
        database_url,
        WTF_CSRF_ENABLED=True,
        WORKSHOP_MIN_GROUP=3,
        WORKSHOP_REFRESH_SECONDS=1,
        PEER_MIN_GROUP=2,
        SECTOR_MIN_CELL=2,
    )
    with app.app_context():
        create_user("fac@example.org", "facilitator", PASSWORD)
        create_user("analyst@example.org", "analyst", PASSWORD)
    with LiveServer(app) as live:
        yield live
    reset(app)


# --------------------------------------------------------------------------- helpers


def page_id_of(page: Any) -> str:
    return str(page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1])


def answer_options(page: Any, choice: int = 0) -> None:
    """Tick option number ``choice`` (or the last one) of every question on the page.

    A question is a fieldset (a choice, a scale or one row of a matrix) or one column of a task
    grid; both carry the field's name as their id.
    """
    for group in page.locator("main fieldset[id], main table.task-grid thead th[id]").all():
        options = page.locator(f"main input[name='{group.get_attribute('id')}']")
        options.nth(min(choice, options.count() - 1) if choice else 0).check()  # no-op when already ticked


def checked_ids(page: Any) -> list[str]:
    return sorted(box.get_attribute("id") or "" for box in page.locator("main input:checked").all())


def save_and_continue(page: Any) -> None:
    before = page_id_of(page)
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/" + before))


def answer_until_review(page: Any, choice: int = 0, prefilled: bool = False) -> list[str]:
    """Answer every page up to the review; with ``prefilled``, check each page arrives already answered."""
    seen: list[str] = []
    while not page.url.endswith("/review"):
        page_id = page_id_of(page)
        assert page_id not in seen, f"stuck on {page.url}"
        seen.append(page_id)
        if prefilled:
            assert page.locator("main input:checked").count() > 0, f"{page_id} is not pre-filled"
        else:
            answer_options(page, choice)
        save_and_continue(page)
    return seen


def submit_review(page: Any, lang: str) -> None:
    assert page.get_by_text(TEXT[lang]["not_answered"], exact=True).count() == 0
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/done$"))
    expect(page.locator("h1")).to_have_text(TEXT[lang]["submitted"])


def open_results(page: Any, js: bool) -> None:
    """From the confirmation page to the results: charts with JavaScript, tables either way."""
    page.locator("main a.button-primary[href*='/results/']").click()
    expect(page).to_have_url(re.compile(r"/results/[A-Za-z0-9_-]{43}$"))
    assert page.locator("#components table tbody tr").count() == 4
    assert page.locator("#baseline table tbody tr").count() > 0
    if js:
        page.wait_for_selector("#components-chart[data-chart-ready='true']")
        page.wait_for_selector("#figures-chart[data-chart-ready='true']")
    else:  # the canvases stay empty: the same numbers are in the tables
        assert page.locator("canvas[data-chart-ready]").count() == 0


def component_scores(page: Any) -> list[str]:
    """The four component scores of a results page ("" where there are too few answers)."""
    scores = []
    for row in page.locator("#components table tbody tr").all():
        match = re.match(r"\s*(\d+)", row.locator("td").first.text_content() or "")
        scores.append(match.group(1) if match else "")
    return scores


def sign_in(page: Any, email: str) -> None:
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def download(page: Any, link: Any) -> tuple[str, str, bytes]:
    """Click a download link as a user does; return the file name offered, the content type and the bytes."""
    href = link.get_attribute("href")
    assert href
    with page.expect_response(lambda response: response.url.endswith(href)) as answer, page.expect_download() as info:
        link.click()
    assert answer.value.status == 200, (href, answer.value.status)
    file = info.value
    return file.suggested_filename, answer.value.headers["content-type"], Path(file.path()).read_bytes()


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --------------------------------------------------------------------------- the keyboard


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
                           checked: String(!!e.checked), id: e.id || ''}; }"""
    )


def tab_to(page: Any, predicate: str) -> None:
    """Press Tab until the focused element satisfies a JS predicate on `e`."""
    for _ in range(MAX_TABS_PER_PAGE):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"could not reach {predicate} on {page.url}")


def tab_to_and_press(page: Any, predicate: str, key: str = "Enter") -> None:
    """Press Tab until the focused element satisfies a JS predicate on `e`, then press `key` (it navigates)."""
    tab_to(page, predicate)
    with page.expect_navigation():
        page.keyboard.press(key)


def answer_page_with_keyboard(page: Any, button: str = "next") -> list[str]:
    """Tab through a page: tick the first option of every group with Space, then press Enter on a button.

    :param button: the value of the submit button pressed: ``next`` (Save and continue) or ``save``.
    :return: the ids of the inputs ticked, as the page was submitted.
    """
    answered: set[str] = set()
    for _ in range(MAX_TABS_PER_PAGE):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["type"] in {"radio", "checkbox"} and element["name"] not in answered:
            if element["checked"] != "true":
                page.keyboard.press("Space")
            answered.add(element["name"])
        elif element["tag"] == "BUTTON" and element["value"] == button:
            ticked = checked_ids(page)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return ticked
    raise AssertionError(f"never reached the {button} button on {page.url}")


# --------------------------------------------------------------------------- an organisation


def test_organisation_journey_with_javascript_and_the_keyboard(server: LiveServer, new_page: Any) -> None:
    """In French, with JavaScript: the questionnaire answered with the keyboard alone; charts; downloads."""
    lang, text = "fr", TEXT["fr"]
    base = f"{server.url}/{lang}"
    flow = page_ids(server.app)
    label = "Centre d’accueil"

    # The browser's language picks French; start with the keyboard.
    page = new_page(locale=LOCALE[lang])
    page.goto(server.url + "/")
    expect(page).to_have_url(re.compile(r"/fr/$"))
    tab_to_and_press(page, "e.tagName === 'A' && e.getAttribute('href') === '/fr/assessment/'")
    expect(page.get_by_role("button", name="Commencer le questionnaire")).to_be_visible()
    tab_to(page, "e.id === 'label'")
    page.keyboard.type(label)
    tab_to_and_press(page, "e.tagName === 'BUTTON' && e.type === 'submit'")  # Commencer le questionnaire
    expect(page).to_have_url(re.compile(r"/link\?new=1$"))
    link = page.locator("#private-link").input_value()
    match = TOKEN.search(link)
    assert match and link.startswith(f"{base}/assessment/"), link
    token = match.group(1)
    tab_to_and_press(page, "e.classList.contains('button-primary')")

    # The first page answered and continued, the second answered and saved for later.
    assert page_id_of(page) == flow[0]
    expect(page.get_by_role("button", name="Enregistrer et continuer")).to_be_visible()
    first_checked = answer_page_with_keyboard(page)
    assert first_checked and page_id_of(page) == flow[1]
    expect(page.get_by_role("button", name="Retour")).to_be_visible()
    checked = answer_page_with_keyboard(page, button="save")
    assert checked
    expect(page).to_have_url(re.compile(r"/link\?saved=1$"))
    expect(page.locator(".notice-success")).to_have_text(text["saved"])

    # Resume on another device: a new browser context, no cookies. The answers survive a change of
    # language and a step back.
    other = new_page(locale=LOCALE[lang])
    other.goto(link)
    assert page_id_of(other) == flow[1]
    assert checked_ids(other) == checked
    other.get_by_role("link", name="English").click()
    expect(other).to_have_url(re.compile(re.escape(f"/en/assessment/{token}/{flow[1]}") + "$"))
    assert checked_ids(other) == checked
    other.get_by_role("button", name="Back").click()
    expect(other).to_have_url(re.compile(re.escape(f"/en/assessment/{token}/{flow[0]}") + "$"))
    assert checked_ids(other) == first_checked
    other.get_by_role("link", name="Français").click()
    expect(other).to_have_url(re.compile(re.escape(f"/fr/assessment/{token}/{flow[0]}") + "$"))

    # Every page, in French, with the keyboard alone.
    seen = []
    while not other.url.endswith("/review"):
        assert other.locator("html").get_attribute("lang") == "fr"
        seen.append(page_id_of(other))
        assert len(seen) <= len(flow), f"stuck on {other.url}"
        answer_page_with_keyboard(other)
    assert seen == flow and len(flow) == 9
    expect(other.get_by_text(text["not_answered"], exact=True)).to_have_count(0)
    expect(other.get_by_role("button", name="Transmettre mes réponses")).to_be_visible()
    tab_to_and_press(other, "e.tagName === 'BUTTON' && e.type === 'submit'")
    expect(other).to_have_url(re.compile(r"/done$"))
    expect(other.locator("h1")).to_have_text(text["submitted"])

    # The results: the charts draw under the strict CSP (Chart.js 4), labelled for screen readers.
    open_results(other, js=True)
    assert other.evaluate("() => window.Chart && window.Chart.version").startswith("4.")
    assert other.locator("#components-chart").get_attribute("aria-label")
    scores = component_scores(other)
    assert any(scores), scores
    expect(other.locator("main .lead strong")).to_have_text(label)

    # The PDF report in the page's language, and the bilingual one (the same file from either language).
    pdf_link = other.locator(f"a[href='/{lang}/results/{token}/report.pdf']")
    bilingual = other.locator(f"a[href='/{lang}/results/{token}/report-bilingual.pdf']")
    assert bilingual.get_attribute("hreflang") == "en"
    name, content_type, body = download(other, pdf_link)
    assert (name, content_type) == (text["pdf_name"], "application/pdf") and body.startswith(b"%PDF-")
    name, content_type, body = download(other, bilingual)
    assert (name, content_type) == ("profile-profil.pdf", "application/pdf") and body.startswith(b"%PDF-")

    take_again(other, server, lang, token, label, scores, js=True)


def test_organisation_journey_without_javascript(server: LiveServer, new_page: Any) -> None:
    """In English, without JavaScript: the same journey with the mouse; the results are tables."""
    lang, text = "en", TEXT["en"]
    base = f"{server.url}/{lang}"
    options = {"locale": LOCALE[lang], "java_script_enabled": False}
    label = "Welcome centre"

    # Start, answer the first page, save the second and stop.
    page = new_page(**options)
    page.goto(f"{base}/assessment/")
    page.locator("#label").fill(label)
    page.get_by_role("button", name="Start the questionnaire").click()
    expect(page).to_have_url(re.compile(r"/link\?new=1$"))
    link = page.locator("#private-link").input_value()
    match = TOKEN.search(link)
    assert match and link.startswith(f"{base}/assessment/"), link
    token = match.group(1)
    page.locator("main a.button-primary").click()
    answer_options(page)
    first_page = page_id_of(page)
    save_and_continue(page)
    second_page = page_id_of(page)
    answer_options(page)
    checked = checked_ids(page)
    assert checked
    page.get_by_role("button", name="Save and finish later").click()
    expect(page).to_have_url(re.compile(r"/link\?saved=1$"))
    expect(page.locator(".notice-success")).to_have_text(text["saved"])

    # Resume on another device: a new browser context, no cookies.
    other = new_page(**options)
    other.goto(link)
    assert page_id_of(other) == second_page
    assert checked_ids(other) == checked
    seen = answer_until_review(other)
    assert seen[0] == second_page and first_page not in seen and len(seen) == 8
    expect(other.locator(".error-summary")).to_have_count(0)
    submit_review(other, lang)
    open_results(other, js=False)
    scores = component_scores(other)
    assert any(scores), scores
    expect(other.locator("main .lead strong")).to_have_text(label)

    # The PDF links are plain links: the files do not depend on JavaScript (downloaded in the other journey).
    pdf_link = other.locator(f"a[href='/{lang}/results/{token}/report.pdf']")
    bilingual = other.locator(f"a[href='/{lang}/results/{token}/report-bilingual.pdf']")
    assert bilingual.get_attribute("hreflang") == "fr"
    expect(pdf_link).to_be_visible()
    expect(bilingual).to_be_visible()

    take_again(other, server, lang, token, label, scores, js=False)

    # Another organisation's results without JavaScript: every number is in the tables, and the
    # collapsed recommendations open natively (<details>).
    seeded = seed_submission(server.app, BASE_ANSWERS)
    other.goto(f"{base}/results/{seeded}")
    assert other.locator("#components table tbody tr").count() == 4
    expect(other.locator("#baseline table tbody tr")).to_have_count(8)
    expect(other.get_by_text("41.8% (n = 239")).to_be_visible()
    assert other.locator("details.recommendation").count() >= 1


def take_again(page: Any, server: LiveServer, lang: str, token: str, label: str, scores: list[str], js: bool) -> None:
    """From the results: take the questionnaire again (a new private link, every page pre-filled), change one answer."""
    text = TEXT[lang]
    base = f"{server.url}/{lang}"
    page.locator(f"form[action='/{lang}/results/{token}/again'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/link\?new=1$"))
    new_link = page.locator("#private-link").input_value()
    new_match = TOKEN.search(new_link)
    assert new_match and new_match.group(1) != token
    new_token = new_match.group(1)
    page.locator("main a.button-primary").click()
    assert page_id_of(page) == "importance"
    before = page.locator("#q1 input:checked").get_attribute("value")
    page.locator("#q1-3").check()
    assert before != "3"
    save_and_continue(page)
    assert len(answer_until_review(page, prefilled=True)) == 8
    submit_review(page, lang)
    open_results(page, js)
    assert new_token in page.url
    expect(page.locator("main .lead strong")).to_have_text(label)  # the name is carried over too
    change = page.locator("#change")
    expect(change.locator("h2")).to_have_text(text["change"])
    changed = change.locator("#changed-answers tbody tr")
    assert changed.count() == 1  # only the importance scale changed
    expect(changed.locator("td")).to_have_text([f"{before} / 10", "3 / 10"])
    # The history: both submissions; the importance scale is not scored, so it moved no component.
    expect(change.locator("#history-table tbody tr")).to_have_count(2)
    expect(change.locator(".history-step .moved-table")).to_have_count(0)

    # The first submission's results are unchanged, and say that a newer assessment exists.
    page.goto(f"{base}/results/{token}")
    assert component_scores(page) == scores
    assert page.locator("#change").count() == 0
    expect(page.locator("#newer-assessment")).to_have_count(1)


# --------------------------------------------------------------------------- a workshop


@pytest.mark.parametrize(("lang", "js"), WITH_AND_WITHOUT_JAVASCRIPT)
def test_workshop_journey(server: LiveServer, new_page: Any, lang: str, js: bool) -> None:
    text = TEXT[lang]
    base = f"{server.url}/{lang}"
    options = {"locale": LOCALE[lang], "java_script_enabled": js}

    facilitator = new_page(**options)
    facilitator.goto(f"{base}/account/sign-in")
    sign_in(facilitator, "fac@example.org")
    facilitator.get_by_role("link", name=text["your_workshops"], exact=True).click()
    facilitator.get_by_role("link", name=text["create_workshop"], exact=True).click()
    facilitator.locator("#title").fill("Atelier numérique" if lang == "fr" else "Digital workshop")
    for box in facilitator.locator("#pages input[type=checkbox]").all():
        box.set_checked(box.get_attribute("value") in WORKSHOP_PAGES)
    facilitator.locator("main form button[type=submit]").last.click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/\d+$"))
    live_url = facilitator.url
    code = facilitator.locator(".lead .code").inner_text()
    counts = facilitator.locator("#cohort-live .big-number")
    expect(counts).to_have_text(["0", "0", "0"])
    refresh_note = facilitator.locator("[data-refresh-note]")
    if js:
        expect(refresh_note).to_be_visible()
    else:
        expect(refresh_note).to_be_hidden()

    def facilitator_sees(joined: int, completed: int) -> None:
        if not js:  # no polling: the Refresh button reloads the view
            facilitator.locator("a[data-refresh-button]").click()
        expect(counts).to_have_text([str(joined), str(joined - completed), str(completed)])

    # Three organisations join on their own devices; the first two type the code (in lower case) and
    # share their individual results, the third follows the handout's link, which fills the code in.
    participants = []
    for index in range(3):
        participant = new_page(**options)
        if index < 2:
            participant.goto(f"{base}/workshops/join")
            participant.locator("#code").fill(code.lower())
            participant.locator("#share").check()
            participant.locator("#name").fill(f"Org {index + 1}")  # a name or pseudonym goes with consent
        else:
            participant.goto(f"{base}/workshops/join?code={code}")
            expect(participant.locator("#code")).to_have_value(code)
        participant.locator("main form button[type=submit]").click()
        expect(participant).to_have_url(re.compile(r"/link\?new=1$"))
        participant.locator("main a.button-primary").click()
        participants.append(participant)
    facilitator_sees(joined=3, completed=0)

    scores = []
    for index, participant in enumerate(participants):
        assert answer_until_review(participant, choice=index) == list(WORKSHOP_PAGES)
        submit_review(participant, lang)
        open_results(participant, js)
        scores.append(component_scores(participant))
        expect(participant.locator("#workshops .consent-form p").first).to_contain_text(
            text["shared"] if index < 2 else text["not_shared"]
        )
        if index == 1:  # two completed, k = 3: still no figure
            facilitator_sees(joined=3, completed=2)
            expect(facilitator.locator("#cohort-live .waiting")).to_be_visible()
            assert facilitator.locator("#cohort-live table").count() == 0
    assert len({tuple(s) for s in scores}) == 3, f"the participants' scores should differ: {scores}"

    facilitator_sees(joined=3, completed=3)
    expect(facilitator.locator("#cohort-live h2").first).to_have_text(text["cohort"])
    expect(facilitator.locator("#cohort-live table.data-table").first).to_be_visible()
    assert facilitator.locator("#cohort-live .waiting").count() == 0
    # Individual results are on the full page (not in the polled fragment): reload it.
    facilitator.goto(live_url)
    # One of the three declined (1 … k−1 decliners): the two consenting rows beside the cohort's
    # quartiles would all but give the third one's scores, so they are withheld and the page says why.
    individuals = facilitator.locator("main > table.data-table tbody tr")
    assert individuals.count() == 0
    hidden = "Les résultats individuels restent masqués" if lang == "fr" else "Individual results are hidden"
    expect(facilitator.locator("main").get_by_text(hidden)).to_be_visible()

    # The downloads: cohort aggregates, consenting participants only, and the summary PDF.
    cohort_link = facilitator.locator("a[href$='/cohort.csv']")
    name, content_type, body = download(facilitator, cohort_link)
    assert (name, content_type) == (f"workshop-{code}-cohort.csv", "text/csv; charset=utf-8")
    cohort = csv_rows(body)
    assert cohort[0] == text["cohort_header"]
    assert [row[3] for row in cohort[1:4]] == ["3", "0", "3"]  # joined, in progress, completed
    # Median, 25th and 75th percentiles of 4 components: noisy (no participant can be worked out),
    # within the score range, and the CSV says so.
    figures = [float(row[3]) for row in cohort[4:16] if row[3]]
    assert figures and all(0 <= figure <= 100 for figure in figures), figures
    assert ("bruit délibéré" if lang == "fr" else "deliberate noise") in cohort[-1][4]

    individual_link = facilitator.locator("a[href$='/individual.csv']")
    name, content_type, body = download(facilitator, individual_link)
    assert (name, content_type) == (f"workshop-{code}-individual.csv", "text/csv; charset=utf-8")
    individual = csv_rows(body)
    assert individual[0][0] == text["individual_first"] and len(individual[0]) == 6
    assert individual[1:] == []  # withheld while 1 … k−1 decline

    pdf_link = facilitator.locator("a[href$='/summary.pdf']")
    name, content_type, body = download(facilitator, pdf_link)
    assert (name, content_type) == (f"workshop-{code}.pdf", "application/pdf") and body.startswith(b"%PDF-")


# --------------------------------------------------------------------------- an IRCC analyst


@pytest.mark.parametrize(("lang", "js"), WITH_AND_WITHOUT_JAVASCRIPT)
def test_sector_journey(server: LiveServer, new_page: Any, lang: str, js: bool) -> None:
    text = TEXT[lang]
    base = f"{server.url}/{lang}"
    for answers in (BASE_ANSWERS, BASE_ANSWERS, {**BASE_ANSWERS, "q25": "11_25"}, {**BASE_ANSWERS, "q25": "11_25"}):
        seed_submission(server.app, answers)

    # The dashboard asks the analyst to sign in, then opens.
    page = new_page(locale=LOCALE[lang], java_script_enabled=js)
    page.goto(f"{base}/sector/")
    expect(page).to_have_url(re.compile(r"/account/sign-in\?next="))
    sign_in(page, "analyst@example.org")
    expect(page).to_have_url(f"{base}/sector/")
    expect(page.locator("h1")).to_have_text(text["sector_view"])
    tables = page.locator("main table.data-table")
    assert tables.count() == 5
    expect(page.locator("#uptake_province caption")).to_have_text(text["uptake_province"])
    if js:
        page.wait_for_selector("canvas[data-chart='uptake'][data-chart-ready='true']")
        page.wait_for_selector("canvas[data-chart='items'][data-chart-ready='true']")
    else:
        assert page.locator("canvas[data-chart-ready]").count() == 0

    # Group by size: the form submits with or without JavaScript.
    page.locator("#by").select_option("size")
    page.locator("form.filters button[type=submit]").click()
    # The form also sends the (empty) second grouping and range of months of issue 17.
    expect(page).to_have_url(re.compile(r"/sector/\?component=SK&by=size&by2=&from=&to=$"))
    expect(page.locator("#uptake_size caption")).to_have_text(text["uptake_size"])
    assert page.locator("#uptake_province").count() == 0
    expect(page.locator("#by")).to_have_value("size")
    assert "by=size" in (page.locator("a.lang-toggle").get_attribute("href") or "")
    size_rows = page.locator("#uptake_size tbody tr")
    assert size_rows.count() >= 2
    assert page.locator("#uptake_size tbody td.num", has_text="2").count() >= 2  # 2 + 2 submissions, shown at k = 2

    # That table as CSV.
    csv_link = page.locator("a[href*='export.csv'][href*='table=uptake_size']")
    name, content_type, body = download(page, csv_link)
    assert (name, content_type) == (f"uptake_size-{lang}.csv", "text/csv; charset=utf-8")
    rows = csv_rows(body)
    assert rows[0] == text["size_header"]
    assert len(rows) == 1 + size_rows.count()

    # Every table as JSON, for the chosen breakdown.
    json_link = page.locator("a[href*='export.json']")
    name, content_type, body = download(page, json_link)
    assert (name, content_type) == (f"sector-{lang}.json", "application/json")
    data = json.loads(body)
    assert data["language"] == lang
    assert [table["id"] for table in data["tables"]] == [
        "uptake_month",
        "uptake_size",
        "levels_quarter_SK",
        "levels_size_SK",
    ]

    # The data dictionary, an HTML page.
    with page.expect_response(lambda response: response.url.endswith("/sector/data-dictionary")) as info:
        page.locator("a[href$='/sector/data-dictionary']").click()
    assert info.value.status == 200 and info.value.headers["content-type"] == "text/html; charset=utf-8"
    header = page.locator("main table.data-table").first.locator("thead th").all_text_contents()
    assert header == text["dictionary_header"]
    assert page.locator("main table.data-table").first.locator("tbody tr").count() > 10
