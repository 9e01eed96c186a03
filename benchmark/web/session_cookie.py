"""Flask's signed-cookie session, with its signing serializer made once per secret instead of per request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """The same cookies as Flask's default; the serializer is rebuilt only when the keys change."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # one secret at a time: a rotation replaces the entry
        return serializer


def init_app(app: Flask) -> None:
    """Use the cached-serializer session interface."""
    app.session_interface = CachedSerializerSessionInterface()
