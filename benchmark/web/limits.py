"""Rate limits (Flask-Limiter), counted per client IP.

Counts live in ``RATELIMIT_STORAGE_URI`` (default ``memory://``: one count per
process).  Several app servers, or several gunicorn workers, must point it at a
shared store such as ``redis://host:6379/0``, or each keeps its own count.
Behind a reverse proxy the client IP must come from the proxy: ``TRUSTED_PROXIES``
(the number of hops) installs Werkzeug's ``ProxyFix`` (see :mod:`benchmark.web.links`),
which sets ``request.remote_addr`` from ``X-Forwarded-For``.  With the default 0, a
forged ``X-Forwarded-For`` is ignored: the key stays the connection's address.

**Failed CSRF checks must count.**  Flask-WTF's ``CSRFProtect`` refuses a bad
token in a ``before_request`` hook, before a ``@limiter.limit`` decorator ever
runs, so those refusals would escape a decorated limit (measured, see
``shared/notes/reliability.md`` §8.1).  :func:`limit_attempts` therefore exempts the
view from the app-wide hook and runs the *same* check, ``csrf.protect()``, inside
the limited view: the POST is counted first, then refused if its token is bad.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, make_response, request
from flask.globals import _cv_request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from benchmark.extensions import csrf
from benchmark.web.errors import render_error

#: Sign-in attempts per client IP (ASVS 6.3.1), on top of the per-account lockout.
SIGN_IN_LIMIT = "10 per minute"
#: Refused workshop codes per client IP: ``@limit_attempts(JOIN_CODE_LIMIT, count=refused)``.
JOIN_CODE_LIMIT = "20 per minute"

#: Storage comes from ``RATELIMIT_STORAGE_URI`` (see :mod:`benchmark.config`).
limiter = Limiter(key_func=get_remote_address)

View = TypeVar("View", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    """Bind the limiter and its 429 page; call this *before* ``csrf.init_app``.

    Initialising first puts the limiter's ``before_request`` hook ahead of
    CSRFProtect's, so any application-wide limit added later counts requests
    refused for a bad token as well.
    """
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    only_where_limited(app)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)


#: The views wrapped by :func:`limit_attempts` (what Flask routes to, after the decorator).
_LIMITED: set[Callable[..., Any]] = set()


def only_where_limited(app: Flask) -> None:
    """Run Flask-Limiter's ``before_request`` check only on routes that have a limit.

    With no application-wide or default limit (none is configured), the check finds nothing to count
    on any other route, yet costs about a tenth of a small page.  Routes with a limit: the views of
    :func:`limit_attempts`, blueprints limited as a whole (the API), and any unknown endpoint.
    """
    hook = limiter._check_request_limit
    hooks = app.before_request_funcs.setdefault(None, [])
    decisions: dict[str | None, bool] = {}

    def check_where_limited() -> None:
        endpoint = _cv_request.get().request.endpoint
        needed = decisions.get(endpoint)
        if needed is None:
            needed = decisions[endpoint] = _has_limits(endpoint)
        if needed:
            hook()

    if hook in hooks:  # not when the limiter was bound to this app before (its hook is replaced already)
        hooks[hooks.index(hook)] = check_where_limited
    _only_where_used(app)


def _only_where_used(app: Flask) -> None:
    """Run Flask-Limiter's after-request and teardown hooks only on requests where the limiter ran.

    Both read the limiter's per-request context, which exists only once a limit was checked; on any
    other request they would make an empty one and find nothing to add or release.
    """
    after = app.after_request_funcs.setdefault(None, [])
    for index, function in enumerate(after):
        if getattr(getattr(function, "func", None), "__name__", "") == "__inject_headers":
            after[index] = _after_when_used(function)
    teardown = app.teardown_request_funcs.setdefault(None, [])
    for index, function in enumerate(teardown):
        if getattr(function, "__name__", "") == "__release_context" and getattr(function, "__self__", None) is limiter:
            teardown[index] = _teardown_when_used(function)


def _limiter_ran() -> bool:
    return hasattr(_cv_request.get(), "_limiter_request_context")  # where Flask-Limiter keeps its per-request state


def _after_when_used(function: Callable[..., Any]) -> Callable[[Response], Response]:
    def after(response: Response) -> Response:
        return function(response) if _limiter_ran() else response

    return after


def _teardown_when_used(function: Callable[..., Any]) -> Callable[[BaseException | None], None]:
    def teardown(error: BaseException | None) -> None:
        if _limiter_ran():
            function(error)

    return teardown


def _has_limits(endpoint: str | None) -> bool:
    manager = limiter.limit_manager
    if manager.application_limits or manager.default_limits:
        return True
    view = current_app.view_functions.get(endpoint or "")
    if view is None or view in _LIMITED:
        return True
    blueprint = request.blueprint
    return bool(blueprint and manager.blueprint_limits(current_app, blueprint))


def refused(response: Response) -> bool:
    """Count a POST only when it was refused (any 4xx answer: a bad code, a bad form, a bad CSRF token)."""
    return 400 <= response.status_code < 500


def limit_attempts(limit_value: str, count: Callable[[Response], bool] | None = None) -> Callable[[View], View]:
    """Limit POSTs to a view per client IP, counting those refused by the CSRF check.

    :param count: when given, only POSTs whose response it accepts are counted (Flask-Limiter's
        ``deduct_when``, applied after the view): the workshop join counts :func:`refused` codes only,
        so a whole cohort joining from one venue address is never blocked by its own successful joins,
        while guessing codes still is.  Without it every POST counts (sign-in).

    Use below ``@bp.route``::

        @bp.route("/join", methods=["GET", "POST"])
        @limit_attempts(JOIN_CODE_LIMIT)
        def join(): ...

    GETs are neither counted nor limited.  A POST with a missing or wrong token is
    counted, then refused with the usual CSRF error page (400).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            config = current_app.config
            if (
                request.method == "POST"
                and config.get("WTF_CSRF_ENABLED", True)
                and config.get("WTF_CSRF_CHECK_DEFAULT", True)
            ):
                csrf.protect()
            return view(*args, **kwargs)

        limited = limiter.limit(limit_value, methods=["POST"], deduct_when=count)(checked)
        # Same qualified name as ``view``: the app-wide CSRF hook skips it; ``checked`` does the check.
        csrf.exempt(limited)
        _LIMITED.add(limited)
        return limited  # type: ignore[return-value]

    return decorate


def handle_rate_limited(error: RateLimitExceeded) -> Response:
    """The 429 page (in the page's language) with a ``Retry-After`` header."""
    rendered = render_error(429)
    response = make_response(rendered) if not isinstance(rendered, tuple) else make_response(*rendered)
    response.status_code = 429
    response.headers["Retry-After"] = str(_retry_after_seconds())
    return response


def _retry_after_seconds() -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - datetime.now(UTC).timestamp()) + 1)
