"""Shape checks shared by the loaders of the bilingual data files.

Each loader raises its own error (``QuestionnaireError``, ``ScoringError``, ``RulesError``,
``BaselineError``) so that a message names the file at fault; :class:`Shape` binds the
checks to one of them.  Every check takes ``where`` (the entry at fault, e.g.
``item q6: text``) and puts it at the start of its message.  Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from benchmark.core.text import LANGUAGES, Text


class Shape:
    """The checks every data-file loader needs, raising ``error`` with the place (``where``) at fault."""

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

    def text(self, raw: object, where: str) -> Text:
        """A :class:`Text` from ``{en: …, fr: …}``, both non-empty, surrounding spaces removed."""
        data = self.mapping(raw, where)
        values = {}
        for lang in LANGUAGES:
            value = data.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(where, f"the {lang.upper()} text is missing")
            values[lang] = value.strip()
        return Text(en=values["en"], fr=values["fr"])

    def optional_text(self, raw: object, where: str) -> Text | None:
        """None for an absent value, else :meth:`text`."""
        return None if raw is None else self.text(raw, where)

    def optional_str(self, raw: object, where: str) -> str | None:
        """None or a string (any other value is refused)."""
        if raw is None or isinstance(raw, str):
            return raw
        raise self.fail(where, "expected text")

    def nonempty_str(self, raw: object, where: str) -> str:
        """``raw`` itself, when it is a string with something other than spaces."""
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(where, "expected a non-empty string")
        return raw

    def integer(self, raw: object, where: str) -> int:
        """``raw`` itself, when it is an integer (a YAML boolean is not one)."""
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.fail(where, "expected an integer")
        return raw

    def positive_int(self, raw: object, where: str) -> int:
        """``raw`` itself, when it is an integer of at least 1."""
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise self.fail(where, "expected a positive integer")
        return raw

    def flag(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        """The boolean ``data[key]`` (False when absent)."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(where, f"{key} must be true or false")
        return value

    def one_of(self, raw: object, allowed: Iterable[str], where: str, name: str) -> str:
        """``raw`` itself, when it is one of ``allowed``; the message names the field ``name``."""
        choices = sorted(allowed)
        if not isinstance(raw, str) or raw not in choices:
            raise self.fail(where, f"{name} must be one of {choices}")
        return raw

    def identifier(self, raw: object, where: str, pattern: re.Pattern[str]) -> str:
        """``raw`` itself, when it is a string matching ``pattern`` (the message shows the bad id after ``where``)."""
        if not isinstance(raw, str) or not pattern.match(raw):
            raise self.error(f"{where} {raw!r}: id must match {pattern.pattern}")
        return raw

    def known_keys(self, data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        """Refuse a key of ``data`` that is not in ``allowed`` (a likely typo)."""
        unknown = sorted(set(map(str, data)) - set(allowed))
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")

    def unique(self, ids: list[str], kind: str) -> set[str]:
        """The set of ``ids``, refusing a duplicate."""
        seen: set[str] = set()
        for entry_id in ids:
            if entry_id in seen:
                raise self.error(f"{kind} {entry_id}: duplicate id")
            seen.add(entry_id)
        return seen
