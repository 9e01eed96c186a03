"""Flask's signed-cookie session, with its serializer made once per secret and each cookie opened once.

A browser sends the same session cookie with every request until the session changes, and
checking its signature and decoding it is a tenth of a kept page's cost.  So a cookie that opened
is remembered (bounded, per process) with what it holds and when it was signed: the same cookie
string opens to the same data without being verified again, and its age is still checked against
``PERMANENT_SESSION_LIFETIME`` on every request, exactly as itsdangerous checks it.  Only sessions
of plain values (strings, numbers, booleans, None) are remembered, so no request can change what
another one opens; a new secret forgets them all.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

from benchmark.web.headers import set_checked

#: Cookies remembered per process (a few hundred bytes each); all are forgotten when it is full.
OPENED_SIZE = 4096

_PLAIN = (str, int, float, bool, bytes, type(None))


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """The same cookies as Flask's default; the serializer is rebuilt only when the keys change."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}
        #: cookie → (its data, the second it was signed), for the current serializer only
        self._opened: dict[str, tuple[dict[str, Any], int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # one secret at a time: a rotation replaces the entry
            self._opened = {}  # and no cookie opened under the old keys opens without being verified again
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session the request's cookie holds: verified once per cookie, its age checked every time."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        opened = self._opened.get(cookie)
        if opened is not None:
            data, signed_at = opened
            age = int(time.time()) - signed_at  # itsdangerous's check: an expired cookie opens empty
            return self.session_class(data if 0 <= age <= max_age else None)
        try:
            data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(value, _PLAIN) for value in data.values()):
            if len(self._opened) >= OPENED_SIZE:
                self._opened = {}
            self._opened[cookie] = (dict(data), int(signed.timestamp()))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's; an unchanged session that sets no cookie only adds ``Vary: Cookie`` (without parsing ``Vary``)."""
        if not session or self.should_set_cookie(app, session):
            super().save_session(app, session, response)
        elif session.accessed:
            headers = response.headers
            vary = headers.get("Vary")
            if not vary:
                set_checked(headers, "Vary", "Cookie")
            elif "cookie" not in (value.strip().lower() for value in vary.split(",")):
                set_checked(headers, "Vary", f"{vary}, Cookie")  # a checked value and a constant


def init_app(app: Flask) -> None:
    """Use the cached-serializer session interface."""
    app.session_interface = CachedSerializerSessionInterface()
