"""The condition language of ``recommendations.yaml`` as a registry of small classes.

Each kind of condition is one frozen dataclass that subclasses :class:`Condition`, names
its YAML key (:attr:`Condition.keyword`) and the other keys it accepts
(:attr:`Condition.options`), parses itself from the YAML mapping (:meth:`Condition.parse`)
and evaluates itself against answers and a profile (:meth:`Condition.evaluate`).
:func:`register_condition` adds it to :data:`CONDITIONS`; :func:`parse_condition` picks
the first registered kind whose key the mapping has.  Adding a condition kind is one class.

A condition on a skipped answer, a ``dont_know`` answer or a null level is false — rules
never fire on missing data (the one explicit exception: an ``in:`` list that names
``dont_know`` matches that answer).

Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, cast

from benchmark.core.rules.context import Bound, Context, Match, is_answered, selected_ids
from benchmark.core.rules.parsing import (
    COMPARISONS,
    Compare,
    ParseContext,
    RulesError,
    only,
    options_of,
    required_compare,
    shape,
)
from benchmark.core.rules.parsing import compare as optional_compare

# --------------------------------------------------------------------------- the registry


class Condition(ABC):
    """One kind of condition: its YAML key, the keys it accepts, its parser and its evaluation."""

    #: The key that selects this kind in a YAML mapping (``answer``, ``all_of`` …).
    keyword: ClassVar[str]
    #: The other keys a condition of this kind may carry.
    options: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def allowed_keys(cls) -> frozenset[str] | None:
        """The keys a mapping of this kind may have (None: the kind checks them itself)."""
        return frozenset({cls.keyword, *cls.options})

    @classmethod
    @abstractmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """Build the condition from its YAML mapping, validating every reference.

        :raises RulesError: naming ``where``.
        """

    @abstractmethod
    def evaluate(self, ctx: Context) -> Match | None:
        """Return the evidence when the condition holds for ``ctx``, else None."""


#: Registered condition kinds by YAML key, in the order :func:`parse_condition` tries them.
CONDITIONS: dict[str, type[Condition]] = {}
C = TypeVar("C", bound=type[Condition])


def register_condition(kind: C) -> C:
    """Class decorator: register a condition kind under its :attr:`Condition.keyword`.

    :raises ValueError: if another kind already has that key.
    """
    if kind.keyword in CONDITIONS:
        raise ValueError(f"condition keyword {kind.keyword!r} is already registered")
    CONDITIONS[kind.keyword] = kind
    return kind


def parse_condition(raw: object, parser: ParseContext, where: str) -> Condition:
    """Parse one condition of the rule language (see the header of ``recommendations.yaml``).

    The first registered kind (:data:`CONDITIONS`) whose key the mapping has parses it.
    Forms: ``all_of``/``any_of`` lists; ``answer`` with ``in``/``not_in``/comparisons/``answered``;
    ``count_selected`` with ``excluding`` and comparisons; ``answered_tasks`` and ``tools``
    with comparisons; ``level`` with ``in``; ``score`` with comparisons.

    :raises RulesError: naming ``where`` when no kind matches or the condition is invalid.
    """
    data = shape.mapping(raw, where)
    for keyword, kind in CONDITIONS.items():
        if keyword in data:
            allowed = kind.allowed_keys()
            if allowed is not None:
                only(data, allowed, where)
            return kind.parse(data, parser, where)
    raise RulesError(f"{where}: unknown condition {dict(data)!r}")


def _parts(data: Mapping[str, Any], op: str, parser: ParseContext, where: str) -> tuple[Condition, ...]:
    parts = tuple(parse_condition(c, parser, f"{where}: {op}") for c in shape.sequence(data[op], f"{where}: {op}"))
    if not parts:
        raise RulesError(f"{where}: {op} is empty")
    return parts


# --------------------------------------------------------------------------- condition kinds


@register_condition
@dataclass(frozen=True)
class AllOf(Condition):
    """Every sub-condition holds."""

    keyword: ClassVar[str] = "all_of"
    conditions: tuple[Condition, ...]

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``all_of: [condition, …]`` (at least one)."""
        return cls(_parts(data, cls.keyword, parser, where))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return the merged evidence, or None if any sub-condition is false."""
        result = Match()
        for condition in self.conditions:
            match = condition.evaluate(ctx)
            if match is None:
                return None
            result = result.merge(match)
        return result


@register_condition
@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one sub-condition holds (evidence of every true branch is kept)."""

    keyword: ClassVar[str] = "any_of"
    conditions: tuple[Condition, ...]

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``any_of: [condition, …]`` (at least one)."""
        return cls(_parts(data, cls.keyword, parser, where))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return the merged evidence of the true branches, or None if none is true."""
        result: Match | None = None
        for condition in self.conditions:
            match = condition.evaluate(ctx)
            if match is not None:
                result = match if result is None else result.merge(match)
        return result


@register_condition
@dataclass(frozen=True)
class AnswerCondition(Condition):
    """A condition on one answer key: ``in``, ``not_in``, comparisons or ``answered``."""

    keyword: ClassVar[str] = "answer"
    options: ClassVar[frozenset[str]] = frozenset({"in", "not_in", "answered", *COMPARISONS})
    key: str
    in_: frozenset[str] | None = None
    not_in: frozenset[str] | None = None
    compare: Compare | None = None
    answered: bool = False

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``answer: KEY`` with ``in``/``not_in`` (choice items), comparisons (0–10 scales) or ``answered: true``."""
        key = data["answer"]
        item = parser.answer_key(key, where)
        in_ = frozenset(options_of(data["in"], item, where)) if "in" in data else None
        not_in = frozenset(options_of(data["not_in"], item, where)) if "not_in" in data else None
        compare = optional_compare(data, where)
        if compare is not None and not item.kind.numeric:
            raise RulesError(f"{where}: comparisons need a 0–10 scale item, {item.id} is {item.type}")
        if (in_ is not None or not_in is not None) and item.kind.numeric:
            raise RulesError(f"{where}: in/not_in need a choice item, {item.id} is a 0–10 scale")
        answered = data.get("answered", False)
        if answered not in (True, False):
            raise RulesError(f"{where}: answered must be true or false")
        if in_ is None and not_in is None and compare is None and not answered:
            raise RulesError(f"{where}: an answer condition needs in, not_in, a comparison or answered: true")
        return cls(cast(str, key), in_, not_in, compare, bool(answered))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence ``(key,)`` when the condition holds; None otherwise or when missing."""
        raw = ctx.answers.get(self.key)
        if raw is None:
            return None
        ok = True
        if self.in_ is not None:
            if isinstance(raw, str):
                ok = raw in self.in_
            else:
                selection = selected_ids(raw)
                ok = selection is not None and bool(set(selection) & self.in_)
        if ok and self.not_in is not None:
            if not is_answered(raw):
                return None
            selected = {raw} if isinstance(raw, str) else set(selected_ids(raw) or ())
            ok = not selected & self.not_in
        if ok and self.compare is not None:
            ok = isinstance(raw, int) and not isinstance(raw, bool) and self.compare.check(raw)
        if ok and self.answered:
            ok = is_answered(raw)
        return Match((self.key,)) if ok else None


@register_condition
@dataclass(frozen=True)
class CountSelected(Condition):
    """The number of options selected in a multi item, leaving some out, passes comparisons."""

    keyword: ClassVar[str] = "count_selected"
    options: ClassVar[frozenset[str]] = frozenset({"excluding", "bind", *COMPARISONS})
    item: str
    excluding: frozenset[str]
    compare: Compare
    bind: bool = False
    order: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``count_selected: ITEM`` (a multiple-choice item) with ``excluding``, comparisons and ``bind``."""
        item = parser.item(data["count_selected"], where)
        if not item.kind.multiple:
            raise RulesError(f"{where}: count_selected needs a multi item, {item.id} is {item.type}")
        excluding = options_of(data.get("excluding", []), item, where)
        return cls(
            item.id,
            frozenset(excluding),
            required_compare(data, where),
            parser.bind(data, where),
            order=tuple(o.id for o in item.options),
        )

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence when the count passes; None when the item is missing or the count fails."""
        raw = ctx.answers.get(self.item)
        if not is_answered(raw):
            return None
        selected = set(selected_ids(raw) or ()) - self.excluding
        if not self.compare.check(len(selected)):
            return None
        options = tuple(o for o in self.order if o in selected)
        return Match((self.item,), Bound(len(selected), options, self.item) if self.bind else None)


@register_condition
@dataclass(frozen=True)
class AnsweredTasks(Condition):
    """The number of answered task items of a set passes comparisons."""

    keyword: ClassVar[str] = "answered_tasks"
    options: ClassVar[frozenset[str]] = frozenset(COMPARISONS)
    tasks: tuple[str, ...]
    compare: Compare

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``answered_tasks: SET`` (a task set name or list) with comparisons."""
        return cls(parser.task_set(data["answered_tasks"], where), required_compare(data, where))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence (the answered tasks) when the count passes, else None."""
        answered = tuple(t for t in self.tasks if is_answered(ctx.answers.get(t)))
        return Match(answered) if self.compare.check(len(answered)) else None


@register_condition
@dataclass(frozen=True)
class ToolsCount(Condition):
    """The number of distinct tools of a set selected over the answered tasks passes comparisons.

    False when no task of the set is answered (a condition on missing data is false).
    """

    keyword: ClassVar[str] = "tools"
    options: ClassVar[frozenset[str]] = frozenset({"bind", *COMPARISONS})
    tasks: tuple[str, ...]
    tools: tuple[str, ...]
    compare: Compare
    bind: bool = False

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``tools: {tasks: SET, set: TOOLS}`` with comparisons and ``bind``; every tool is an option of every task."""
        spec = shape.mapping(data["tools"], f"{where}: tools")
        only(spec, {"tasks", "set"}, f"{where}: tools")
        tasks = parser.task_set(spec.get("tasks"), where)
        tools = parser.tool_set(spec.get("set"), where)
        for task in tasks:
            item = parser.questionnaire.items[task]
            for tool in tools:
                if item.option(tool) is None:
                    raise RulesError(f"{where}: unknown option {tool!r} of item {task}")
        return cls(tasks, tools, required_compare(data, where), parser.bind(data, where))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence (answered tasks, bound tools) when the count passes, else None."""
        answered = [t for t in self.tasks if is_answered(ctx.answers.get(t))]
        if not answered:
            return None
        used: set[str] = set()
        for task in answered:
            used.update(selected_ids(ctx.answers.get(task)) or ())
        matched = tuple(tool for tool in self.tools if tool in used)
        if not self.compare.check(len(matched)):
            return None
        return Match(tuple(answered), Bound(len(matched), matched, answered[0]) if self.bind else None)


@register_condition
@dataclass(frozen=True)
class LevelCondition(Condition):
    """The level number of a dimension is one of a list (false when the dimension has no level)."""

    keyword: ClassVar[str] = "level"
    options: ClassVar[frozenset[str]] = frozenset({"in"})
    dimension: str
    levels: frozenset[int]

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``level: DIMENSION`` with ``in: [levels]``."""
        dimension = parser.dimension(data["level"], where)
        levels = shape.sequence(data.get("in"), f"{where}: in")
        for level in levels:
            if level not in parser.levels or isinstance(level, bool):
                raise RulesError(f"{where}: unknown level {level!r}")
        return cls(dimension, frozenset(cast(list[int], levels)))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence ``("level:D",)`` when the level is in the list, else None."""
        if ctx.profile is None:
            return None
        level = ctx.profile.level(self.dimension)
        if level is None or level.number not in self.levels:
            return None
        return Match((f"level:{self.dimension}",))


@register_condition
@dataclass(frozen=True)
class ScoreCondition(Condition):
    """The score of a dimension passes comparisons (false when the dimension has no score)."""

    keyword: ClassVar[str] = "score"
    options: ClassVar[frozenset[str]] = frozenset(COMPARISONS)
    dimension: str
    compare: Compare

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """``score: DIMENSION`` with comparisons."""
        return cls(parser.dimension(data["score"], where), required_compare(data, where))

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence ``("level:D",)`` when the score passes, else None."""
        if ctx.profile is None:
            return None
        value = ctx.profile.score(self.dimension)
        if value is None or not self.compare.check(value):
            return None
        return Match((f"level:{self.dimension}",))


@register_condition
@dataclass(frozen=True)
class Otherwise(Condition):
    """The default trigger: true only when no other rule fires (handled by :func:`~.engine.evaluate_rules`).

    Only a whole trigger may be ``{otherwise: true}`` (the rule loader builds it); nested, it is refused.
    """

    keyword: ClassVar[str] = "otherwise"

    @classmethod
    def allowed_keys(cls) -> frozenset[str] | None:
        """Any keys: :meth:`parse` refuses the condition anyway."""
        return None

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        """Always refused: ``{otherwise: true}`` is only valid as a whole trigger."""
        raise RulesError(f"{where}: {{otherwise: true}} can only be a whole trigger")

    def evaluate(self, ctx: Context) -> Match | None:
        """Always None: the default rule is decided by :func:`~.engine.evaluate_rules`, not here."""
        return None
