"""WCAG 2.1 AA evidence: axe-core on every page of the three users' journeys, in both languages.

Every page visited below is scanned with axe-core (rule tags wcag2a, wcag2aa, wcag21a, wcag21aa)
and checked for horizontal scrolling at 320 px (reflow, SC 1.4.10) and at 200 % zoom (approximated
by a 640 px wide viewport at device scale factor 2). Keyboard checks cover the results page, the
facilitator's live view, the skip link and the error summary. Zero violations are allowed.

The journeys: an organisation (home → questionnaire → results; each questionnaire page is opened
directly, the walk through them is in test_journeys.py), a facilitator running a workshop with its
participants, and an administrator managing accounts; plus the error pages. What was scanned is
written to tests/browser/accessibility-results.json and, after a complete passing run, summarised
for the public accessibility statement: in a temporary folder, or in the committed
benchmark/data/accessibility.json by ``make accessibility-statement``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from benchmark.staff.accounts.services import create_user
from benchmark.store import assessments as services
from tests.browser.accessibility_report import DESKTOP, REFLOW_WIDTH, REPORT, ZOOM_VIEWPORT, Scan
from tests.browser.axe import AXE_FILE, VENDOR, axe_scan, axe_version, describe
from tests.factories import (
    BASE_ANSWERS,
    PASSWORD,
    LiveServer,
    first_answers,
    make_app,
    page_ids,
    reset,
    seed_participant,
    seed_submission,
)

LANGS = ["en", "fr"]
TOKEN = re.compile(r"/[A-Za-z0-9_-]{43}(?=/|$)")

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const culprits = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width && r.right > width + 1 && getComputedStyle(e).position !== 'fixed') {
      const classes = typeof e.className === 'string' && e.className.trim() ?
                      '.' + e.className.trim().split(/\\s+/).join('.') : '';
      culprits.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + classes + ' right=' + Math.round(r.right));
      if (culprits.length >= 5) break;
    }
  }
  return {overflow: root.scrollWidth - width, culprits};
}"""
SETTLE_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


class Scanner:
    """Scan pages of one journey in one language; collect problems and assert once at the end."""

    def __init__(self, server: LiveServer, lang: str) -> None:
        self.server = server
        self.lang = lang
        self.problems: list[str] = []

    def visit(self, page: Any, name: str, group: str, lang: str | None = None) -> None:
        lang = lang or self.lang
        page.wait_for_load_state("load")
        page.evaluate(SETTLE_JS)
        violations = axe_scan(page)
        overflow_320, culprits_320 = self._overflow(page, {"width": REFLOW_WIDTH, "height": 640})
        overflow_zoom, culprits_zoom = self._overflow(
            page, {"width": ZOOM_VIEWPORT["width"], "height": ZOOM_VIEWPORT["height"]}
        )
        page.set_viewport_size(DESKTOP)
        path = TOKEN.sub("/<token>", page.url.removeprefix(self.server.url))
        scan = Scan(name, group, lang, path, violations, overflow_320, overflow_zoom, culprits_320 + culprits_zoom)
        REPORT.add_scan(scan)
        if violations:
            self.problems.append(f"[{name} {lang}] {path}\n{describe(violations)}")
        if overflow_320 > 0:
            self.problems.append(f"[{name} {lang}] horizontal scroll at 320 px: {overflow_320} px {culprits_320}")
        if overflow_zoom > 0:
            self.problems.append(f"[{name} {lang}] horizontal scroll at 200 % zoom: {overflow_zoom} px {culprits_zoom}")

    @staticmethod
    def _overflow(page: Any, viewport: dict[str, int]) -> tuple[int, list[str]]:
        page.set_viewport_size(viewport)
        page.evaluate(SETTLE_JS)
        # Responsive charts resize on the next frames: give them a moment (measured and reported below).
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(
                "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth", timeout=1500
            )
        result = page.evaluate(OVERFLOW_JS)
        return int(result["overflow"]), list(result["culprits"])

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


@pytest.fixture(scope="module")
def site(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """One live server for the whole module: two staff accounts and a few submissions."""
    app = make_app(
        database_url,
        WTF_CSRF_ENABLED=True,
        WORKSHOP_MIN_GROUP=2,
        PEER_MIN_GROUP=2,
        WORKSHOP_REFRESH_SECONDS=600,  # no refresh while axe scans
    )
    with app.app_context():
        create_user("admin@example.org", "admin", PASSWORD)
        create_user("fac@example.org", "facilitator", PASSWORD)
    for _ in range(2):  # peers above k, so the peer comparison is drawn too
        seed_submission(app, BASE_ANSWERS)
    with LiveServer(app) as server:
        yield server
    reset(app)


@pytest.fixture
def open_page(new_page: Any, browser: Any) -> Any:
    """A desktop-sized page at device scale factor 2 (so the 640 px check is 200 % zoom of 1280 px)."""
    REPORT.browser = f"Chromium {browser.version}"

    def open_(lang: str, **options: Any) -> Any:
        locale = "fr-CA" if lang == "fr" else "en-CA"
        return new_page(
            viewport=DESKTOP, device_scale_factor=ZOOM_VIEWPORT["device_scale_factor"], locale=locale, **options
        )

    return open_


def focused(page: Any, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector))


def sign_in(page: Any, site: LiveServer, lang: str, email: str, scanner: Scanner | None = None) -> None:
    page.goto(f"{site.url}/{lang}/account/sign-in")
    if scanner:
        scanner.visit(page, "sign-in", "accounts")
        page.locator("#email").fill(email)
        page.locator("#password").fill("not the password")
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".error-summary")).to_have_count(1)
        scanner.visit(page, "sign-in-error", "accounts")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


# --------------------------------------------------------------------------- the scanner itself


def test_vendored_axe_core_matches_its_checksum_version_and_license() -> None:
    expected, name = (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").split()
    assert name.lstrip("*") == AXE_FILE.name
    assert hashlib.sha256(AXE_FILE.read_bytes()).hexdigest() == expected
    head = AXE_FILE.read_text(encoding="utf-8")[:600]
    assert head.startswith(f"/*! axe v{axe_version()}\n"), head[:40]
    assert "Mozilla Public" in head and "License, v. 2.0" in head  # the MPL header is kept
    assert "Mozilla Public License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")[:200]


def test_axe_runs_under_the_strict_csp_and_finds_known_violations(site: LiveServer, open_page: Any) -> None:
    """A scan that silently found nothing would make every other test meaningless."""
    page = open_page("en")
    page.goto(f"{site.url}/en/")
    assert axe_scan(page) == []
    page.evaluate(
        """() => {
             document.documentElement.removeAttribute('lang');
             const input = document.createElement('input');
             input.type = 'text';
             const faint = document.createElement('p');
             faint.textContent = 'Faint text';
             faint.style.color = '#bbbbbb';
             document.querySelector('main').append(input, faint);
           }"""
    )
    found = {violation["id"] for violation in axe_scan(page)}
    assert {"html-has-lang", "label", "color-contrast"} <= found, found


# --------------------------------------------------------------------------- journeys


@pytest.mark.parametrize("lang", LANGS)
def test_organisation_journey(site: LiveServer, open_page: Any, lang: str) -> None:
    """Home, information pages, start, private link, every questionnaire page, review, done, results."""
    scanner = Scanner(site, lang)
    page = open_page(lang)
    base = f"{site.url}/{lang}"
    for name, path in [
        ("home", "/"),
        ("privacy", "/privacy"),
        ("how-scores-work", "/how-scores-work"),
        ("accessibility", "/accessibility"),
        ("api-docs", "/api"),
        ("start", "/assessment/"),
    ]:
        page.goto(base + path)
        scanner.visit(page, name, "public" if name != "start" else "questionnaire")

    page.locator("#link").fill("not a private link")
    page.locator("form.resume-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    scanner.visit(page, "start-error", "questionnaire")

    page.locator("form.start-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/link"))
    scanner.visit(page, "private-link", "questionnaire")
    token_match = TOKEN.search(page.url)
    assert token_match, page.url
    draft = f"{base}/assessment{token_match.group(0)}"

    # Every questionnaire page, opened directly (the journeys in test_journeys.py walk through them).
    error_summary_focused = None
    flow = page_ids(site.app)
    assert len(flow) == 9, flow
    for page_id in flow:
        page.goto(f"{draft}/{page_id}")
        scanner.visit(page, f"questionnaire:{page_id}", "questionnaire")
        if page.locator("table.task-grid").count():
            page.locator(".layout-switch a").click()
            expect(page).to_have_url(re.compile(r"layout=tasks"))
            scanner.visit(page, f"questionnaire:{page_id}:one-task", "questionnaire")
            page.locator(".layout-switch a").click()
            expect(page.locator("table.task-grid")).to_have_count(1)
        if page_id == "organisation":
            # "Save and continue" with the required facts missing: the error summary takes focus.
            page.locator("button[name=action][value=next]").click()
            expect(page.locator(".error-summary")).to_have_count(1)
            page.wait_for_function("() => document.activeElement.classList.contains('error-summary')", timeout=5000)
            error_summary_focused = focused(page, ".error-summary")
            scanner.visit(page, "questionnaire:organisation:errors", "questionnaire")
    assert error_summary_focused, "the error summary did not take focus after a failed Save and continue"
    REPORT.check("error-summary-focus", lang, True, "organisation page, failed Save and continue")

    # Every page answered (first options) through the store, then the review, as the respondent sees it.
    with site.app.app_context():
        services.save_answers(services.find_by_token(token_match.group(0)[1:]), first_answers(site.app), flow[-1])
    page.goto(f"{draft}/review")
    scanner.visit(page, "review", "questionnaire")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/done$"))
    scanner.visit(page, "done", "questionnaire")
    page.locator("main a.button-primary[href*='/results/']").click()
    page.wait_for_selector("#components-chart[data-chart-ready='true']")
    page.wait_for_selector("#figures-chart[data-chart-ready='true']")
    scanner.visit(page, "results", "results")
    scanner.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_facilitator_and_participant_journey(site: LiveServer, open_page: Any, lang: str) -> None:
    """Sign in, workshops, new workshop, live view below and above k, projector, handout; joining."""
    scanner = Scanner(site, lang)
    facilitator = open_page(lang)
    sign_in(facilitator, site, lang, "fac@example.org", scanner)
    base = f"{site.url}/{lang}"
    scanner.visit(facilitator, "account", "accounts")

    facilitator.goto(f"{base}/workshops/new")
    scanner.visit(facilitator, "workshop-new", "workshops")
    facilitator.locator("main form button[type=submit]").last.click()  # no title: error state
    expect(facilitator.locator(".error-summary")).to_have_count(1)
    scanner.visit(facilitator, "workshop-new-error", "workshops")
    facilitator.locator("#title").fill("Atelier d'essai" if lang == "fr" else "Trial workshop")
    facilitator.locator("main form button[type=submit]").last.click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/\d+$"))
    workshop_id = int(facilitator.url.rstrip("/").rsplit("/", 1)[-1])
    code = facilitator.locator(".lead .code").inner_text()
    scanner.visit(facilitator, "workshop-live-below-k", "workshops")
    facilitator.goto(f"{base}/workshops/{workshop_id}/projector")
    scanner.visit(facilitator, "workshop-projector-below-k", "workshops")
    facilitator.goto(f"{base}/workshops/{workshop_id}/handout")
    scanner.visit(facilitator, "workshop-handout", "workshops")
    facilitator.goto(f"{base}/workshops/")
    scanner.visit(facilitator, "workshops", "workshops")

    participant = open_page(lang)
    participant.goto(f"{base}/workshops/join")
    scanner.visit(participant, "workshop-join", "workshops")
    participant.locator("#code").fill("WRONG1")
    participant.locator("main form button[type=submit]").click()
    expect(participant.locator(".error-summary")).to_have_count(1)
    scanner.visit(participant, "workshop-join-error", "workshops")
    participant.locator("#code").fill(code)
    participant.locator("main form button[type=submit]").click()
    expect(participant).to_have_url(re.compile(r"/link"))

    token = seed_participant(site.app, workshop_id, BASE_ANSWERS, share=True)
    seed_participant(site.app, workshop_id, BASE_ANSWERS, share=True)
    participant.goto(f"{base}/results/{token}")
    participant.wait_for_selector("#components-chart[data-chart-ready='true']")
    scanner.visit(participant, "results-workshop-participant", "results")

    facilitator.goto(f"{base}/workshops/{workshop_id}")
    facilitator.wait_for_selector("#cohort-live table.data-table")
    scanner.visit(facilitator, "workshop-live-above-k", "workshops")
    facilitator.goto(f"{base}/workshops/{workshop_id}/projector")
    facilitator.wait_for_selector("table.data-table")
    scanner.visit(facilitator, "workshop-projector-above-k", "workshops")
    scanner.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_ircc_and_administrator_journey(site: LiveServer, open_page: Any, lang: str) -> None:
    """Sign in, account, users (list, error, new link), password, administration, sector view; set a password."""
    scanner = Scanner(site, lang)
    page = open_page(lang)
    sign_in(page, site, lang, "admin@example.org")
    base = f"{site.url}/{lang}"
    scanner.visit(page, "account-admin", "accounts")
    page.goto(f"{base}/account/users")
    scanner.visit(page, "users", "accounts")
    page.locator("main form[novalidate] button[type=submit]").last.click()  # nothing filled in
    expect(page.locator(".error-summary")).to_have_count(1)
    scanner.visit(page, "users-error", "accounts")
    page.locator("#email").fill(f"analyst-{lang}@example.org")
    page.locator("#role input[type=radio]").first.check()
    page.locator("main form[novalidate] button[type=submit]").last.click()
    expect(page.locator("#set-password-link")).to_have_count(1)
    scanner.visit(page, "users-new-link", "accounts")
    set_password_link = page.locator("#set-password-link").input_value()
    page.goto(f"{base}/account/password")
    scanner.visit(page, "password", "accounts")
    page.goto(f"{base}/admin/")
    scanner.visit(page, "admin", "accounts")
    page.goto(f"{base}/sector/")
    scanner.visit(page, "sector", "sector")
    page.goto(f"{base}/sector/data-dictionary")
    scanner.visit(page, "data-dictionary", "sector")

    newcomer = open_page(lang)  # the new analyst opens the set-password link
    newcomer.goto(set_password_link)
    assert newcomer.locator("input[type=password]").count() >= 1
    scanner.visit(newcomer, "set-password", "accounts")
    scanner.assert_clean()


def test_error_pages(site: LiveServer, open_page: Any) -> None:
    """404 outside a language (bilingual), in each language, and for an unknown private link."""
    scanner = Scanner(site, "en")
    page = open_page("en")
    page.goto(f"{site.url}/no-such-page")
    scanner.visit(page, "error-404-bilingual", "errors", lang="en+fr")
    for lang in LANGS:
        page.goto(f"{site.url}/{lang}/no-such-page")
        scanner.visit(page, "error-404", "errors", lang=lang)
    page.goto(f"{site.url}/en/assessment/{'x' * 43}/")
    scanner.visit(page, "error-404-private-link", "errors", lang="en+fr")
    scanner.assert_clean()


# --------------------------------------------------------------------------- keyboard


TABBABLE_JS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   '[tabindex]:not([tabindex="-1"])';
  return Array.from(document.querySelectorAll(selector))
    .filter((e) => !e.disabled && !e.closest('[hidden], [inert]') && e.getClientRects().length > 0 &&
                   getComputedStyle(e).visibility !== 'hidden' && !e.closest('details:not([open]) > :not(summary)'))
    .map((e, i) => { e.dataset.kb = String(i); return i; });
}"""
FOCUS_STYLE_JS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {kb: e.dataset.kb || null, tag: e.tagName, text: (e.textContent || e.value || '').trim().slice(0, 60),
          focusVisible: e.matches(':focus-visible'), outlineStyle: s.outlineStyle,
          outlineWidth: parseFloat(s.outlineWidth) || 0, boxShadow: s.boxShadow};
}"""


def tab_through(page: Any, at_least: int) -> int:
    """Press Tab until focus comes round: every link, button and control must be reached, visibly.

    :return: how many elements were reached.
    """
    expected = set(page.evaluate(TABBABLE_JS))
    assert len(expected) >= at_least, len(expected)
    reached: set[int] = set()
    invisible: list[dict[str, Any]] = []
    for _ in range(len(expected) + 20):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE_JS)
        if state["kb"] is None:
            if state["tag"] == "BODY" and reached:
                break  # focus left the document: the cycle is complete
            continue
        index = int(state["kb"])
        if index in reached:
            break
        reached.add(index)
        visible = state["focusVisible"] and (
            (state["outlineStyle"] != "none" and state["outlineWidth"] >= 2) or state["boxShadow"] != "none"
        )
        if not visible:
            invisible.append(state)
    missing = page.evaluate(
        "(ids) => ids.map((i) => document.querySelector(`[data-kb='${i}']`).outerHTML.slice(0, 120))",
        sorted(expected - reached),
    )
    assert not missing, f"not reachable with Tab: {missing}"
    assert not invisible, f"focus not visible on: {invisible}"
    return len(reached)


@pytest.mark.parametrize("lang", LANGS)
def test_results_page_by_keyboard_only(site: LiveServer, open_page: Any, lang: str) -> None:
    """Tab reaches every link and button of the results page, each with a visible focus outline."""
    token = seed_submission(site.app, BASE_ANSWERS)
    page = open_page(lang)
    page.goto(f"{site.url}/{lang}/results/{token}")
    page.wait_for_selector("#components-chart[data-chart-ready='true']")
    reached = tab_through(page, at_least=10)
    # Keyboard completion: open a recommendation and follow the in-page table of contents.
    summary = page.locator("details.recommendation > summary").first
    summary.focus()
    was_open = summary.evaluate("(e) => e.parentElement.open")
    page.keyboard.press("Enter")
    assert summary.evaluate("(e) => e.parentElement.open") != was_open, "Enter did not toggle a recommendation"
    page.keyboard.press("Enter")
    assert summary.evaluate("(e) => e.parentElement.open") == was_open
    page.locator("nav.toc a[href='#baseline']").focus()
    page.keyboard.press("Enter")
    # A fragment link navigates within the document and keyboard.press does not wait for that: expect() retries.
    expect(page).to_have_url(re.compile(r"#baseline$"))
    REPORT.check("keyboard-results", lang, True, f"{reached} links, buttons and controls reached with Tab")
    REPORT.check("focus-visible", lang, True, "outline of at least 2 px on every element focused with Tab")


@pytest.mark.parametrize("lang", LANGS)
def test_facilitator_view_by_keyboard_only(site: LiveServer, open_page: Any, lang: str) -> None:
    """Sign in, create a workshop and use its live view with the keyboard alone."""
    page = open_page(lang)
    page.goto(f"{site.url}/{lang}/account/sign-in")
    page.locator("#email").focus()
    page.keyboard.type("fac@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"{site.url}/{lang}/workshops/new")
    page.locator("#title").focus()
    page.keyboard.type("Atelier au clavier" if lang == "fr" else "Keyboard workshop")
    page.keyboard.press("Enter")  # implicit submission: the sections and language keep their defaults
    page.wait_for_url(re.compile(r"/workshops/\d+$"))
    live_path = page.url.removeprefix(site.url)
    reached = tab_through(page, at_least=8)
    # Keyboard completion: the projector and back to the live view.
    page.locator(f"main a[href='{live_path}/projector']").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/projector$"))
    page.locator(f"a[href='{live_path}']").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + live_path)
    REPORT.check("keyboard-facilitator", lang, True, f"{reached} links, buttons and controls reached with Tab")


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_is_first_and_moves_focus_to_main(site: LiveServer, open_page: Any, lang: str) -> None:
    page = open_page(lang)
    page.goto(f"{site.url}/{lang}/")
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link[href='#main']")
    box = page.locator("a.skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    outline = page.evaluate("() => parseFloat(getComputedStyle(document.activeElement).outlineWidth) || 0")
    assert outline >= 2
    page.keyboard.press("Enter")
    assert focused(page, "main#main")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')"), "Tab after the skip link left main"
    REPORT.check("skip-link", lang, True, "first Tab focuses it; Enter moves focus to the main content")
