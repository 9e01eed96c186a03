"""Who is signed in, and the ``login_required`` / ``role_required`` decorators.

The session cookie (Flask's signed cookie) holds the account id, the account's
``session_version`` and the time of sign-in.  A request is signed in only if the
account is active, the version still matches (sign-out, password change or reset
and deactivation bump it) and the sign-in is younger than
``PERMANENT_SESSION_LIFETIME``; otherwise the session is cleared.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.globals import _cv_app, _cv_request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from benchmark.extensions import db
from benchmark.store.models import User

log = logging.getLogger("benchmark.staff.accounts")

SESSION_USER = "user_id"
SESSION_VERSION = "session_version"
SESSION_SIGNED_IN_AT = "signed_in_at"
_UNSET = object()

View = TypeVar("View", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    """Make ``current_user()`` available in templates."""
    app.jinja_env.globals["current_user"] = _current_user_for_templates


def current_user() -> User | None:
    """Return the signed-in account of this request, or None (clearing a stale session)."""
    cached = g.get("_current_user", _UNSET)
    if cached is not _UNSET:
        return cast("User | None", cached)
    user = _load_user()
    g._current_user = user
    return user


def signed_in_user() -> User:
    """``current_user()`` for views behind ``login_required`` or ``role_required`` (no anonymous request)."""
    user = current_user()
    if user is None:  # only a view that forgot its decorator gets here
        abort(403)
    return user


def _load_user() -> User | None:
    user_id = session.get(SESSION_USER)
    if user_id is None:
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not _session_holds(user):
        session.clear()
        return None
    return user


def _session_holds(account: Any) -> bool:
    """Whether this request's session is still a sign-in of ``account`` (active, same version, recent enough)."""
    lifetime = _cv_app.get().app.permanent_session_lifetime.total_seconds()
    held = _cv_request.get().session  # the session itself, not a proxy lookup per read
    signed_in_at = held.get(SESSION_SIGNED_IN_AT)
    return bool(
        account.is_active
        and held.get(SESSION_VERSION) == account.session_version
        and isinstance(signed_in_at, int | float)
        and time.time() - signed_in_at <= lifetime
    )


def claimed_account_id() -> int | None:
    """The account id this request's session claims, for a view that reads the account itself (see :func:`admit`)."""
    user_id = _cv_request.get().session.get(SESSION_USER)
    return user_id if isinstance(user_id, int) else None


def admit(account: Any | None, *roles: str) -> BaseResponse | None:
    """``role_required``'s checks on an account a view read in its own statement (to save one on a hot path).

    :param account: the row of :func:`claimed_account_id`'s account (``id``, ``role``, ``is_active``,
        ``session_version``), or None when the session claims none or it does not exist.
    :return: None to go on, or the redirect to the sign-in page (a stale session is cleared);
        another role gets a 403, as with ``role_required``.
    """
    if account is None or not _session_holds(account):
        if session.get(SESSION_USER) is not None:
            session.clear()
        return _to_sign_in()  # type: ignore[no-any-return]
    if account.role not in roles:
        log.warning("Access refused: account %s (%s) to %s", account.id, account.role, request.endpoint)
        abort(403)
    return None


def _current_user_for_templates() -> User | None:
    """``current_user()`` for templates; never breaks an error page when the database is down."""
    try:
        return current_user()
    except SQLAlchemyError:
        db.session.rollback()
        return None


def start_session(user: User) -> None:
    """Sign ``user`` in on a *new* session (nothing from before sign-in survives)."""
    session.clear()
    session[SESSION_USER] = user.id
    session[SESSION_VERSION] = user.session_version
    session[SESSION_SIGNED_IN_AT] = int(time.time())
    session.permanent = True
    g._current_user = user


def end_session() -> None:
    """Forget the session in this browser."""
    session.clear()
    g._current_user = None


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (``/…``), else None (no open redirect)."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _to_sign_in() -> Any:
    """Redirect to the sign-in page, coming back here afterwards for page views."""
    if request.method in ("GET", "HEAD"):
        target = request.full_path.rstrip("?") if request.query_string else request.path
        return redirect(url_for("accounts.sign_in", next=target))
    return redirect(url_for("accounts.sign_in"))


def login_required(view: View) -> View:
    """Let only signed-in accounts through; others go to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return _to_sign_in()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def role_required(*roles: str) -> Callable[[View], View]:
    """Let only accounts with one of ``roles`` through: anonymous → sign-in, other roles → 403.

    Roles do not nest: list ``"admin"`` explicitly where administrators are allowed.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _to_sign_in()
            if user.role not in roles:
                log.warning("Access refused: account %s (%s) to %s", user.id, user.role, request.endpoint)
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
