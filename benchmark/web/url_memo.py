"""``url_for`` for a page's many links, each address's shape built once per process.

A results page builds some twenty links: the site's pages (no argument) and the private
page's own addresses (one argument, the private token).  Werkzeug's URL building costs about as
much as rendering a table row, and its result depends only on the endpoint, the language prefix,
the script root and the host, besides the arguments.  :func:`url_builder` returns a ``url_for``
that keeps, per app and under all of those:

* the whole address of an endpoint built without arguments;
* for ``token=<a private token>``: the address built with a stand-in token, split around it, so
  any token is put in by joining strings (a token is URL-safe: ``[A-Za-z0-9_-]``, never quoted);
  with other arguments too (a questionnaire page's id, ``saved=1``) when each is a number or a
  short URL-safe word, kept under their values.

Anything else (other arguments, ``_anchor``, ``_external``…, no language prefix) goes to Flask's
``url_for`` unchanged.  A kept entry holds no token and nothing of a visitor: only the address's
fixed parts.  ``tests/web/test_results_fast_parts.py`` compares every kept shape with Flask's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, url_for

#: A private token's shape (43 URL-safe characters, as benchmark.store.assessments.TOKEN_PATTERN).
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: Other arguments an address's shape may be kept under: numbers and short URL-safe words (page and item ids).
WORD = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The stand-in token an address's shape is built with.
STAND_IN = "Q" * 21 + "_" + "Z" * 21
#: Shapes kept per app (a few dozen endpoints, two languages).
SIZE = 512


def _table(name: str) -> dict[tuple[Any, ...], Any]:
    tables: dict[str, dict[tuple[Any, ...], Any]] = current_app.extensions.setdefault("url_memo", {})
    return tables.setdefault(name, {})


def _kept(table: dict[tuple[Any, ...], Any], key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    value = table.get(key)
    if value is None:
        value = make()
        if len(table) >= SIZE:
            table.clear()
        table[key] = value
    return value


def url_builder() -> Callable[..., str]:
    """A ``url_for`` for one render (to pass to ``render_template``): shapes kept, everything else Flask's."""
    lang_code = g.get("lang_code")
    place = (request.blueprint, lang_code, request.script_root, request.host)
    plain, shaped = _table("plain"), _table("shaped")

    def fast_url_for(endpoint: str, **values: Any) -> str:
        if lang_code is None:
            return url_for(endpoint, **values)
        if not values:
            return str(_kept(plain, (endpoint, *place), lambda: url_for(endpoint)))
        token = values.get("token")
        if isinstance(token, str) and TOKEN.fullmatch(token):
            others = tuple(sorted((name, value) for name, value in values.items() if name != "token"))
            if all(_word(value) for _name, value in others):
                prefix, suffix = _kept(shaped, (endpoint, others, *place), lambda: _shape(endpoint, others))
                return prefix + token + suffix if prefix is not None else url_for(endpoint, **values)
        return url_for(endpoint, **values)

    return fast_url_for


def _word(value: Any) -> bool:
    return (type(value) is int) or (isinstance(value, str) and WORD.fullmatch(value) is not None)


def _shape(endpoint: str, others: tuple[tuple[str, Any], ...] = ()) -> tuple[str | None, str | None]:
    built = url_for(endpoint, token=STAND_IN, **dict(others))
    if built.count(STAND_IN) != 1:
        return None, None  # never the case for a plain ``<token>`` rule; Flask builds each one then
    prefix, suffix = built.split(STAND_IN)
    return prefix, suffix
