"""While the database (or Redis) is down: a bilingual "try again in a moment" page, status 503.

A PostgreSQL restart, a lost connection or a Redis restart raises a connection error in whatever
request is running.  Instead of the generic 500 page, the person gets a 503 with ``Retry-After``
and, in both languages, the news that nothing they saved is lost.  A form POST (a page of answers,
a submission) keeps what the person typed: the page holds the posted fields in a form that sends
them again, to the same address, with one button (the CSRF token included, so the second send is
checked like the first).  Under ``/api/`` the answer is the usual JSON error ``unavailable``.

SQLite's "database is locked" is also an ``OperationalError``: it gets the same page, which is
what it means (try again in a moment).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, make_response, render_template, request
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.wrappers import Response

from benchmark.web.errors import api_error, handle_unexpected_error

#: Seconds a client is asked to wait: a PostgreSQL or Redis restart takes a few.
RETRY_AFTER_SECONDS = 5
#: Form fields kept on the page (MAX_FORM_PARTS bounds what can arrive anyway).
MAX_KEPT_FIELDS = 400
#: Fields never written back into a page: a password is typed again rather than left in the HTML.
SECRET_FIELD_MARKERS = ("password",)

UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def init_app(app: Flask) -> None:
    """Answer connection failures of the database or Redis with the 503 page."""
    for error in UNAVAILABLE:
        app.register_error_handler(error, handle_unavailable)
    app.register_error_handler(DBAPIError, handle_database_error)


def handle_database_error(error: DBAPIError) -> Any:
    """A DBAPI error that lost its connection is an outage (503); any other is a 500 as before."""
    if error.connection_invalidated:
        return handle_unavailable(error)
    return handle_unexpected_error(error)


def handle_unavailable(error: Exception) -> Response:
    """Log one line (no SQL parameters: ``hide_parameters``) and answer 503 with ``Retry-After``."""
    current_app.logger.warning("Unavailable on %s %s: %s", request.method, request.path, type(error).__name__)
    if request.path.startswith("/api/"):
        response = make_response(api_error(503, "unavailable", "try again in a moment"))
    else:
        page = render_template(
            "errors/unavailable.html",
            code=503,
            page_lang="fr" if g.get("lang_code") == "fr" else "en",
            kept=kept_fields(),
            again=request.full_path.rstrip("?"),
        )
        response = make_response(page, 503)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def kept_fields() -> list[tuple[str, str]] | None:
    """The posted form fields, in order, to send again; None when this was not a form POST."""
    if request.method != "POST" or request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return None
    fields = request.form.items(multi=True)
    kept = [(name, value) for name, value in fields if not any(m in name.lower() for m in SECRET_FIELD_MARKERS)]
    return kept[:MAX_KEPT_FIELDS]
