"""Reading and validating ``recommendations.yaml`` against a questionnaire (see :func:`load_rules`).

Every item, row, option, set, dimension, link and placeholder a rule names must exist; a
problem raises :class:`~benchmark.core.rules.parsing.RulesError` naming the rule (or entry).
The shape of the file is declared in :mod:`.schema`; conditions are parsed by the registry
of :mod:`benchmark.core.rules.conditions`.  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import msgspec
import yaml

from benchmark.core._schema import convert, unique
from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules.conditions import Condition, Otherwise, parse_condition
from benchmark.core.rules.model import Link, Recommendation, Rule, RuleSet, Variant
from benchmark.core.rules.parsing import ParseContext, RulesError
from benchmark.core.rules.render import PLACEHOLDER
from benchmark.core.rules.schema import (
    ENTRY_NAMES,
    LinkSchema,
    RuleSchema,
    RulesFile,
    SetsSchema,
    StepSchema,
    VariantSchema,
)
from benchmark.core.text import LANGUAGES, Text

#: Dimension ids accepted when no rubric is given to :func:`load_rules`.
DEFAULT_DIMENSIONS: tuple[str, ...] = ("SK", "IN", "AP", "PR")
#: Level numbers accepted when no rubric is given to :func:`load_rules`.
DEFAULT_LEVELS: tuple[int, ...] = (1, 2, 3, 4)


def default_rules_path() -> Path:
    """Return the path of the packaged recommendations file."""
    return Path(str(resources.files("benchmark.core") / "data" / "recommendations.yaml"))


def load_rules(
    questionnaire: Questionnaire,
    path: Path | None = None,
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    levels: Sequence[int] = DEFAULT_LEVELS,
) -> RuleSet:
    """Read a recommendations YAML file and validate it against ``questionnaire``.

    :param questionnaire: the questionnaire whose items, rows and options rules use.
    :param path: the YAML file; the packaged ``recommendations.yaml`` by default.
    :param dimensions: dimension ids that ``level``/``score`` conditions and placeholders may name
        (pass ``rubric.dimension_ids()``).
    :param levels: level numbers that ``level`` conditions may name.
    :raises RulesError: naming the rule (or entry) that breaks a rule.
    """
    source = path or default_rules_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulesError(f"{source}: cannot read recommendations: {error}") from error
    return parse_rules(raw, questionnaire, dimensions, levels)


def parse_rules(
    raw: object,
    questionnaire: Questionnaire,
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    levels: Sequence[int] = DEFAULT_LEVELS,
) -> RuleSet:
    """Build a :class:`RuleSet` from parsed YAML, validating every reference.

    :raises RulesError: naming the rule (or entry) that breaks a rule.
    """
    data = convert(raw, RulesFile, RulesError, "recommendations file", ENTRY_NAMES)
    parser = ParseContext(questionnaire, dimensions, levels)
    _sets(data.sets or SetsSchema(), parser)
    recommendations = tuple(Recommendation(id=r.id, number=r.number, text=r.text.text()) for r in data.recommendations)
    rec_ids = unique([r.id for r in recommendations], "recommendation", RulesError)
    links = tuple(_link(entry) for entry in data.links)
    link_ids = unique([link.id for link in links], "link", RulesError)
    rules = tuple(_rule(entry, parser, rec_ids, link_ids) for entry in data.rules)
    unique([rule.id for rule in rules], "rule", RulesError)
    priorities = [rule.priority for rule in rules]
    if len(set(priorities)) != len(priorities):
        raise RulesError("rules: two rules share a priority")
    if sum(1 for rule in rules if rule.is_default) > 1:
        raise RulesError("rules: only one rule may use {otherwise: true}")
    return RuleSet(
        version=data.version,
        recommendations=recommendations,
        links=links,
        rules=rules,
        task_sets=dict(parser.task_sets),
        tool_sets=dict(parser.tool_sets),
    )


def _sets(data: SetsSchema, parser: ParseContext) -> None:
    for name, items in data.tasks.items():
        for item_id in items:
            item = parser.questionnaire.items.get(item_id)
            if item is None or not item.kind.multiple:
                raise RulesError(f"task set {name}: {item_id!r} is not a multi item of the questionnaire")
        parser.task_sets[name] = items
    parser.tool_sets.update(data.tools)


def _link(data: LinkSchema) -> Link:
    return Link(
        id=data.id,
        name=data.name,
        url_2017=data.url_2017,
        url_current=data.url_current,
        english_only=data.english_only,
        french_page=data.french_page,
        indicates=data.indicates.text(),
    )


def _rule(data: RuleSchema, parser: ParseContext, rec_ids: set[str], link_ids: set[str]) -> Rule:
    where = f"rule {data.id}"
    if data.recommendation not in rec_ids:
        raise RulesError(f"{where}: unknown recommendation {data.recommendation!r}")
    parser.binds = 0
    if isinstance(data.trigger, Mapping) and "otherwise" in data.trigger:
        if data.trigger != {"otherwise": True}:
            raise RulesError(f"{where}: the default trigger is exactly {{otherwise: true}}")
        trigger: Condition = Otherwise()
    else:
        trigger = parse_condition(data.trigger, parser, f"{where}: trigger")
    if parser.binds > 1:
        raise RulesError(f"{where}: at most one counting condition may carry bind: true")
    variants = _variants(data.why, parser, where, has_bind=parser.binds == 1)
    if not data.steps:
        raise RulesError(f"{where}: at least one next step is needed")
    step_when = tuple(_step_condition(step, parser, f"{where}: steps[{n}]") for n, step in enumerate(data.steps))
    if all(when is not None for when in step_when):
        raise RulesError(f"{where}: at least one next step must have no 'when' (it applies whenever the rule fires)")
    for link_id in data.links:
        if link_id not in link_ids:
            raise RulesError(f"{where}: unknown link {link_id!r}")
    return Rule(
        id=data.id,
        recommendation=data.recommendation,
        priority=data.priority,
        trigger=trigger,
        why=variants,
        steps=tuple(step.text() for step in data.steps),
        step_when=step_when,
        links=data.links,
        full_list=data.full_list,
    )


def _step_condition(data: StepSchema, parser: ParseContext, where: str) -> Condition | None:
    """A step's ``when``: parsed like a variant's (no binding; the step text has no placeholders)."""
    text = data.text()
    if PLACEHOLDER.search(text.en) or PLACEHOLDER.search(text.fr):
        raise RulesError(f"{where}: a next step cannot use placeholders")
    if data.when is msgspec.UNSET:
        return None
    binds = parser.binds
    when = parse_condition(data.when, parser, f"{where}: when")
    parser.binds = binds
    return when


def _variants(
    entries: tuple[VariantSchema, ...], parser: ParseContext, where: str, has_bind: bool
) -> tuple[Variant, ...]:
    if not entries:
        raise RulesError(f"{where}: why needs at least one text")
    variants = []
    for index, data in enumerate(entries):
        vwhere = f"{where}: why[{index}]"
        when = None
        if data.when is not msgspec.UNSET:
            binds = parser.binds
            when = parse_condition(data.when, parser, f"{vwhere}: when")
            parser.binds = binds
        elif index != len(entries) - 1:
            raise RulesError(f"{vwhere}: only the last variant may omit 'when'")
        text = data.text()
        _check_placeholders(text, parser, vwhere, has_bind)
        variants.append(Variant(text=text, when=when))
    return tuple(variants)


def _check_placeholders(text: Text, parser: ParseContext, where: str, has_bind: bool) -> None:
    found: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        value = text.get(lang)
        names = set()
        for m in PLACEHOLDER.finditer(value):
            kind, arg, bare = m.group(1), m.group(2), m.group(3) or ("k" if m.group(4) else None)
            names.add("{k}" if m.group(4) else m.group(0))
            if bare is not None:
                if not has_bind:
                    raise RulesError(f"{where}: {{{bare}}} needs a counting condition with bind: true")
            elif kind in ("label", "value"):
                parser.answer_key(arg, where)
            elif kind in ("score", "level"):
                if arg not in parser.dimensions:
                    raise RulesError(f"{where}: unknown dimension {arg!r} in {m.group(0)}")
            else:
                item_id, _, option_id = arg.partition(".")
                item = parser.questionnaire.items.get(item_id)
                if item is None:
                    raise RulesError(f"{where}: unknown item {item_id!r} in {m.group(0)}")
                if item.option(option_id) is None:
                    raise RulesError(f"{where}: unknown option {option_id!r} of {item_id} in {m.group(0)}")
        leftover = PLACEHOLDER.sub("", value)
        if re.search(r"\{[^}]*\}", leftover):
            raise RulesError(f"{where}: unknown placeholder in the {lang.upper()} text: {leftover!r}")
        found[lang] = names
    if found["en"] != found["fr"]:
        raise RulesError(f"{where}: EN and FR texts use different placeholders")
