"""``/healthz``: is this app server able to serve?  For a proxy or a monitor; no personal data.

200 ``{"status": "ok", ...}`` when a ``SELECT 1`` on the database answers, 503 ``{"status":
"unavailable", ...}`` when it does not.  The rate-limit store is reported too (``ok``, ``down``,
or ``memory`` when counts are per process), but a Redis outage alone does not make the server
unhealthy: every server shares the same Redis, and while it is down each one counts limits in
its own memory (see :mod:`benchmark.web.limits`), so taking servers out would turn a weaker
limit into an outage.  The check is exempt from rate limits and costs one round trip to each.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from benchmark.extensions import db
from benchmark.web.limits import limiter


def init_app(app: Flask) -> None:
    """Route ``/healthz`` outside the language prefix, with no rate limit."""
    app.add_url_rule("/healthz", "healthz", limiter.exempt(healthz))


def healthz() -> Response:
    """The health of this server: the database (decides the status) and the rate-limit store."""
    database = database_state()
    response = jsonify(
        {
            "status": "ok" if database == "ok" else "unavailable",
            "database": database,
            "ratelimit_store": ratelimit_store_state(),
        }
    )
    response.status_code = 200 if database == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def database_state() -> str:
    """``ok`` when ``SELECT 1`` answers, else ``down``."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "down"
    return "ok"


def ratelimit_store_state() -> str:
    """``memory`` (counts per process), ``ok`` or ``down`` for a shared store such as Redis."""
    if str(current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return "memory"
    try:
        return "ok" if limiter.storage.check() else "down"
    except Exception:  # any failure of the store's own check means it cannot be used
        return "down"
