"""The glossary page and the bilingual 404 in a real browser: phones and desktops, both languages, axe 0."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages import LANGS, WIDTHS, check, words_whole
from tests.factories import LiveServer


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_and_the_error_page_read_well(
    live_server: LiveServer, new_page: Any, axe_scan: Any, lang: str, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 800}, locale="fr-CA" if lang == "fr" else "en-CA")
    problems: list[str] = []
    page.goto(f"{live_server.url}/{lang}/")
    page.get_by_role("link", name="Glossaire" if lang == "fr" else "Glossary").click()
    page.wait_for_url(f"**/{lang}/glossary")
    assert page.locator("h1").inner_text() == ("Glossaire" if lang == "fr" else "Glossary")
    assert page.locator(".glossary-term").count() >= 10
    check(page, axe_scan, problems, "glossary")
    words_whole(page, problems, "glossary")
    page.goto(f"{live_server.url}/{lang}/no-such-page")
    first = "Page introuvable" if lang == "fr" else "Page not found"
    assert page.locator("h1").inner_text() == first
    check(page, axe_scan, problems, "404")
    assert not problems, "\n".join(problems)
