"""``flask backup create|restore``: a round trip gives back every row of every table.

The round trip runs on the test database, so on SQLite in the first phase of ``make test``
and on PostgreSQL in the second (``scripts/with-postgres.sh``); nothing here skips.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.staff.accounts.services import create_user, issue_reset
from benchmark.store import assessments as services
from benchmark.store import backup as backup_module
from benchmark.store.api_tokens import create_token
from benchmark.store.models import Assessment
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import BASE_ANSWERS, make_app, reset


def on_postgresql(app: Flask) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
    return rows


def seed_everything(app: Flask) -> None:
    """Assessments with answers (a chain, a draft), a workshop with participants, users, a token, a baseline."""
    with app.app_context():
        q = app.extensions["content"].questionnaire
        tokens = []
        for answers in (BASE_ANSWERS, {**BASE_ANSWERS, "q7": "no", "q26": ["qc", "on"]}):
            assessment, token = services.start_assessment(q, "fr", "Révision « été »")
            services.save_answers(assessment, answers, "organisation")
            services.submit(assessment, stored_scores(profile_of(answers)))
            tokens.append(token)
        again, _token = services.start_assessment(q, "en", None, previous=services.find_by_token(tokens[0]))
        services.save_answers(again, {"q1": 9, "q2_1": ["email", "cloud"]}, "importance")
        facilitator = create_user("facilitator@example.org", "facilitator", "a long enough passphrase")
        create_user("analyst@example.org", "analyst")
        issue_reset(facilitator, timedelta(hours=1))
        workshop = workshop_services.create_workshop(
            facilitator.id, "Atelier d'automne", date(2026, 10, 1), "fr", ["organisation"], None
        )
        participation, joined = workshop_services.join(workshop, "fr", services.find_by_token(tokens[1]), True)
        joined_assessment = services.find_by_token(joined)
        services.save_answers(joined_assessment, BASE_ANSWERS, "organisation")
        services.submit(joined_assessment, stored_scores(profile_of(BASE_ANSWERS)))
        create_token("backup test")
        from benchmark.store.models import ImportedBaseline

        db.session.add(
            ImportedBaseline(name="2017-full", kind="options", source="tests", figures={"q6": {"n": 3, "options": {}}})
        )
        db.session.commit()


def change_everything(app: Flask) -> None:
    """Delete, change and add rows in every kind of table after the backup."""
    with app.app_context():
        q = app.extensions["content"].questionnaire
        first = db.session.scalar(sa.select(Assessment).order_by(Assessment.id).limit(1))
        services.delete_assessment(first)
        from benchmark.store.models import User

        for user in db.session.scalars(sa.select(User)):
            user.email = "changed-" + user.email
        assessment, _token = services.start_assessment(q, "en", "after the backup")
        services.save_answers(assessment, BASE_ANSWERS, "organisation")
        db.session.commit()


def run_cli(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=list(args))
    return result


def test_round_trip_restores_every_row_of_every_table(app: Flask, tmp_path: Path) -> None:
    seed_everything(app)
    with app.app_context():
        before = snapshot()
    assert all(before[name] for name in ("assessment", "answer", "assessment_region", "participation", "workshop"))
    path = tmp_path / "benchmark.store.backup"

    result = run_cli(app, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert run_cli(app, "backup", "create", str(path)).exit_code != 0  # never overwritten by accident
    assert not list(tmp_path.glob("*.partial"))

    change_everything(app)
    with app.app_context():
        assert snapshot() != before
        db.session.remove()
        db.engine.dispose()

    result = run_cli(app, "backup", "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert "flask db upgrade" not in result.output  # same schema revision
    with app.app_context():
        after = snapshot()
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    # The restored database works: a new assessment gets a fresh id, the app still serves.
    with app.app_context():
        assessment, _token = services.start_assessment(app.extensions["content"].questionnaire, "en", None)
        assert assessment.id > max(row[0] for row in before["assessment"])
    assert app.test_client().get("/en/").status_code == 200


def test_restore_asks_before_replacing_everything(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "benchmark.store.backup"
    assert run_cli(app, "backup", "create", str(path)).exit_code == 0
    seed_everything(app)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(path)], input="n\n")
    assert result.exit_code != 0 and "Replace EVERY row" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) > 0


def test_restore_refuses_files_of_the_wrong_kind(app: Flask, tmp_path: Path) -> None:
    seed_everything(app)
    with app.app_context():
        before = snapshot()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup", encoding="utf-8")
    results = [run_cli(app, "backup", "restore", str(text_file), "--yes")]
    if on_postgresql(app):
        assert "is not a pg_dump custom-format archive" in results[-1].output
        other = tmp_path / "other.sqlite3"
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
        results.append(run_cli(app, "backup", "restore", str(other), "--yes"))
        assert "is a SQLite file, but this app's database is PostgreSQL" in results[-1].output
        refused_by_kind = results
    else:
        assert "is not a SQLite database file" in results[-1].output
        dump = tmp_path / "dump.pgdump"
        dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        results.append(run_cli(app, "backup", "restore", str(dump), "--yes"))
        assert "is a PostgreSQL dump, but this app's database is SQLite" in results[-1].output
        refused_by_kind = list(results)
        stranger = tmp_path / "stranger.sqlite3"
        connection = sqlite3.connect(stranger)
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
        connection.close()
        results.append(run_cli(app, "backup", "restore", str(stranger), "--yes"))
        assert "is not a backup of this app" in results[-1].output
    assert all(result.exit_code != 0 for result in results), [result.output for result in results]
    assert all("nothing was restored" in result.output for result in refused_by_kind)
    with app.app_context():
        assert snapshot() == before  # every refusal left every row as it was


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """A SQLite app of its own (runs in the SQLite phase, whatever TEST_DATABASE_URL says)."""
    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    with app.app_context():
        upgrade()
    yield app
    reset(app)


def test_sqlite_backup_is_one_self_contained_file(sqlite_app: Flask, tmp_path: Path) -> None:
    seed_everything(sqlite_app)
    path = tmp_path / "copy.sqlite3"
    assert run_cli(sqlite_app, "backup", "create", str(path)).exit_code == 0
    assert not Path(str(path) + "-wal").exists()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM answer").fetchone()[0] > 0
    finally:
        connection.close()
    live = Path(str(sqlite_app.config["SQLALCHEMY_DATABASE_URI"]).removeprefix("sqlite:///"))
    result = run_cli(sqlite_app, "backup", "create", str(live), "--force")
    assert result.exit_code != 0 and "cannot overwrite the live database" in result.output


def test_postgresql_tools_get_a_plain_url_and_no_password_on_the_command_line(app: Flask) -> None:
    # Pure URL handling plus the tool lookup: `make test` installs PostgreSQL's tools for both phases.
    url = sa.engine.make_url("postgresql+psycopg://someone:s3cret@db.example:6543/bench?sslmode=require")
    connection, env = backup_module.pg_connection(url)
    assert connection == "postgresql://someone@db.example:6543/bench?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"
    for tool in ("pg_dump", "pg_restore"):
        assert os.access(backup_module.pg_tool(tool), os.X_OK)
