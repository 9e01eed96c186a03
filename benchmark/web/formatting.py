"""Numbers and dates formatted for the page's language once, then kept: Flask-Babel's formatters with a memory.

A results page formats some sixty peer figures (``format_decimal``) and a few dates
(``format_date``); each call goes through Flask-Babel's request-context look-ups and Babel's
pattern machinery.  The same figures come back on every organisation's page of a release, so
:func:`format_decimal` and :func:`format_date` here keep each result, per app, under everything
it depends on: the value (its type and exact ``repr``, so ``1``, ``1.0`` and ``Decimal("1.00")``
stay apart), the format, the locale and the time zone (dates); the tables are the app's (its
configured date formats are its own).
A kept entry is a pure function of its key (a number or a date in, its text out), so it cannot
carry anything of one page into another.  Bounded: :data:`SIZE` entries per kind and app, the
whole table dropped when full (the figures of a release fill it again at once).

Templates get them through :func:`formatters` (``render_template(..., **formatters())``), which
shadows Flask-Babel's globals for that render only.  ``tests/web/test_results_fast_parts.py``
compares a page rendered with them to one rendered with Flask-Babel's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_babel
from flask import Flask, current_app

#: Entries kept per kind (numbers, dates) and app.
SIZE = 4096


def _table(app: Flask, kind: str) -> dict[tuple[Any, ...], str]:
    tables: dict[str, dict[tuple[Any, ...], str]] | None = app.extensions.get("formatted")
    if tables is None:
        tables = app.extensions.setdefault("formatted", {"number": {}, "date": {}})
    return tables[kind]


def format_decimal(number: Any, format: str | None = None) -> str:  # noqa: A002 (Flask-Babel's signature)
    """``flask_babel.format_decimal``, kept per value, format and locale."""
    return _decimal(str(flask_babel.get_locale()))(number, format)


def format_date(date: Any = None, format: str | None = None, rebase: bool = True) -> str:  # noqa: A002
    """``flask_babel.format_date``, kept per date, format, rebasing, locale and time zone."""
    return _date(str(flask_babel.get_locale()), str(flask_babel.get_timezone()))(date, format, rebase)


def _decimal(locale: str) -> Callable[..., str]:
    table = _table(current_app, "number")

    def format_decimal(number: Any, format: str | None = None) -> str:  # noqa: A002
        key = (type(number), repr(number), format, locale)
        text = table.get(key)
        if text is None:
            text = _keep(table, key, str(flask_babel.format_decimal(number, format)))
        return text

    return format_decimal


def _date(locale: str, zone: str) -> Callable[..., str]:
    table = _table(current_app, "date")

    def format_date(date: Any = None, format: str | None = None, rebase: bool = True) -> str:  # noqa: A002
        if date is None:  # "today": never kept
            return str(flask_babel.format_date(date, format, rebase))
        key = (type(date), repr(date), format, rebase, locale, zone)
        text = table.get(key)
        if text is None:
            text = _keep(table, key, str(flask_babel.format_date(date, format, rebase)))
        return text

    return format_date


def _keep(table: dict[tuple[Any, ...], str], key: tuple[Any, ...], text: str) -> str:
    if len(table) >= SIZE:
        table.clear()
    table[key] = text
    return text


def formatters() -> dict[str, Callable[..., str]]:
    """The keeping formatters, for the current locale and time zone, under the names templates call.

    To pass to ``render_template`` (they shadow Flask-Babel's globals for that render): the locale
    and time zone are read once here, not at every call.
    """
    locale = str(flask_babel.get_locale())
    return {"format_decimal": _decimal(locale), "format_date": _date(locale, str(flask_babel.get_timezone()))}


def clear(app: Flask | None = None, kinds: tuple[str, ...] = ("number", "date")) -> None:
    """Forget the kept texts of ``app`` (the current app by default): numbers, dates, or both."""
    tables: dict[str, dict[tuple[Any, ...], str]] | None = (app or current_app).extensions.get("formatted")
    if tables is not None:
        for kind in kinds:
            tables[kind].clear()
