"""Shape checks shared by the loaders of the bilingual data files.

Each loader raises its own error (``QuestionnaireError``, ``ScoringError``, ``RulesError``,
``BaselineError``) so that a message names the file at fault; :class:`Shape` binds the
checks to one of them.  Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from benchmark.core.text import LANGUAGES, Text


class Shape:
    """The checks every data-file loader needs, raising ``error`` with the place (``where``) at fault."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def mapping(self, raw: object, where: str) -> Mapping[str, Any]:
        """``raw`` itself, when it is a mapping."""
        if not isinstance(raw, Mapping):
            raise self.error(f"{where}: expected a mapping")
        return cast(Mapping[str, Any], raw)

    def sequence(self, raw: object, where: str) -> list[Any]:
        """``raw`` itself, when it is a list."""
        if not isinstance(raw, list):
            raise self.error(f"{where}: expected a list")
        return raw

    def text(self, raw: object, where: str) -> Text:
        """A :class:`Text` from ``{en: …, fr: …}``, both non-empty, surrounding spaces removed."""
        data = self.mapping(raw, where)
        values = {}
        for lang in LANGUAGES:
            value = data.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise self.error(f"{where}: the {lang.upper()} text is missing")
            values[lang] = value.strip()
        return Text(en=values["en"], fr=values["fr"])

    def unique(self, ids: list[str], kind: str) -> set[str]:
        """The set of ``ids``, refusing a duplicate."""
        seen: set[str] = set()
        for entry_id in ids:
            if entry_id in seen:
                raise self.error(f"{kind} {entry_id}: duplicate id")
            seen.add(entry_id)
        return seen
