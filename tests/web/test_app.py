"""Application set-up: migrations match the models, create_app never touches the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from benchmark.core.questionnaire import QuestionnaireError
from benchmark.extensions import db
from tests.factories import make_app


def test_migrations_match_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "run `flask db migrate`: the models changed without a migration"


def test_create_app_does_not_create_tables(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with app.app_context():
        db.engine.dispose()


def test_a_broken_questionnaire_stops_the_app_naming_the_item(tmp_path: Path) -> None:
    from benchmark.core.questionnaire import default_data_path

    broken = tmp_path / "questionnaire.yaml"
    text = default_data_path().read_text(encoding="utf-8")
    broken.write_text(
        text.replace('type: "matrix"', 'type: "grid_of_doom"', 1).replace("type: matrix", "type: grid_of_doom", 1),
        encoding="utf-8",
    )
    assert broken.read_text(encoding="utf-8") != text
    with pytest.raises(QuestionnaireError, match=r"item q8: unknown type 'grid_of_doom'"):
        make_app("sqlite://", QUESTIONNAIRE_PATH=str(broken))


def test_security_headers_on_pages(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/en/assessment/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to block
