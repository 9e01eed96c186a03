"""Constant response headers checked once, then put on responses without Werkzeug checking them again.

Werkzeug's ``Headers.add`` and ``Headers.set`` check every value for newlines (a regular expression)
each time, and ``set`` scans the list once per name: a kept page pays about twenty such calls for the
same constant values (issue 18).  A :class:`CheckedHeaders` is checked by Werkzeug when it is made
(at import) and then appended to a response's list in one step, with the same result as the public
calls it replaces: :func:`add_all` as ``add`` per pair, :func:`set_all` as ``set`` per pair
(``Headers.update`` with a dict).  ``tests/web/test_response_headers.py`` compares whole responses
with what the public calls give.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.datastructures import Headers


class CheckedHeaders:
    """``(name, value)`` pairs whose values Werkzeug has checked once, and their lower-case names."""

    __slots__ = ("lowered", "pairs")

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        checked = Headers(pairs)  # raises ValueError, as add() would, on a value with a newline
        self.pairs: tuple[tuple[str, str], ...] = tuple(checked.items())
        self.lowered = frozenset(name.lower() for name, _ in self.pairs)


def names(headers: Headers) -> set[str]:
    """The lower-case names present in ``headers``."""
    return {name.lower() for name, _ in headers._list}


def add_all(headers: Headers, checked: CheckedHeaders) -> None:
    """``headers.add(name, value)`` for each pair, in order."""
    headers._list.extend(checked.pairs)


def set_all(headers: Headers, checked: CheckedHeaders) -> None:
    """``headers.set(name, value)`` for each pair, in order (what ``headers.update(dict)`` does).

    When none of the names is present (the usual case) every ``set`` appends, so the pairs are
    appended in one step; otherwise each is set as Werkzeug sets it.
    """
    if checked.lowered.isdisjoint(names(headers)):
        headers._list.extend(checked.pairs)
        return
    for name, value in checked.pairs:
        headers.set(name, value)


def set_checked(headers: Headers, name: str, value: str) -> None:
    """``headers.set(name, value)`` for a ``value`` made of checked values and constants (no newline).

    The usual cases, no such header or one, are done here; several are left to Werkzeug.
    """
    lowered = name.lower()
    found = [index for index, (key, _) in enumerate(headers._list) if key.lower() == lowered]
    if not found:
        headers._list.append((name, value))
    elif len(found) == 1:
        headers._list[found[0]] = (name, value)
    else:
        headers.set(name, value)


#: A private page's headers (results, plan): never indexed, never stored by a shared cache.
PRIVATE = CheckedHeaders((("Cache-Control", "private, no-store"), ("X-Robots-Tag", "noindex, nofollow")))
#: The same for a page whose address carries a link to pass on (team, board share): no referrer either.
PRIVATE_NO_REFERRER = CheckedHeaders((*PRIVATE.pairs, ("Referrer-Policy", "no-referrer")))
