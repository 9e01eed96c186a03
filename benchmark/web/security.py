"""Security headers on every response (strict CSP: no inline script or style)."""

from __future__ import annotations

from flask import Flask
from flask.globals import _cv_request
from werkzeug.wrappers import Response

from benchmark.web.headers import CheckedHeaders, add_all, names

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
STATIC_IMMUTABLE_PREFIX = "/static/gen/"


def init_app(app: Flask) -> None:
    """Add the security headers hook."""
    app.after_request(set_security_headers)


#: Set on every response unless the view set its own (one pass over the headers: see set_security_headers).
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Private links carry their token in the path: never send it to another site.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


#: The same, checked once and put on a response in one step (benchmark.web.headers).
_DEFAULTS = CheckedHeaders(DEFAULT_HEADERS)
_SECURE_DEFAULTS = CheckedHeaders((*DEFAULT_HEADERS, HSTS))
_NO_STORE = CheckedHeaders((("Cache-Control", "no-store"),))


def set_security_headers(response: Response) -> Response:
    """Set CSP, framing, sniffing, referrer and permissions headers; mark private pages no-store."""
    headers = response.headers
    # Werkzeug's setdefault scans the header list once per name; one set of the names present is cheaper.
    present = names(headers)
    current = _cv_request.get().request  # the request itself, not one proxy lookup per attribute
    defaults = _SECURE_DEFAULTS if current.is_secure else _DEFAULTS
    path = current.path
    if path.startswith(STATIC_IMMUTABLE_PREFIX):
        # File names carry a content hash, so they can be cached for a year.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif not path.startswith("/static/") and "cache-control" not in present:
        add_all(headers, _NO_STORE)
    if defaults.lowered.isdisjoint(present):  # a view sets none of them: all are added, in order
        add_all(headers, defaults)
        return response
    for name, value in defaults.pairs:
        if name.lower() not in present:
            headers.add(name, value)
    return response
