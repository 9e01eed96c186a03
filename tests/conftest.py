"""Shared fixtures: the app on SQLite (or on PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from benchmark.app import create_app
from benchmark.core.baseline import Baseline, load_baseline
from benchmark.core.questionnaire import Questionnaire, load_questionnaire
from benchmark.core.scoring import Rubric, load_rubric
from benchmark.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")


def buffered(app: Flask) -> Any:
    """Wrap a WSGI app so each response body is read and closed before the server sends it.

    When a browser drops a connection (a favicon or a download it no longer wants), Werkzeug's
    development server can stop before closing the response, leaving a static file open until
    garbage collection, and the ResourceWarning then fails whichever test is running
    (``filterwarnings = error``). Tests never need streamed responses.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """The app served by Werkzeug in a thread, on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def pytest_configure(config: pytest.Config) -> None:
    """Compile the catalogues once: Flask-Babel reads only .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database: TEST_DATABASE_URL (PostgreSQL runs) or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_app(database_url: str, **overrides: object) -> Flask:
    """Create an app configured for tests."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "ASSETS_AUTO_BUILD": True,
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": False,  # tests/web/test_accounts.py turns it on where it is tested
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _schema(database_url: str) -> None:
    """Build the schema once per run with the real migrations."""
    from flask_migrate import downgrade, upgrade

    app = make_app(database_url)
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, _schema: None) -> Iterator[Flask]:
    """A fresh app over an emptied database."""
    app = make_app(database_url)
    yield app
    reset(app)


def reset(app: Flask) -> None:
    """Check the summary counts, empty the database and close the app's connections.

    Every test that touches the database ends with the summary counts maintained on each
    change compared with a full recount (benchmark.store.summary), so any path that forgets to
    keep them is caught by the test that takes it.
    """
    from benchmark.store import summary

    with app.app_context():
        db.session.remove()
        wrong = summary.mismatches()
        db.session.remove()
        empty_tables()
        db.engine.dispose()
    assert not wrong, f"summary counts differ from a recount (stored, recounted): {sorted(wrong.items())[:5]}"


def empty_tables() -> None:
    """Delete every row (children first), keeping the schema."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(sa.delete(table))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def csrf_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    reset(app)


def start_assessment(client: FlaskClient, lang: str = "en", label: str = "") -> str:
    """Start a draft through the web flow and return its token."""
    response = client.post(f"/{lang}/assessment/", data={"label": label})
    assert response.status_code == 302, response.status_code
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    return match.group(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, so `make test` can rerun them on PostgreSQL."""
    for item in items:
        if "_schema" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def page_answers(app: Flask, page_id: str) -> dict[str, object]:
    """Valid form data answering every item of a page (first options, a 7 on scales)."""
    from benchmark.organisations.assessment.forms import field_name

    q = app.extensions["content"].questionnaire
    page = q.page(page_id)
    assert page is not None
    data: dict[str, object] = {}
    for item in q.page_items(page):
        plain = [o.id for o in item.options if not o.exclusive and not o.missing]
        if item.type == "scale_0_10":
            data[field_name(item.id)] = "7"
        elif item.type == "multi":
            data[field_name(item.id)] = plain[:2]
        elif item.type == "single":
            data[field_name(item.id)] = plain[0]
        else:
            for key in item.answer_keys():
                data[field_name(key)] = plain[0]
    return data


def page_ids(app: Flask) -> list[str]:
    """The questionnaire's page ids in flow order."""
    return [page.id for page in app.extensions["content"].questionnaire.pages]
