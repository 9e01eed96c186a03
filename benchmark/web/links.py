"""Absolute links from the configured public address, and the reverse proxy the app trusts.

Private links, set-password links and workshop join links are handed to people (shown,
printed, e-mailed, put in a QR code), so they must never be built from the request's
``Host`` header, which any client can forge.  :func:`public_url` builds them from
``PUBLIC_BASE_URL`` (for example ``https://benchmark.example.ca``).  Only when that is unset
(local use) does it fall back to the request's address; production must set it.

``TRUSTED_PROXIES`` is the number of reverse proxies in front of the app (0: none).  With
``n`` > 0, Werkzeug's ``ProxyFix`` takes the client address (``X-Forwarded-For``) and the
scheme (``X-Forwarded-Proto``) from the last ``n`` proxies, so ``request.remote_addr`` (the
rate-limit key, see :mod:`benchmark.web.limits`) and ``request.is_secure`` (HSTS, see
:mod:`benchmark.web.security`) are right behind a TLS proxy.  With 0, those headers are
ignored.  ``X-Forwarded-Host`` is never trusted: links use ``PUBLIC_BASE_URL`` instead.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Trust ``TRUSTED_PROXIES`` proxy hops (none by default); offer ``public_url`` to templates."""
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)  # type: ignore[method-assign]
    app.add_template_global(public_url)


def public_url(endpoint: str, *, base_url: str | None = None, **values: Any) -> str:
    """The absolute address of ``endpoint``: ``base_url``, else ``PUBLIC_BASE_URL``, plus the route's path.

    With neither set, the request's own scheme and host (today's behaviour, for local use only).
    """
    base = base_url or current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    script_root = request.script_root if has_request_context() else ""
    if script_root and path.startswith(script_root + "/"):
        path = path[len(script_root) :]
    return base.rstrip("/") + path
