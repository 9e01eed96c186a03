"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live server.

Never run ``playwright install``: the browser is the system's ``chromium`` package.
Under ``CI=true`` a missing browser is a failure, not a skip. Browser tests run once, in the
SQLite pass of ``make test`` (tests/conftest.py leaves them out of the ``db`` marker).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility_report import REPORT, TEST_MODULE, requested_statement_file
from tests.browser.axe import axe_scan as _axe_scan
from tests.factories import LiveServer, make_app, reset

EXPECTED_4XX_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d\b")
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Return the system Chromium executable, if installed."""
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def pytest_itemcollected(item: pytest.Item) -> None:
    """Remember every accessibility test collected (before any -k/-m deselection)."""
    if item.nodeid.startswith(TEST_MODULE):
        REPORT.collected.add(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record how each accessibility test ended (a failing setup or teardown counts as a failure)."""
    if not report.nodeid.startswith(TEST_MODULE):
        return
    previous = REPORT.outcomes.get(report.nodeid)
    if report.failed or previous == "failed":
        REPORT.outcomes[report.nodeid] = "failed"
    elif report.skipped:
        REPORT.outcomes[report.nodeid] = "skipped"
    elif report.when == "call":
        REPORT.outcomes[report.nodeid] = "passed"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write tests/browser/accessibility-results.json (and, after a complete passing run, the statement data)."""
    REPORT.write()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT.statement_written:
        terminalreporter.write_line(f"accessibility statement data written to {REPORT.statement_file}")


@pytest.fixture(scope="session", autouse=True)
def _statement_file(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The statement data goes to ACCESSIBILITY_STATEMENT_FILE, or else to this run's temporary folder."""
    REPORT.statement_file = (
        requested_statement_file() or tmp_path_factory.mktemp("accessibility") / "accessibility.json"
    )


@pytest.fixture
def axe_scan() -> Any:
    """``axe_scan(page)``: run axe-core's WCAG 2.0/2.1 A and AA rules on a page; returns the violations."""
    return _axe_scan


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole run."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (apt-get install chromium); browser tests may not skip in CI")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(database_url: str, _schema: None) -> Iterator[LiveServer]:
    """A live server with CSRF protection on, as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with LiveServer(app) as server:
        yield server
    reset(app)


class PageWatch:
    """Collects console errors, page errors, failed requests and CSP violations of a page.

    A page answered with 4xx (a form with errors, an unknown link) is an expected answer to bad
    input, so Chromium's "Failed to load resource … status of 4xx" console line for that
    *document* is not a problem; the same line for a sub-resource (a missing script, image or
    stylesheet) still is. A 5xx never is expected.
    """

    def __init__(self, page: Any) -> None:
        self._problems: list[str] = []
        self._console_errors: list[tuple[str, str]] = []  # (text, url of the resource)
        self._documents_4xx: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._problems.append(f"page error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    @property
    def problems(self) -> list[str]:
        console = [
            f"console error: {text} ({url})"
            for text, url in self._console_errors
            if not (EXPECTED_4XX_CONSOLE.match(text) and url in self._documents_4xx)
        ]
        return self._problems + console

    def _request_failed(self, request: Any) -> None:
        # Chromium cancels in-flight sub-resources (often the favicon) when the page navigates
        # or a polling fragment replaces itself; that "net::ERR_ABORTED" is the browser's own
        # choice, not a failure of the server. A missing or broken resource still shows up as
        # a 4xx console error or a 5xx response above.
        if request.failure == "net::ERR_ABORTED":
            return
        self._problems.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self._console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self._problems.append(f"HTTP {response.status}: {response.url}")
        elif response.status >= 400 and response.request.resource_type == "document":
            self._documents_4xx.add(response.url)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Open pages in fresh contexts; every page must end with no console error or failed request."""
    contexts: list[Any] = []
    watches: list[PageWatch] = []

    def open_page(**context_options: Any) -> Any:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watches.append(PageWatch(page))
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems = [problem for watch in watches for problem in watch.problems]
    assert not problems, problems
