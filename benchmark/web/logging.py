"""Keep private-link tokens out of every log record.

Private links carry their token in the URL path (``/en/assessment/<token>/…``,
``/en/results/<token>``, ``/en/workshops/consent/<token>/…``, board links ``/en/shared/<token>``,
and staff set-password links ``/en/account/reset/<token>``).  Access logs (gunicorn
``--access-logfile``, Werkzeug's development server) and error messages such as Flask's "Exception on
<path>" would otherwise write those tokens to disk, where anyone reading the logs
could open the assessment.

:func:`init_app` replaces the token with ``[redacted]`` in every record:

* a :class:`RedactTokens` filter on the root, ``werkzeug``, ``gunicorn.error``,
  ``gunicorn.access`` and app loggers, and on their handlers (a handler filter also
  sees records propagated from child loggers, which a logger filter does not);
* the same redaction in the log record factory, so records created by any other
  logger (a library's, ``benchmark.staff.accounts``) are clean before any handler sees them.

Answers and e-mail addresses are never logged in the first place (tested by
``tests/web/test_privacy.py``); SQL parameters are hidden by the engine option
``hide_parameters`` (see :mod:`benchmark.config`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask

#: ``/<segment>/<43-character token>``, where the token is not part of a longer run of token characters.
TOKEN_PATH = re.compile(r"/(assessment|results|consent|reset|shared|team|join)/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = "[redacted]"
LOGGER_NAMES = ("", "werkzeug", "gunicorn", "gunicorn.error", "gunicorn.access")


def redact(text: str) -> str:
    """Replace private-link tokens in URL paths with ``[redacted]``."""
    if "/" not in text:
        return text
    return TOKEN_PATH.sub(lambda match: f"/{match.group(1)}/{REDACTED}", text)


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: its formatted message, and its traceback text."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is reported by logging itself, later
        return
    clean = redact(message)
    if clean != message:
        record.msg = clean
        record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens and lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_FILTER = RedactTokens()


def init_app(app: Flask) -> None:
    """Install the redaction on the usual loggers, their handlers and the record factory (idempotent)."""
    app.extensions["log_redaction"] = _FILTER
    for logger in [logging.getLogger(name) for name in LOGGER_NAMES] + [app.logger]:
        _add_filter(logger)
        for handler in logger.handlers:
            _add_filter(handler)
    _install_record_factory()


def _add_filter(target: logging.Filterer) -> None:
    if not any(isinstance(existing, RedactTokens) for existing in target.filters):
        target.addFilter(_FILTER)


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
