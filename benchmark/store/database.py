"""Database set-up: SQLite gets WAL, a busy timeout and foreign keys; migrations live in ``migrations/``."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmark.config import INSTANCE_DIR, PROJECT_ROOT
from benchmark.extensions import db, migrate
from benchmark.store import models, plain  # noqa: F401  (models: registers every model with the metadata)

_busy_timeout_ms = 5000


def init_app(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and Flask-Migrate; never create or migrate tables here."""
    global _busy_timeout_ms
    _busy_timeout_ms = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)
    db.init_app(app)
    plain.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL, a busy timeout and foreign keys for every new SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(_busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: an acknowledged save survives a crash of the machine, not only of the process.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()
