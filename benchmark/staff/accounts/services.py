"""Account operations: create, authenticate with lockout, set-password links, sign-out everywhere.

Views stay thin and never commit; these functions do.  Nothing here logs an email
address, a password or a token: log lines name accounts by their id only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import smtplib
import unicodedata
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import lru_cache
from typing import Any, cast

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from benchmark.extensions import db
from benchmark.store.models import EMAIL_MAX_LENGTH, ROLES, PasswordReset, User, as_utc, utcnow

log = logging.getLogger("benchmark.staff.accounts")

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")


def hasher() -> PasswordHasher:
    """argon2id with the app's ``ARGON2_*`` parameters (defaults: argon2-cffi's, RFC 9106 "low memory")."""
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


#: Passwords of 8+ characters found at the top of public breach lists (English and
#: French), checked case-insensitively and without trailing digits/symbols, so that
#: "Montreal2024!" is refused as well as "montreal".
_COMMON_PASSWORDS_TEXT = """
    password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword passpass
    12345678 123456789 1234567890 12345678910 0987654321 987654321 87654321 11111111 00000000
    22222222 55555555 66666666 77777777 88888888 99999999 11223344 12341234 12344321 12121212
    123123123 123321123 123654789 147258369 789456123 159357159 741852963 963852741 123456789a
    a123456789 123456abc abc12345 abcd1234 abcdefgh abcdefg1 aaaaaaaa asdf1234 1234qwer 1234abcd
    qwertyui qwertyuiop qwerty12 qwerty123 qwerty1234 qwertyu1 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
    1qaz2wsx 1qazxsw2 zaq12wsx zaq1zaq1 q1w2e3r4 q1w2e3r4t5 qazwsxedc qazwsx123 123qweasd
    asdfghjkl asdfasdf zxcvbnm1 zxcvbnm123 iloveyou iloveyou1 iloveyou2 sunshine sunshine1
    princess princess1 football football1 baseball baseball1 basketball superman batman123
    trustno1 whatever whatever1 computer internet starwars pokemon1 minecraft michelle
    jennifer jessica1 michael1 charlie1 jordan23 liverpool chelsea1 arsenal1 mustang1 master12
    dragon12 monkey12 shadow12 ashley12 lovely123 flower123 samsung1 hello123 letmein1
    letmein123 welcome welcome1 welcome123 admin123 admin1234 administrator changeme
    changeme123 secret123 access14 default1 guest123 test1234 testtest
    summer2023 summer2024 summer2025 summer2026 winter2024 winter2025 spring2025 autumn2025
    canada canada123 canada2024 canada2025 toronto montreal vancouver ottawa calgary winnipeg
    edmonton halifax quebec settlement newcomer newcomers benchmark immigration ircc
    motdepasse motdepasse1 motdepasse123 azertyuiop azerty123 azerty12 azertyui azer1234
    1234azer qsdfghjklm wxcvbn123 bonjour bonjour1 bonjour123 soleil123 marseille doudou123
    chouchou nicolas1 jetaime1 loulou123 coucou123 doudoudou
"""
COMMON_PASSWORDS = frozenset(_COMMON_PASSWORDS_TEXT.split())


class AccountError(Exception):
    """A refusal to show to the person (the message is translatable); ``field`` names the form field."""

    def __init__(self, message: LazyString | str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- Passwords ------------------------------------------------------------------------------


def _normalise_password(password: str) -> str:
    """NFKC-normalise so that the same password typed on two keyboards hashes the same."""
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, email: str | None = None) -> LazyString | None:
    """Return why ``password`` is refused, or None (ASVS 6.2: length and breach list only)."""
    text = _normalise_password(password or "")
    if len(text) < PASSWORD_MIN_LENGTH:
        return _l("Use at least %(num)d characters.", num=PASSWORD_MIN_LENGTH)
    if len(text) > PASSWORD_MAX_LENGTH:
        return _l("Use at most %(num)d characters.", num=PASSWORD_MAX_LENGTH)
    lowered = text.casefold()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    local_part = (email or "").casefold().partition("@")[0]
    if (
        lowered in COMMON_PASSWORDS
        or stem in COMMON_PASSWORDS
        or len(set(lowered)) <= 2
        or (local_part and len(local_part) >= 4 and local_part in lowered)
    ):
        return _l("This password is too easy to guess. Try three or four unrelated words.")
    return None


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return hasher().hash(_normalise_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (never raises on a mismatch)."""
    try:
        return hasher().verify(password_hash, _normalise_password(password))
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _dummy_hash(by: PasswordHasher) -> str:
    return by.hash(secrets.token_urlsafe(16))


def _spend_verification_time(password: str) -> None:
    """Verify against a throw-away hash, so an unknown email takes as long as a wrong password."""
    verify_password(_dummy_hash(hasher()), password)


def _check_new_password(user: User, password: str) -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, field="password")


def _set_password(user: User, password: str) -> None:
    """Store a new password; every session issued before it stops working."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None


# --- Accounts -------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Return the stored form of an email address (trimmed, lower-case)."""
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    """Return the account with this email address, if any."""
    address = normalise_email(email)
    if "\x00" in address:  # no address has one, and PostgreSQL text cannot hold it (a 500, not "no account")
        return None
    return db.session.scalar(sa.select(User).where(User.email == address))


def get_user(user_id: int) -> User | None:
    """Return the account with this id, if any (an id no INTEGER column holds is no account, not an error)."""
    if not 0 < user_id < 2**31:
        return None
    return db.session.get(User, user_id)


def list_users() -> list[User]:
    """Every account, active ones first, then by email."""
    return list(db.session.scalars(sa.select(User).order_by(User.is_active.desc(), User.email)))


def create_user(email: str, role: str, password: str | None = None) -> User:
    """Create an account; without a password, the person sets one through a link."""
    address = normalise_email(email)
    if not address or len(address) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(address):
        raise AccountError(_l("Enter an email address like name@example.org."), field="email")
    if role not in ROLES:
        raise AccountError(_l("Choose a role."), field="role")
    if find_user(address):
        raise AccountError(_l("An account with this email address already exists."), field="email")
    user = User(email=address, role=role, is_active=True, session_version=1, failed_logins=0)
    if password is not None:
        _check_new_password(user, password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # created at the same moment elsewhere
        db.session.rollback()
        raise AccountError(_l("An account with this email address already exists."), field="email") from None
    log.info("Account %s created with role %s", user.id, role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account matching the credentials, else None.

    Unknown address, no password yet, wrong password, locked or deactivated account:
    all return None after the same argon2 work, so neither the answer nor its timing
    says whether an account exists.  ``LOCKOUT_THRESHOLD`` wrong passwords in a row
    lock the account for ``LOCKOUT_MINUTES``.
    """
    user = find_user(email) if email else None
    if user is None or user.password_hash is None:
        _spend_verification_time(password)
        log.info("Sign-in failed: unknown account or no password set%s", f" (account {user.id})" if user else "")
        return None
    now = utcnow()
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > now:
        _spend_verification_time(password)
        log.warning("Sign-in refused: account %s is locked", user.id)
        return None
    if not verify_password(user.password_hash, password):
        _record_failure(user, now)
        return None
    if not user.is_active:
        log.warning("Sign-in refused: account %s is deactivated", user.id)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    log.info("Sign-in succeeded: account %s", user.id)
    return user


def _record_failure(user: User, now: datetime) -> None:
    """Count a wrong password atomically; lock the account at the threshold."""
    config = current_app.config
    db.session.execute(sa.update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    failures = db.session.scalar(sa.select(User.failed_logins).where(User.id == user.id)) or 0
    if failures >= config["LOCKOUT_THRESHOLD"]:
        until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
        db.session.execute(sa.update(User).where(User.id == user.id).values(failed_logins=0, locked_until=until))
        log.warning("Sign-in failed: account %s locked after %s wrong passwords", user.id, failures)
    else:
        log.info("Sign-in failed: wrong password for account %s (%s in a row)", user.id, failures)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in person's password; every other session ends."""
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > utcnow():
        _spend_verification_time(current_password)
        raise AccountError(_l("Your current password is not right."), field="current_password")
    if not user.password_hash or not verify_password(user.password_hash, current_password):
        _record_failure(user, utcnow())
        raise AccountError(_l("Your current password is not right."), field="current_password")
    _check_new_password(user, new_password)
    _set_password(user, new_password)
    db.session.commit()
    log.info("Password changed: account %s", user.id)


def deactivate(user: User) -> None:
    """Disable an account: its sessions and unused links stop working at once."""
    user.is_active = False
    user.session_version += 1
    _void_links(user)
    db.session.commit()
    log.info("Account %s deactivated", user.id)


def sign_out_everywhere(user: User) -> None:
    """End every session of this account (the cookies' session_version no longer matches)."""
    db.session.execute(sa.update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    db.session.commit()
    db.session.refresh(user)
    log.info("Sessions ended: account %s", user.id)


# --- One-time set-password links --------------------------------------------------------------


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) of a link token: the only form that is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _void_links(user: User) -> None:
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


def issue_reset(user: User, valid_for: timedelta | None = None) -> str:
    """Create a one-time set-password link token for ``user`` and return it (shown once).

    Older unused links of the account stop working.  The default lifetime is
    ``RESET_LINK_MINUTES``; invitations of new accounts pass ``INVITE_LINK_HOURS``.
    """
    if not user.is_active:
        raise AccountError(_l("This account is deactivated."))
    if valid_for is None:
        valid_for = timedelta(minutes=current_app.config["RESET_LINK_MINUTES"])
    _void_links(user)
    token = secrets.token_urlsafe(32)  # 256 bits
    now = utcnow()
    link = PasswordReset(user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + valid_for)
    db.session.add(link)
    db.session.commit()
    log.info("Set-password link issued: account %s", user.id)
    return token


def invitation_lifetime() -> timedelta:
    """How long the set-password link of a new account stays valid."""
    return timedelta(hours=current_app.config["INVITE_LINK_HOURS"])


def find_reset(token: str) -> PasswordReset | None:
    """Return the unused, unexpired link for ``token`` whose account is active, else None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if reset is None or reset.used_at is not None or not reset.user.is_active:
        return None
    expires_at = as_utc(reset.expires_at)
    if expires_at is None or expires_at <= utcnow():
        return None
    return reset


def use_reset(token: str, new_password: str) -> User:
    """Set a new password through a one-time link; the link cannot be used again."""
    reset = find_reset(token)
    if reset is None:
        raise AccountError(_l("This link has expired or was already used."), field="token")
    user = reset.user
    _check_new_password(user, new_password)
    # Claim the link atomically: of two simultaneous uses, only one updates the row.
    claimed = cast(
        "sa.CursorResult[Any]",  # an UPDATE's result; scoped_session.execute is typed as returning Result
        db.session.execute(
            sa.update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=utcnow())
        ),
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AccountError(_l("This link has expired or was already used."), field="token")
    _set_password(user, new_password)
    db.session.commit()
    log.info("Password set through a link: account %s", user.id)
    return user


# --- Optional e-mail ------------------------------------------------------------------------------


def mail_enabled() -> bool:
    """True when ``MAIL_SERVER`` is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_link(user: User, url: str) -> bool:
    """E-mail a set-password link (bilingual text) when ``MAIL_SERVER`` is set; True if sent."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return False
    message = EmailMessage()
    message["Subject"] = "Set your password / Définissez votre mot de passe"
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    message.set_content(
        "Use this one-time link to set your password for the Settlement Digital Capacity Benchmark:\n"
        f"{url}\n\nIt works once and expires soon. If you did not expect it, ignore this message.\n\n"
        "Utilisez ce lien à usage unique pour définir votre mot de passe pour le Repère des capacités "
        f"numériques en établissement :\n{url}\n\nIl ne fonctionne qu'une fois et expire bientôt. "
        "Si vous ne l'attendiez pas, ignorez ce message.\n"
    )
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_STARTTLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Could not e-mail a set-password link to account %s: %s", user.id, type(error).__name__)
        return False
    log.info("Set-password link e-mailed to account %s", user.id)
    return True
