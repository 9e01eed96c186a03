"""The 503 "try again in a moment" page in a real browser: it keeps a page of answers and sends it again.

With the database down (every new connection refused, tests/factories.py ``database_down``), a
person presses "Save and finish later" on a questionnaire page: the 503 page, at 360 and 1280 px,
in English and French, has no axe-core violation and no sideways scroll; with the database back,
its one button sends the same answers, which are saved.  The page watch of the other browser
tests treats any 5xx as a failure, so this test opens its own context and watches for console
and page errors itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmark.store import assessments as services
from tests.browser.axe import axe_scan, describe
from tests.browser.pages import LANGS, NO_SIDEWAYS_SCROLL, SETTLE_JS, WIDTHS
from tests.factories import LiveServer, database_down, make_app, page_ids, reset


@pytest.fixture
def server(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as live:
        yield live
    reset(app)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_503_page_keeps_a_page_of_answers_and_sends_it_again(
    browser: Any, server: LiveServer, lang: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "503" not in m.text else None)
    try:
        page.goto(f"{server.url}/{lang}/assessment/")
        page.click("button.button-primary")
        page.wait_for_url("**/assessment/*/*")
        token = page.url.split("/assessment/")[1].split("/")[0]
        first = page_ids(server.app)[0]
        page.goto(f"{server.url}/{lang}/assessment/{token}/{first}")
        page.locator("input[type=radio]").first.check()
        with database_down(server.app):
            with page.expect_navigation():
                page.click("button[name=action][value=save]")
            page.evaluate(SETTLE_JS)
            assert page.locator("h1").inner_text() == (
                "Réessayez dans un instant" if lang == "fr" else "Try again in a moment"
            )
            violations = axe_scan(page)
            assert not violations, describe(violations)
            assert page.evaluate(NO_SIDEWAYS_SCROLL)
        with page.expect_navigation():
            page.click("form.unavailable-resend button")
        assert "/assessment/" in page.url and page.locator("h1").count() == 1
        with server.app.app_context():
            assessment = services.find_by_token(token)
            assert assessment is not None and assessment.answer_map(), "the answers sent again were not saved"
        assert not errors, errors
    finally:
        context.close()
