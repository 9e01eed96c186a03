"""What the page-level browser tests share: the widths and languages, and the check every page passes."""

from __future__ import annotations

from typing import Any

from tests.browser.axe import describe

WIDTHS = [360, 1280]
LANGS = ["en", "fr"]
SETTLE_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def check(page: Any, axe_scan: Any, problems: list[str], name: str) -> None:
    """axe 0 violations and no sideways scroll on the current page (each failure added to ``problems``)."""
    page.wait_for_load_state("load")
    page.evaluate(SETTLE_JS)
    violations = axe_scan(page)
    if violations:
        problems.append(f"[{name}] {page.url}\n{describe(violations)}")
    if not page.evaluate(NO_SIDEWAYS_SCROLL):
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        problems.append(f"[{name}] scrolls sideways: {width}")


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")
