"""Configuration: typed settings read once from the environment (every variable is in the README).

:meth:`Settings.from_environment` parses and checks every variable; a bad value raises
:class:`ConfigError` naming the variable and the value, so the app stops before it serves
anything. :meth:`Settings.flask_config` gives the ``app.config`` keys Flask and its extensions
read. An unset or empty variable takes its default.

``python -m benchmark.config`` checks the environment and prints the error, if any
(``make run`` does this before starting the server).
"""

from __future__ import annotations

import math
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

DataPool = Literal["real", "synthetic"]
UrlScheme = Literal["http", "https"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

_Choice = TypeVar("_Choice", bound=str)


class ConfigError(ValueError):
    """An environment variable holds a value the app cannot use; the message names both."""


def _raw(environ: Mapping[str, str], name: str) -> str | None:
    """The stripped value of ``name``, or None when it is unset or empty."""
    value = environ.get(name, "").strip()
    return value or None


def parse_int(
    environ: Mapping[str, str], name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number, within ``minimum`` and ``maximum`` when given."""
    raw = _raw(environ, name)
    if raw is None:
        return default
    value = int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None
    if value is None or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if minimum is not None and maximum is not None:
            bound = f" from {minimum} to {maximum}"
        elif minimum is not None:
            bound = f" ≥ {minimum}"
        elif maximum is not None:
            bound = f" ≤ {maximum}"
        else:
            bound = ""
        raise ConfigError(f"{name} must be a whole number{bound}, got {raw!r}")
    return value


def parse_positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    """A number greater than 0 (a decimal point, not a comma)."""
    raw = _raw(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"{name} must be a number greater than 0, got {raw!r}")
    return value


def parse_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """true/false, also 1/0, yes/no and on/off, in any case."""
    raw = _raw(environ, name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (or 1/0, yes/no, on/off), got {raw!r}")


def parse_str(environ: Mapping[str, str], name: str, default: str) -> str:
    """Any text; surrounding spaces are dropped."""
    raw = _raw(environ, name)
    return default if raw is None else raw


def parse_optional_str(environ: Mapping[str, str], name: str) -> str | None:
    """Any text, or None when unset or empty."""
    return _raw(environ, name)


def parse_choice(environ: Mapping[str, str], name: str, default: _Choice, choices: tuple[_Choice, ...]) -> _Choice:
    """One of ``choices``, in any case."""
    raw = _raw(environ, name)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice:
            return choice
    raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def public_base_url(environ: Mapping[str, str]) -> str | None:
    """``PUBLIC_BASE_URL``: ``http(s)://host[:port][/path]``, no query or fragment; no trailing slash."""
    raw = _raw(environ, "PUBLIC_BASE_URL")
    if raw is None:
        return None
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number from 0 to 65535
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise ConfigError(
            f"PUBLIC_BASE_URL must be the site's address, like https://benchmark.example.ca (no query), got {raw!r}"
        )
    return raw.rstrip("/")


def database_url(environ: Mapping[str, str]) -> str:
    """``DATABASE_URL`` if set, else SQLite in ``instance/``."""
    url = _raw(environ, "DATABASE_URL")
    if url is None:
        return f"sqlite:///{INSTANCE_DIR / 'benchmark.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(environ: Mapping[str, str]) -> str:
    """``SECRET_KEY``, or a per-instance key kept in ``instance/secret_key``.

    Several app servers must share one key, so deployments set ``SECRET_KEY``;
    the file keeps a single-machine install working across restarts.
    """
    key = environ.get("SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def ratelimit_storage_options(uri: str) -> dict[str, Any]:
    """Options for the rate-limit store: a Redis that does not answer within a second counts as down."""
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {"socket_connect_timeout": 1, "socket_timeout": 1}
    return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every deployment setting, one typed field per environment variable (same name, lower case)."""

    secret_key: str
    database_url: str
    session_cookie_secure: bool = False
    #: A respondent may leave a page open for a working day: keep CSRF tokens valid that long
    #: (an expired token still keeps the typed answers, see the assessment views).
    csrf_time_limit: int = 86400
    peer_min_group: int = 10
    sector_min_cell: int = 10
    #: Released figures: a new release of the summary counts needs this many changed
    #: organisations AND this many minutes since the previous one (time differencing).
    release_min_changes: int = 10
    release_interval_minutes: int = 1440
    #: Which data aggregates count; never both.
    data_pool: DataPool = "real"
    workshop_min_group: int = 5
    #: ε of each noisy figure over a group an attacker could pad (README, "Disclosure control").
    disclosure_epsilon: float = 2.0
    workshop_refresh_seconds: int = 10
    #: Drafts not saved for this many days are deleted by `flask drafts purge` (privacy notice).
    draft_retention_days: int = 365
    sqlite_busy_timeout_ms: int = 5000
    assets_auto_build: bool = True
    preferred_url_scheme: UrlScheme = "http"
    #: Absolute links (private, set-password, workshop join) start with this; unset: the request's
    #: own address (local use only: production must set it, the Host header can be forged).
    public_base_url: str | None = None
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
    trusted_proxies: int = 0
    #: memory:// counts per process: several app servers (or gunicorn workers) must share a
    #: store such as redis://host:6379.
    ratelimit_enabled: bool = True
    ratelimit_storage_uri: str = "memory://"
    lockout_threshold: int = 10
    lockout_minutes: int = 15
    reset_link_minutes: int = 60
    invite_link_hours: int = 72
    #: argon2id password hashing; the defaults are argon2-cffi's (RFC 9106 "low memory" profile).
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    #: Unset: set-password links are only shown or printed, never e-mailed.
    mail_server: str | None = None
    mail_port: int = 587
    mail_starttls: bool = True
    mail_username: str | None = None
    mail_password: str | None = None
    mail_from: str = "no-reply@localhost"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        """Parse and check every variable; raise :class:`ConfigError` on the first bad one."""
        d = cls(secret_key="", database_url="")  # the defaults, declared once on the fields
        return cls(
            secret_key=secret_key(environ),
            database_url=database_url(environ),
            session_cookie_secure=parse_bool(environ, "SESSION_COOKIE_SECURE", d.session_cookie_secure),
            csrf_time_limit=parse_int(environ, "CSRF_TIME_LIMIT", d.csrf_time_limit, minimum=1),
            peer_min_group=parse_int(environ, "PEER_MIN_GROUP", d.peer_min_group, minimum=1),
            sector_min_cell=parse_int(environ, "SECTOR_MIN_CELL", d.sector_min_cell, minimum=1),
            release_min_changes=parse_int(environ, "RELEASE_MIN_CHANGES", d.release_min_changes, minimum=1),
            release_interval_minutes=parse_int(
                environ, "RELEASE_INTERVAL_MINUTES", d.release_interval_minutes, minimum=0
            ),
            data_pool=parse_choice(environ, "DATA_POOL", d.data_pool, ("real", "synthetic")),
            workshop_min_group=parse_int(environ, "WORKSHOP_MIN_GROUP", d.workshop_min_group, minimum=1),
            disclosure_epsilon=parse_positive_float(environ, "DISCLOSURE_EPSILON", d.disclosure_epsilon),
            workshop_refresh_seconds=parse_int(
                environ, "WORKSHOP_REFRESH_SECONDS", d.workshop_refresh_seconds, minimum=1
            ),
            draft_retention_days=parse_int(environ, "DRAFT_RETENTION_DAYS", d.draft_retention_days, minimum=1),
            sqlite_busy_timeout_ms=parse_int(environ, "SQLITE_BUSY_TIMEOUT_MS", d.sqlite_busy_timeout_ms, minimum=0),
            assets_auto_build=parse_bool(environ, "ASSETS_AUTO_BUILD", d.assets_auto_build),
            preferred_url_scheme=parse_choice(
                environ, "PREFERRED_URL_SCHEME", d.preferred_url_scheme, ("http", "https")
            ),
            public_base_url=public_base_url(environ),
            trusted_proxies=parse_int(environ, "TRUSTED_PROXIES", d.trusted_proxies, minimum=0, maximum=10),
            ratelimit_enabled=parse_bool(environ, "RATELIMIT_ENABLED", d.ratelimit_enabled),
            ratelimit_storage_uri=parse_str(environ, "RATELIMIT_STORAGE_URI", d.ratelimit_storage_uri),
            lockout_threshold=parse_int(environ, "LOCKOUT_THRESHOLD", d.lockout_threshold, minimum=1),
            lockout_minutes=parse_int(environ, "LOCKOUT_MINUTES", d.lockout_minutes, minimum=1),
            reset_link_minutes=parse_int(environ, "RESET_LINK_MINUTES", d.reset_link_minutes, minimum=1),
            invite_link_hours=parse_int(environ, "INVITE_LINK_HOURS", d.invite_link_hours, minimum=1),
            argon2_time_cost=parse_int(environ, "ARGON2_TIME_COST", d.argon2_time_cost, minimum=1),
            # argon2 needs at least 8 KiB per lane.
            argon2_memory_cost=parse_int(environ, "ARGON2_MEMORY_COST", d.argon2_memory_cost, minimum=8),
            argon2_parallelism=parse_int(environ, "ARGON2_PARALLELISM", d.argon2_parallelism, minimum=1),
            mail_server=parse_optional_str(environ, "MAIL_SERVER"),
            mail_port=parse_int(environ, "MAIL_PORT", d.mail_port, minimum=1, maximum=65535),
            mail_starttls=parse_bool(environ, "MAIL_STARTTLS", d.mail_starttls),
            mail_username=parse_optional_str(environ, "MAIL_USERNAME"),
            mail_password=environ.get("MAIL_PASSWORD") or None,  # a password is kept exactly as given
            mail_from=parse_str(environ, "MAIL_FROM", d.mail_from),
        )

    def flask_config(self) -> dict[str, Any]:
        """The ``app.config`` mapping: these settings plus the fixed Flask and extension options."""
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            # hide_parameters: SQL errors (and their logged tracebacks) never show answers or emails.
            # pool_pre_ping: a server's connection can go stale (a PostgreSQL restart); a SQLite file's cannot,
            # so SQLite skips the extra SELECT 1 on every checkout.
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": not self.database_url.startswith("sqlite"),
                "hide_parameters": True,
            },
            "BABEL_DEFAULT_LOCALE": "en",
            "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
            "WTF_CSRF_TIME_LIMIT": self.csrf_time_limit,
            "WTF_CSRF_SSL_STRICT": False,
            "MAX_CONTENT_LENGTH": 256 * 1024,
            "MAX_FORM_PARTS": 400,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "PERMANENT_SESSION_LIFETIME": 12 * 3600,
            # The sign-in's age is checked against its own timestamp (web/auth.py), so re-signing the
            # cookie on every staff request would extend nothing; it is written only when it changes.
            "SESSION_REFRESH_EACH_REQUEST": False,
            "ASSETS_AUTO_BUILD": self.assets_auto_build,
            "ASSETS_DEBUG": False,
            "PEER_MIN_GROUP": self.peer_min_group,
            "SECTOR_MIN_CELL": self.sector_min_cell,
            "RELEASE_MIN_CHANGES": self.release_min_changes,
            "RELEASE_INTERVAL_MINUTES": self.release_interval_minutes,
            "DATA_POOL": self.data_pool,
            "WORKSHOP_MIN_GROUP": self.workshop_min_group,
            "DISCLOSURE_EPSILON": self.disclosure_epsilon,
            "WORKSHOP_REFRESH_SECONDS": self.workshop_refresh_seconds,
            "DRAFT_RETENTION_DAYS": self.draft_retention_days,
            "SQLITE_BUSY_TIMEOUT_MS": self.sqlite_busy_timeout_ms,
            "PREFERRED_URL_SCHEME": self.preferred_url_scheme,
            "PUBLIC_BASE_URL": self.public_base_url,
            "TRUSTED_PROXIES": self.trusted_proxies,
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            # A Redis outage must not become 500s: each process counts in its own memory until the
            # store answers again (checked with a backoff of 1, 2, 4 … 32 s), README "Running several servers".
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_SWALLOW_ERRORS": True,
            "RATELIMIT_STORAGE_OPTIONS": ratelimit_storage_options(self.ratelimit_storage_uri),
            "RATELIMIT_KEY_PREFIX": "sdcb",
            "LOCKOUT_THRESHOLD": self.lockout_threshold,
            "LOCKOUT_MINUTES": self.lockout_minutes,
            "RESET_LINK_MINUTES": self.reset_link_minutes,
            "INVITE_LINK_HOURS": self.invite_link_hours,
            "ARGON2_TIME_COST": self.argon2_time_cost,
            "ARGON2_MEMORY_COST": self.argon2_memory_cost,
            "ARGON2_PARALLELISM": self.argon2_parallelism,
            "MAIL_SERVER": self.mail_server,
            "MAIL_PORT": self.mail_port,
            "MAIL_STARTTLS": self.mail_starttls,
            "MAIL_USERNAME": self.mail_username,
            "MAIL_PASSWORD": self.mail_password,
            "MAIL_FROM": self.mail_from,
        }


def main(environ: Mapping[str, str]) -> int:
    """Check the environment: 0 when every variable is usable, else 1 after printing why."""
    try:
        Settings.from_environment(environ)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    import os

    sys.exit(main(os.environ))
