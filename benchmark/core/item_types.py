"""Questionnaire item types as a registry: one class per ``type:`` of ``questionnaire.yaml``.

Each :class:`ItemKind` holds what differs between item types, so that the rest of the
core asks the item (``item.kind.describe(…)``) instead of branching on ``item.type``:

* the shape of a definition (options, rows, anchors) checked by the loader;
* the stored form of an answer: the answer keys of an item (one per matrix row) and
  :meth:`ItemKind.check` (is a stored value valid?), shared by
  :func:`benchmark.core.questionnaire.check_answer` and the CSV import;
* :meth:`ItemKind.describe` (a stored answer as readable text);
* :meth:`ItemKind.normalise` (a submitted form value to its stored form) and
  :meth:`ItemKind.from_text` (a CSV cell to a stored value);
* :meth:`ItemKind.selection` (the option ids an answer selects, for scoring).

Adding an item type is one class decorated with :func:`register`.  Other layers attach
their own per-type behaviour (a form-field builder, a template macro …) with a
:class:`TypeTable`, which can check that every registered type has an entry.

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

if TYPE_CHECKING:
    from benchmark.core.questionnaire.model import Item

#: A stored answer: an option id, a list of option ids, or a 0–10 integer.
AnswerValue = str | int | list[str]
#: Answer option ids that count as "missing" for scoring (never as an answer).
MISSING_OPTION_IDS: frozenset[str] = frozenset({"dont_know"})

_INTEGER = re.compile(r"^[+-]?[0-9]+$")


class ItemKind:
    """The behaviour of one item type; subclasses set :attr:`name` and override what differs.

    The defaults describe a choice among the item's own options, stored as one option id.
    """

    #: The ``type:`` value in the data file.
    name: ClassVar[str]
    #: The item lists its own options (a 0–10 scale does not).
    has_options: ClassVar[bool] = True
    #: The item has rows, each answered on the item's options (a matrix).
    has_rows: ClassVar[bool] = False
    #: The item has ``anchors: {min, max}`` (a 0–10 scale).
    has_anchors: ClassVar[bool] = False
    #: An answer selects several options (stored as a list of option ids).
    multiple: ClassVar[bool] = False
    #: An answer is a number (compared with ``gte``/``lte`` … in rules), not an option id.
    numeric: ClassVar[bool] = False
    #: One answer per item, chosen among its options (single or multiple choice): what a fact may be.
    choice: ClassVar[bool] = True
    #: The fewest options a definition needs.
    min_options: ClassVar[int] = 2

    def too_few_options(self) -> str:
        """The loader's message when a definition has fewer than :attr:`min_options` options."""
        return f"a {self.name} item needs at least two options"

    def answer_keys(self, item: Item) -> tuple[str, ...]:
        """Return the keys under which ``item``'s answers are stored (its own id by default)."""
        return (item.id,)

    def check(self, item: Item, value: object) -> str | None:
        """Check one stored answer (for a matrix: one row's answer) against ``item``.

        :return: None when valid, otherwise an error code (``"unknown_option"``,
            ``"out_of_range"``, ``"wrong_type"``, ``"exclusive"``, ``"duplicate"``, ``"empty"``).
        """
        if not isinstance(value, str):
            return "wrong_type"
        return None if item.option(value) is not None else "unknown_option"

    def describe(self, item: Item, value: object, lang: str) -> str | None:
        """Return a stored answer as text in ``lang``: option labels joined with "; " (None when none is known)."""
        if value is None:
            return None
        ids = value if isinstance(value, list) else [value]
        labels = [option.label.get(lang) for option_id in ids if (option := item.option(str(option_id)))]
        return "; ".join(labels) if labels else None

    def normalise(self, data: object) -> AnswerValue | None:
        """Convert a validated submitted value to its stored form (None = no answer)."""
        return str(data) if data else None

    def from_text(self, text: str) -> AnswerValue:
        """Read a stored value from its text form (a CSV cell); check it with :meth:`check`.

        :raises ValueError: when the text cannot be a value of this type at all; its message
            completes the sentence "'TEXT' …" (e.g. ``is not a whole number from 0 to 10``).
        """
        return text

    def selection(self, value: object) -> frozenset[str] | None:
        """Return the option ids a stored answer selects, or None when it is not an answer of this type."""
        return frozenset({value}) if isinstance(value, str) else None

    def countable_values(self, item: Item) -> tuple[str, ...]:
        """Return the values a share of respondents can attach to (never "I don't know")."""
        return tuple(option.id for option in item.options if not option.missing)


_KINDS: dict[str, ItemKind] = {}
K = TypeVar("K", bound=ItemKind)


def register(kind: type[K]) -> type[K]:
    """Class decorator: register an item type under its :attr:`ItemKind.name`.

    :raises ValueError: if another class already has that name.
    """
    if kind.name in _KINDS:
        raise ValueError(f"item type {kind.name!r} is already registered")
    _KINDS[kind.name] = kind()
    return kind


def unregister(name: str) -> None:
    """Remove a registered item type (for tests that register one of their own)."""
    del _KINDS[name]


def get(name: str) -> ItemKind:
    """Return the item type registered as ``name``.

    :raises KeyError: if there is none.
    """
    return _KINDS[name]


def names() -> frozenset[str]:
    """Return the names of every registered item type."""
    return frozenset(_KINDS)


def check_multi_selection(item: Item, selected: Sequence[str]) -> str | None:
    """Check a multiple-choice selection: known ids, no repeats, exclusive options alone."""
    if not selected:
        return "empty"
    if len(set(selected)) != len(selected):
        return "duplicate"
    options = [item.option(option_id) for option_id in selected]
    if any(option is None for option in options):
        return "unknown_option"
    if len(selected) > 1 and any(option is not None and option.exclusive for option in options):
        return "exclusive"
    return None


@register
class Single(ItemKind):
    """Single choice: one option id."""

    name = "single"


@register
class Multi(ItemKind):
    """Multiple choice: a non-empty list of distinct option ids; an exclusive option stands alone."""

    name = "multi"
    multiple = True

    def check(self, item: Item, value: object) -> str | None:
        """See :meth:`ItemKind.check`; a selection is checked by :func:`check_multi_selection`."""
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "wrong_type"
        return check_multi_selection(item, cast(list[str], value))

    def normalise(self, data: object) -> AnswerValue | None:
        """A repeated box counts once; an empty selection is no answer."""
        if not data:
            return None
        return list(dict.fromkeys(cast(list[str], data)))

    def from_text(self, text: str) -> AnswerValue:
        """Option ids separated by ``|`` (spaces around each removed)."""
        return [part.strip() for part in text.split("|")]

    def selection(self, value: object) -> frozenset[str] | None:
        """The selected ids, or None for anything but a non-empty list of strings."""
        if not isinstance(value, list) or not value or any(not isinstance(v, str) for v in value):
            return None
        return frozenset(cast(list[str], value))


@register
class Scale0To10(ItemKind):
    """A 0–10 scale with two anchors: an integer."""

    name = "scale_0_10"
    has_options = False
    has_anchors = True
    numeric = True
    choice = False
    min_options = 0
    #: The values a share can attach to, as text.
    POINTS: ClassVar[tuple[str, ...]] = tuple(str(point) for point in range(11))

    def too_few_options(self) -> str:
        """A scale takes no options at all."""
        return "a 0–10 scale takes anchors, not options"

    def check(self, item: Item, value: object) -> str | None:
        """See :meth:`ItemKind.check`: an integer (not a boolean) from 0 to 10."""
        if isinstance(value, bool) or not isinstance(value, int):
            return "wrong_type"
        return None if 0 <= value <= 10 else "out_of_range"

    def describe(self, item: Item, value: object, lang: str) -> str | None:
        """``"7 / 10"``."""
        return None if value is None else f"{value} / 10"

    def normalise(self, data: object) -> AnswerValue | None:
        """The submitted text as an integer."""
        return int(cast(str, data)) if data else None

    def from_text(self, text: str) -> AnswerValue:
        """A whole number (range checked by :meth:`check`)."""
        if not _INTEGER.match(text):
            raise ValueError("is not a whole number from 0 to 10")
        return int(text)

    def selection(self, value: object) -> frozenset[str] | None:
        """A scale selects no option (the rubric does not score it)."""
        return None

    def countable_values(self, item: Item) -> tuple[str, ...]:
        """The eleven points ``"0"`` … ``"10"``."""
        return self.POINTS


@register
class Matrix(ItemKind):
    """Rows answered on a shared scale (the item's options); one stored option id per row."""

    name = "matrix"
    has_rows = True
    choice = False

    def too_few_options(self) -> str:
        """The options of a matrix are its scale."""
        return "a matrix needs a scale of at least two options"

    def answer_keys(self, item: Item) -> tuple[str, ...]:
        """One key per row: ``"<item>.<row>"``."""
        return tuple(f"{item.id}.{row.id}" for row in item.rows)


T = TypeVar("T")


class TypeTable(Generic[T]):
    """Per-item-type values kept by another layer (e.g. the web layer's form-field builders).

    ``table = TypeTable[Builder]("form field builder")``, then ``table.register("single", build)``
    or ``@table.entry("single")``; ``table.check_complete()`` at start refuses a registered
    item type without an entry.
    """

    def __init__(self, purpose: str) -> None:
        self.purpose = purpose
        self._values: dict[str, T] = {}

    def register(self, type_name: str, value: T) -> T:
        """Attach ``value`` to a registered item type.

        :raises KeyError: if no item type has that name.
        :raises ValueError: if the type already has an entry.
        """
        if type_name not in _KINDS:
            raise KeyError(f"{self.purpose}: unknown item type {type_name!r}")
        if type_name in self._values:
            raise ValueError(f"{self.purpose}: item type {type_name!r} already has an entry")
        self._values[type_name] = value
        return value

    def entry(self, type_name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`register`."""
        return lambda value: self.register(type_name, value)

    def __getitem__(self, type_name: str) -> T:
        """Return the entry of an item type (:raises KeyError: naming the table's purpose)."""
        try:
            return self._values[type_name]
        except KeyError:
            raise KeyError(f"{self.purpose}: no entry for item type {type_name!r}") from None

    def missing(self) -> list[str]:
        """Return the registered item types that have no entry, sorted."""
        return sorted(set(_KINDS) - set(self._values))

    def check_complete(self) -> None:
        """:raises LookupError: naming the item types without an entry."""
        missing = self.missing()
        if missing:
            raise LookupError(f"{self.purpose}: no entry for item type(s) {', '.join(missing)}")
