"""Hand-written shape checks for what has no declarative schema: the conditions of ``recommendations.yaml``.

The data files are shaped by msgspec schemas (:mod:`benchmark.core._schema`); a condition is
a registry of kinds that each parse their own keys (:mod:`benchmark.core.rules.conditions`),
so they check their values with these helpers.  :class:`Shape` binds them to the loader's
error (``RulesError``); every check takes ``where`` (the entry at fault, e.g.
``rule r2_privacy: trigger``) and puts it at the start of its message.  Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast


class Shape:
    """The checks condition parsing needs, raising ``error`` with the place (``where``) at fault."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def fail(self, where: str, message: str) -> Exception:
        """Return the loader's error for ``where`` (to be raised by the caller)."""
        return self.error(f"{where}: {message}")

    def mapping(self, raw: object, where: str) -> Mapping[str, Any]:
        """``raw`` itself, when it is a mapping."""
        if not isinstance(raw, Mapping):
            raise self.fail(where, "expected a mapping")
        return cast(Mapping[str, Any], raw)

    def sequence(self, raw: object, where: str) -> list[Any]:
        """``raw`` itself, when it is a list."""
        if not isinstance(raw, list):
            raise self.fail(where, "expected a list")
        return raw

    def strings(self, raw: object, where: str) -> list[str]:
        """``raw`` itself, when it is a list of strings (YAML numbers and booleans are refused)."""
        values = self.sequence(raw, where)
        for value in values:
            if not isinstance(value, str):
                raise self.fail(where, f"{value!r} must be a string (quote it in YAML)")
        return cast(list[str], values)
