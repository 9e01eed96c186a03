"""Security headers on every response (strict CSP: no inline script or style)."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

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


def set_security_headers(response: Response) -> Response:
    """Set CSP, framing, sniffing, referrer and permissions headers; mark private pages no-store."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Private links carry their token in the path: never send it to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith(STATIC_IMMUTABLE_PREFIX):
        # File names carry a content hash, so they can be cached for a year.
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    return response
