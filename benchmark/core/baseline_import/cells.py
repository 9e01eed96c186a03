"""Small cell parsers: whole numbers, shares, answer keys and answers (one row at a time).

:func:`parse_answer` reads one answer from its text form with the item type's
:meth:`~benchmark.core.item_types.ItemKind.from_text` and checks it with
:meth:`~benchmark.core.item_types.ItemKind.check` — the same check as
:func:`benchmark.core.questionnaire.check_answer` — so an imported answer is valid
exactly when a stored one would be.  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from benchmark.core.baseline_import.table import Table, clean
from benchmark.core.item_types import AnswerValue
from benchmark.core.questionnaire import Item, Questionnaire

_DECIMAL = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


class AnswerError(ValueError):
    """An answer that its item does not accept: a stable ``code`` and an English ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_answer(item: Item, text: str, key: str) -> AnswerValue:
    """Read one non-empty answer cell for answer key ``key`` of ``item``.

    :return: the stored form (an option id, a list of option ids or an integer).
    :raises AnswerError: ``not_a_number``, ``scale_range``, ``unknown_option``,
        ``duplicate_option``, ``exclusive_option`` (or ``invalid_answer``).
    """
    try:
        value = item.kind.from_text(text)
    except ValueError as error:
        raise AnswerError("not_a_number", f"'{clean(text)}' {error}") from None
    code = item.kind.check(item, value)
    if code is None:
        return value
    if code == "out_of_range":
        raise AnswerError("scale_range", f"the answer must be from 0 to 10 (got {value})")
    if isinstance(value, list):
        unknown = [part for part in value if item.option(part) is None]
        if unknown:
            shown = ", ".join(repr(clean(part)) for part in unknown)
            raise AnswerError("unknown_option", f"not an option of {item.id}: {shown}")
        if code == "duplicate":
            raise AnswerError("duplicate_option", "an option is listed twice")
        if code == "exclusive":
            exclusive = [part for part in value if (option := item.option(part)) is not None and option.exclusive]
            raise AnswerError("exclusive_option", f"{', '.join(exclusive)} cannot be combined with other options")
    elif code == "unknown_option":
        raise AnswerError("unknown_option", f"'{clean(text)}' is not an option of {key}")
    raise AnswerError("invalid_answer", f"'{clean(text)}' is not a valid answer to {key} ({code})")


def resolve_key(questionnaire: Questionnaire, key: str) -> tuple[Item | None, str]:
    """Return the item of an answer key, or None with the reason."""
    try:
        item, _row = questionnaire.item_for_key(key)
    except KeyError:
        base = questionnaire.items.get(key)
        if base is not None and base.kind.has_rows:
            return None, f"{key} is a matrix: name one of its rows, e.g. {base.answer_keys()[0]}"
        return None, f"'{clean(key)}' is not an item of the questionnaire"
    return item, ""


@dataclass
class RowCells:
    """The good cells of one row, and the parsers that report a bad one on the table."""

    table: Table
    number: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str | None:
        """The cell of ``column`` (None when the file has no such column or the cell was not UTF-8)."""
        return self.cells.get(column)

    def problem(self, column: str, code: str, message: str) -> None:
        """Report a problem in this row's ``column``."""
        self.table.problem(self.number, column, code, message)

    def integer(self, column: str, *, blank_ok: bool) -> int | None:
        """A whole number (None when absent, blank or invalid; a blank cell is reported unless ``blank_ok``)."""
        raw = self.cells.get(column)
        if raw is None:
            return None
        if not raw:
            if not blank_ok:
                self.problem(column, "required", f"the {column} is empty")
            return None
        if not _INTEGER.match(raw):
            self.problem(column, "not_a_number", f"'{clean(raw)}' is not a whole number")
            return None
        return int(raw)

    def share(self, column: str) -> tuple[Fraction, str] | None:
        """A percentage 0–100 with a decimal point, exactly and as written (None when absent or invalid)."""
        raw = self.cells.get(column)
        if raw is None:
            return None
        if not raw:
            self.problem(column, "required", f"the {column} is empty")
        elif not _DECIMAL.match(raw):
            self.problem(column, "not_a_number", f"'{clean(raw)}' is not a number (use a point: 40.7)")
        elif not 0 <= Fraction(raw) <= 100:
            self.problem(column, "share_range", f"the {column} must be between 0 and 100 (got {raw})")
        else:
            return Fraction(raw), raw
        return None

    def answer(self, item: Item, column: str) -> AnswerValue | None:
        """The answer in ``column`` (None when blank or invalid; an invalid one is reported)."""
        raw = self.cells.get(column, "")
        if not raw:
            return None
        try:
            return parse_answer(item, raw, column)
        except AnswerError as error:
            self.problem(column, error.code, error.message)
            return None
