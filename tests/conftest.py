"""Shared fixtures and session checks: the app on SQLite (or on PostgreSQL when TEST_DATABASE_URL is set).

Helpers and factories live in tests/factories.py. Every run ends with two checks of its own:

* under ``CI=true`` a skipped test fails the run (the skips are listed);
* no test may change a tracked file: ``git status`` of the checkout is the same before and after
  the session (skipped outside a git checkout). ``ACCESSIBILITY_STATEMENT_FILE`` names the one
  tracked file a run may rewrite on purpose (``make accessibility-statement``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade

from benchmark.core.baseline import Baseline, load_baseline
from benchmark.core.questionnaire import Questionnaire, load_questionnaire
from benchmark.core.scoring import Rubric, load_rubric
from benchmark.extensions import db
from tests.factories import PROJECT_ROOT, make_app, reset

BROWSER_TESTS = PROJECT_ROOT / "tests" / "browser"

_skipped: list[str] = []
_git_before: dict[str, str] | None = None
_session_problems: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Compile the catalogues once (Flask-Babel reads only .mo files); note what git says of the checkout."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
    global _git_before
    _git_before = tracked_changes()


def tracked_changes() -> dict[str, str] | None:
    """Changed tracked files of the checkout (path -> status and content digest), or None outside git."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no", "-z"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    changes: dict[str, str] = {}
    for entry in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        status, path = entry[:2], entry[3:]
        file = PROJECT_ROOT / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "absent"
        changes[path] = f"{status} {digest}"
    return changes


def allowed_to_change() -> set[str]:
    """The tracked file a run was asked to rewrite (``make accessibility-statement``), relative to the root."""
    target = os.environ.get("ACCESSIBILITY_STATEMENT_FILE")
    if not target:
        return set()
    path = Path(target).resolve()
    return {path.relative_to(PROJECT_ROOT).as_posix()} if path.is_relative_to(PROJECT_ROOT) else set()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests, and the tests that use the database so `make test` reruns them on PostgreSQL.

    Browser tests run once, in the SQLite pass: they test pages, not the database. One that does
    test database behaviour says so with an explicit ``@pytest.mark.db``.
    """
    for item in items:
        if Path(str(item.fspath)).is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
        elif "_schema" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(f"{report.nodeid}: {skip_reason(report)}")


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run on a skip under CI=true, and on any change to a tracked file."""
    if _skipped and os.environ.get("CI") == "true":
        _session_problems.append(
            f"CI=true: {len(_skipped)} test(s) skipped, and nothing may skip in CI:\n  " + "\n  ".join(_skipped)
        )
    after = tracked_changes()
    if _git_before is not None and after is not None:
        allowed = allowed_to_change()
        changed = sorted(
            path
            for path in set(_git_before) | set(after)
            if _git_before.get(path) != after.get(path) and path not in allowed
        )
        if changed:
            _session_problems.append(
                "the test run changed tracked files (tests must write to temporary paths):\n  " + "\n  ".join(changed)
            )
    if _session_problems and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for problem in _session_problems:
        terminalreporter.write_sep("=", "session check failed", red=True, bold=True)
        terminalreporter.write_line(problem, red=True)


# --------------------------------------------------------------------------- content


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    """The shipped questionnaire (frozen, so one load serves every test)."""
    return load_questionnaire()


@pytest.fixture(scope="session")
def rubric(questionnaire: Questionnaire) -> Rubric:
    return load_rubric(questionnaire)


@pytest.fixture(scope="session")
def baseline(questionnaire: Questionnaire) -> Baseline:
    return load_baseline(questionnaire)


# --------------------------------------------------------------------------- the app and its database


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database: TEST_DATABASE_URL (PostgreSQL runs) or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url: str) -> None:
    """Build the schema once per run with the real migrations."""
    app = make_app(database_url)
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, _schema: None) -> Iterator[Flask]:
    """A fresh app over an emptied database (the summary counts are checked against a recount after)."""
    app = make_app(database_url)
    yield app
    reset(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner of the app's ``flask`` commands."""
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    reset(app)
