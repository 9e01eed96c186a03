"""Error pages: in the page's language, or in both when the language is unknown."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, abort, current_app, g, jsonify, render_template, request
from flask.globals import _cv_request, request_ctx
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from benchmark.web.i18n import LANGUAGES, best_language


def init_app(app: Flask) -> None:
    """Register the HTTP and CSRF error handlers and the form-encoding check."""
    app.before_request(refuse_unreadable_form)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Exception, handle_unexpected_error)


API_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


PLAIN_ERRORS = {
    400: "Bad request. / Requête incorrecte.",
    404: "Page not found. / Page introuvable.",
    500: "Something went wrong on our side. / Une erreur s’est produite de notre côté.",
}


def api_error(status: int, code: str | None = None, message: str | None = None) -> Any:
    """A JSON error with a stable code: ``{"error": {"code": …, "message": …}}``."""
    code = code or API_ERROR_CODES.get(status, "error")
    response = jsonify({"error": {"code": code, "message": message or code.replace("_", " ")}})
    response.status_code = status
    return response


def render_error(code: int, description_key: str | None = None) -> Any:
    """Render the error page for ``code`` (bilingual outside a language prefix; JSON under /api/)."""
    if request.path.startswith("/api/"):
        return api_error(code, "encoding" if description_key == "encoding" else None)
    if request_ctx.url_adapter is None:
        # The Host header could not be read (Werkzeug's BadHost), so no URL can be built and the
        # page template (which links its styles) would fail: answer in plain text instead.
        text = PLAIN_ERRORS.get(code) or PLAIN_ERRORS[500 if code >= 500 else 400]
        return Response(text, status=code, mimetype="text/plain")
    # Outside a language prefix, and for private-link 404s (which must not depend on
    # anything about the link), the page speaks both languages.
    bilingual = not g.get("lang_code") or bool(g.get("bilingual_errors"))
    first = g.get("lang_code") or path_language()
    with force_locale(first):  # /fr/… speaks French first (and its header and footer), /en/… English
        page = render_template("errors/error.html", code=code, bilingual=bilingual, key=description_key, first=first)
    return page, code


def path_language() -> str:
    """The language the address asks for (``/fr/…``, even with no such page), else the browser's."""
    prefix = request.path.split("/", 2)[1] if request.path.startswith("/") else ""
    return prefix if prefix in LANGUAGES else best_language()


def handle_http_error(error: HTTPException) -> Any:
    """Render 4xx/5xx pages from Werkzeug exceptions."""
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError) -> Any:
    """Render a clear message when a form's security token is missing or stale."""
    return render_error(400, "csrf")


def handle_unexpected_error(error: Exception) -> Any:
    """Log an unexpected error and show a generic page (never a traceback)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def refuse_unreadable_form() -> Any:
    """Refuse form posts that are not valid UTF-8 (browsers always send UTF-8).

    Werkzeug would keep such bytes as literal ``%FF`` text, which could then be
    stored; refusing them up front keeps every saved answer readable.
    """
    current = _cv_request.get().request  # a GET costs one context lookup, not a proxy's
    if current.method != "POST" or current.mimetype != "application/x-www-form-urlencoded":
        return None
    if request.content_length and request.content_length > (request.max_content_length or 0) > 0:
        abort(413)
    body = request.get_data(cache=True)
    return None if readable_form_body(body) else render_error(400, "encoding")


def readable_form_body(body: bytes) -> bool:
    """True when every name and value of a URL-encoded body decodes as UTF-8.

    Checked on the whole body at once: separators are ASCII, which no UTF-8 sequence spans, so
    the whole decodes exactly when every part does.  The body itself must be UTF-8 too, before its
    escapes are undone: ``%C3`` followed by a raw byte 0xA9 unquotes to a valid "é", but the raw
    byte alone is not UTF-8.  A body of plain ASCII without escapes (most posts) needs no decoding.
    """
    if body.isascii() and b"%" not in body:
        return True
    try:
        body.decode("utf-8")
        unquote_to_bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
