"""Configuration: defaults, overridden by environment variables (documented in the README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def database_url() -> str:
    """Return the database URL: ``DATABASE_URL`` if set, else SQLite in ``instance/``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'benchmark.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key() -> str:
    """Return ``SECRET_KEY``, or a per-instance key kept in ``instance/secret_key``.

    Several app servers must share one key, so deployments set ``SECRET_KEY``;
    the file keeps a single-machine install working across restarts.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        import secrets

        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def from_environment() -> dict[str, Any]:
    """Build the configuration mapping from the environment."""
    return {
        "SECRET_KEY": secret_key(),
        "SQLALCHEMY_DATABASE_URI": database_url(),
        # hide_parameters: SQL errors (and their logged tracebacks) never show answers or emails.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        # A respondent may leave a page open for a working day: keep CSRF tokens valid
        # that long (an expired token still keeps the typed answers, see assessment views).
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("CSRF_TIME_LIMIT", 86400)),
        "WTF_CSRF_SSL_STRICT": False,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_PARTS": 400,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "ASSETS_AUTO_BUILD": _bool("ASSETS_AUTO_BUILD", True),
        "ASSETS_DEBUG": False,
        "PEER_MIN_GROUP": int(os.environ.get("PEER_MIN_GROUP", 10)),
        "SECTOR_MIN_CELL": int(os.environ.get("SECTOR_MIN_CELL", 10)),
        # "real" (default) or "synthetic": which data aggregates count; never both.
        "DATA_POOL": "synthetic" if os.environ.get("DATA_POOL") == "synthetic" else "real",
        "WORKSHOP_MIN_GROUP": int(os.environ.get("WORKSHOP_MIN_GROUP", 5)),
        "WORKSHOP_REFRESH_SECONDS": int(os.environ.get("WORKSHOP_REFRESH_SECONDS", 10)),
        # Drafts not saved for this many days are deleted by `flask drafts purge` (privacy notice).
        "DRAFT_RETENTION_DAYS": int(os.environ.get("DRAFT_RETENTION_DAYS", 365)),
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", 5000)),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        # Rate limits (Flask-Limiter). memory:// counts per process: several app servers
        # (or gunicorn workers) must share a store such as redis://host:6379.
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": "sdcb",
        # Accounts (facilitators, analysts, admins).
        "LOCKOUT_THRESHOLD": int(os.environ.get("LOCKOUT_THRESHOLD", 10)),
        "LOCKOUT_MINUTES": int(os.environ.get("LOCKOUT_MINUTES", 15)),
        "RESET_LINK_MINUTES": int(os.environ.get("RESET_LINK_MINUTES", 60)),
        "INVITE_LINK_HOURS": int(os.environ.get("INVITE_LINK_HOURS", 72)),
        # argon2id password hashing; the defaults are argon2-cffi's (RFC 9106 "low memory" profile).
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 3)),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", 65536)),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", 4)),
        # Optional e-mail of set-password links; unset MAIL_SERVER = links are only shown/printed.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_STARTTLS": _bool("MAIL_STARTTLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@localhost"),
    }
