"""Reading and validating ``recommendations.yaml`` against a questionnaire (see :func:`load_rules`).

Every item, row, option, set, dimension, link and placeholder a rule names must exist; a
problem raises :class:`~benchmark.core.rules.parsing.RulesError` naming the rule (or entry).
Conditions are parsed by the registry of :mod:`benchmark.core.rules.conditions`.
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import cast

import yaml

from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules.conditions import Condition, Otherwise, parse_condition
from benchmark.core.rules.model import Link, Recommendation, Rule, RuleSet, Variant
from benchmark.core.rules.parsing import ParseContext, RulesError, shape
from benchmark.core.rules.render import PLACEHOLDER
from benchmark.core.text import LANGUAGES, Text

#: Dimension ids accepted when no rubric is given to :func:`load_rules`.
DEFAULT_DIMENSIONS: tuple[str, ...] = ("SK", "IN", "AP", "PR")
#: Level numbers accepted when no rubric is given to :func:`load_rules`.
DEFAULT_LEVELS: tuple[int, ...] = (1, 2, 3, 4)
RULE_ID_PATTERN = re.compile(r"^r\d+_[a-z0-9_]+$")
LINK_ID_PATTERN = re.compile(r"^L\d{2}$")


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
    data = shape.mapping(raw, "recommendations file")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RulesError("version is missing")
    parser = ParseContext(questionnaire, dimensions, levels)
    _parse_sets(data.get("sets"), parser)
    recommendations = tuple(
        _parse_recommendation(r) for r in shape.sequence(data.get("recommendations"), "recommendations")
    )
    shape.unique([r.id for r in recommendations], "recommendation")
    links = tuple(_parse_link(entry) for entry in shape.sequence(data.get("links"), "links"))
    shape.unique([link.id for link in links], "link")
    rec_ids = {r.id for r in recommendations}
    link_ids = {link.id for link in links}
    rules = tuple(_parse_rule(entry, parser, rec_ids, link_ids) for entry in shape.sequence(data.get("rules"), "rules"))
    shape.unique([rule.id for rule in rules], "rule")
    priorities = [rule.priority for rule in rules]
    if len(set(priorities)) != len(priorities):
        raise RulesError("rules: two rules share a priority")
    if sum(1 for rule in rules if rule.is_default) > 1:
        raise RulesError("rules: only one rule may use {otherwise: true}")
    return RuleSet(
        version=version,
        recommendations=recommendations,
        links=links,
        rules=rules,
        task_sets=dict(parser.task_sets),
        tool_sets=dict(parser.tool_sets),
    )


def _parse_sets(raw: object, parser: ParseContext) -> None:
    data = shape.mapping(raw or {}, "sets")
    for name, tasks in shape.mapping(data.get("tasks", {}), "sets: tasks").items():
        where = f"task set {name}"
        items = shape.strings(tasks, where)
        for item_id in items:
            item = parser.questionnaire.items.get(item_id)
            if item is None or not item.kind.multiple:
                raise RulesError(f"{where}: {item_id!r} is not a multi item of the questionnaire")
        parser.task_sets[str(name)] = tuple(items)
    for name, tools in shape.mapping(data.get("tools", {}), "sets: tools").items():
        parser.tool_sets[str(name)] = tuple(shape.strings(tools, f"tool set {name}"))


def _parse_recommendation(raw: object) -> Recommendation:
    data = shape.mapping(raw, "recommendation")
    rec_id = data.get("id")
    if not isinstance(rec_id, str) or not re.match(r"^R\d$", rec_id):
        raise RulesError(f"recommendation {rec_id!r}: id must look like R1")
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise RulesError(f"recommendation {rec_id}: number must be an integer")
    return Recommendation(id=rec_id, number=number, text=shape.text(data.get("text"), f"recommendation {rec_id}: text"))


def _parse_link(raw: object) -> Link:
    data = shape.mapping(raw, "link")
    link_id = data.get("id")
    if not isinstance(link_id, str) or not LINK_ID_PATTERN.match(link_id):
        raise RulesError(f"link {link_id!r}: id must look like L01")
    where = f"link {link_id}"
    name, url = data.get("name"), data.get("url_2017")
    if not isinstance(name, str) or not name or not isinstance(url, str) or not url.startswith("http"):
        raise RulesError(f"{where}: name and url_2017 are required")
    current = data.get("url_current")
    if current is not None and (not isinstance(current, str) or not current.startswith("http")):
        raise RulesError(f"{where}: url_current must be null or a URL")
    english_only, french_page = data.get("english_only"), data.get("french_page", False)
    if not isinstance(english_only, bool) or not isinstance(french_page, bool):
        raise RulesError(f"{where}: english_only and french_page must be true or false")
    return Link(
        id=link_id,
        name=name,
        url_2017=url,
        url_current=current,
        english_only=english_only,
        french_page=french_page,
        indicates=shape.text(data.get("indicates"), f"{where}: indicates"),
    )


def _parse_rule(raw: object, parser: ParseContext, rec_ids: set[str], link_ids: set[str]) -> Rule:
    data = shape.mapping(raw, "rule")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not RULE_ID_PATTERN.match(rule_id):
        raise RulesError(f"rule {rule_id!r}: id must match {RULE_ID_PATTERN.pattern}")
    where = f"rule {rule_id}"
    recommendation = data.get("recommendation")
    if recommendation not in rec_ids:
        raise RulesError(f"{where}: unknown recommendation {recommendation!r}")
    priority = data.get("priority")
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise RulesError(f"{where}: priority must be an integer")
    parser.binds = 0
    trigger_raw = data.get("trigger")
    if isinstance(trigger_raw, Mapping) and "otherwise" in trigger_raw:
        if trigger_raw != {"otherwise": True}:
            raise RulesError(f"{where}: the default trigger is exactly {{otherwise: true}}")
        trigger: Condition = Otherwise()
    else:
        trigger = parse_condition(trigger_raw, parser, f"{where}: trigger")
    if parser.binds > 1:
        raise RulesError(f"{where}: at most one counting condition may carry bind: true")
    has_bind = parser.binds == 1
    variants = _parse_variants(data.get("why"), parser, where, has_bind)
    steps = tuple(shape.text(s, f"{where}: step") for s in shape.sequence(data.get("steps"), f"{where}: steps"))
    if not steps:
        raise RulesError(f"{where}: at least one next step is needed")
    links = tuple(shape.strings(data.get("links", []), f"{where}: links"))
    for link_id in links:
        if link_id not in link_ids:
            raise RulesError(f"{where}: unknown link {link_id!r}")
    return Rule(
        id=rule_id,
        recommendation=cast(str, recommendation),
        priority=priority,
        trigger=trigger,
        why=variants,
        steps=steps,
        links=links,
        full_list=bool(data.get("full_list", False)),
    )


def _parse_variants(raw: object, parser: ParseContext, where: str, has_bind: bool) -> tuple[Variant, ...]:
    entries = shape.sequence(raw, f"{where}: why")
    if not entries:
        raise RulesError(f"{where}: why needs at least one text")
    variants = []
    for index, entry in enumerate(entries):
        data = shape.mapping(entry, f"{where}: why")
        vwhere = f"{where}: why[{index}]"
        when = None
        if "when" in data:
            binds = parser.binds
            when = parse_condition(data["when"], parser, f"{vwhere}: when")
            parser.binds = binds
        elif index != len(entries) - 1:
            raise RulesError(f"{vwhere}: only the last variant may omit 'when'")
        text = shape.text({k: v for k, v in data.items() if k in LANGUAGES}, vwhere)
        _check_placeholders(text, parser, vwhere, has_bind)
        variants.append(Variant(text=text, when=when))
    return tuple(variants)


def _check_placeholders(text: Text, parser: ParseContext, where: str, has_bind: bool) -> None:
    found: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        value = text.get(lang)
        names = set()
        for m in PLACEHOLDER.finditer(value):
            names.add(m.group(0))
            kind, arg, bare = m.group(1), m.group(2), m.group(3)
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
