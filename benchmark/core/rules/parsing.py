"""What condition parsing validates against, and the reference checks shared by the rule loader.

Every check raises :class:`RulesError` with the entry at fault (``rule r2_privacy: trigger …``).
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from benchmark.core._shape import Shape
from benchmark.core.questionnaire import Item, Questionnaire

#: The integer comparisons a condition may carry (``gte: 5``).
COMPARISONS: Mapping[str, Callable[[int, int], bool]] = {
    "eq": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


class RulesError(ValueError):
    """Raised when a recommendations file breaks a rule; the message names the rule (or entry)."""


shape = Shape(RulesError)


@dataclass(frozen=True)
class Compare:
    """A set of integer comparisons (``gte: 5``, ``lte: 3`` …) that must all hold."""

    ops: tuple[tuple[str, int], ...]

    def check(self, value: int) -> bool:
        """Return True if ``value`` passes every comparison."""
        return all(COMPARISONS[op](value, bound) for op, bound in self.ops)


@dataclass
class ParseContext:
    """What condition parsing validates against: the questionnaire, known dimensions and levels, named sets."""

    questionnaire: Questionnaire
    dimensions: Sequence[str]
    levels: Sequence[int]
    task_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tool_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: How many counting conditions of the rule being parsed carry ``bind: true``.
    binds: int = 0

    def answer_key(self, key: object, where: str) -> Item:
        """Return the item of an answer key (``q6``, ``q8.privacy``), refusing an unknown one."""
        if not isinstance(key, str):
            raise RulesError(f"{where}: answer key {key!r} must be a string")
        item_id = key.partition(".")[0]
        if item_id not in self.questionnaire.items:
            raise RulesError(f"{where}: unknown item {item_id!r}")
        try:
            item, _row = self.questionnaire.item_for_key(key)
        except KeyError:
            raise RulesError(
                f"{where}: unknown answer key {key!r} (a matrix needs item.row, with an existing row)"
            ) from None
        return item

    def item(self, item_id: object, where: str) -> Item:
        """Return an item of the questionnaire by id."""
        item = self.questionnaire.items.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            raise RulesError(f"{where}: unknown item {item_id!r}")
        return item

    def task_set(self, raw: object, where: str) -> tuple[str, ...]:
        """Return the task items of a named set (``ALL``) or of a list of multiple-choice item ids."""
        if isinstance(raw, str):
            if raw not in self.task_sets:
                raise RulesError(f"{where}: unknown task set {raw!r}")
            return self.task_sets[raw]
        tasks = shape.strings(raw, f"{where}: tasks")
        for task in tasks:
            item = self.questionnaire.items.get(task)
            if item is None or not item.kind.multiple:
                raise RulesError(f"{where}: unknown task item {task!r}")
        return tuple(tasks)

    def tool_set(self, raw: object, where: str) -> tuple[str, ...]:
        """Return the tools of a named set (``BASIC``) or of a list of option ids."""
        if isinstance(raw, str):
            if raw not in self.tool_sets:
                raise RulesError(f"{where}: unknown tool set {raw!r}")
            return self.tool_sets[raw]
        return tuple(shape.strings(raw, f"{where}: set"))

    def dimension(self, raw: object, where: str) -> str:
        """Return a known dimension id."""
        if not isinstance(raw, str) or raw not in self.dimensions:
            raise RulesError(f"{where}: unknown dimension {raw!r}")
        return raw

    def bind(self, data: Mapping[str, Any], where: str) -> bool:
        """Read ``bind: true|false`` and count it against the rule's one allowed bind."""
        bind = data.get("bind", False)
        if bind not in (True, False):
            raise RulesError(f"{where}: bind must be true or false")
        if bind:
            self.binds += 1
        return bool(bind)


def options_of(raw: object, item: Item, where: str) -> list[str]:
    """Return a list of option ids of ``item`` (quoted strings, each an option of the item)."""
    values = shape.sequence(raw, where)
    for value in values:
        if not isinstance(value, str):
            raise RulesError(f"{where}: option id {value!r} must be a string (quote it in YAML)")
        if item.option(value) is None:
            raise RulesError(f"{where}: unknown option {value!r} of item {item.id}")
    return cast(list[str], values)


def compare(data: Mapping[str, Any], where: str) -> Compare | None:
    """Return the comparisons (``eq``, ``gte`` …) of a condition, or None when it has none."""
    ops = []
    for op in COMPARISONS:
        if op in data:
            value = data[op]
            if isinstance(value, bool) or not isinstance(value, int):
                raise RulesError(f"{where}: {op} needs an integer")
            ops.append((op, value))
    return Compare(tuple(ops)) if ops else None


def required_compare(data: Mapping[str, Any], where: str) -> Compare:
    """Return the comparisons of a condition that needs at least one."""
    result = compare(data, where)
    if result is None:
        raise RulesError(f"{where}: a comparison (eq, gte, gt, lte, lt) is required")
    return result


def only(data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    """Refuse keys of a condition other than ``allowed``."""
    extra = set(data) - set(allowed)
    if extra:
        raise RulesError(f"{where}: unexpected key(s) {sorted(map(str, extra))}")
