"""Recommendations: the 2017 report's five recommendations, matched to one organisation's answers.

``benchmark/core/data/recommendations.yaml`` (design §4) holds the five
recommendations (FR verbatim from the 2017 report, EN our rendering), the twelve
innovative-practice links of the report, and the rules that say why a
recommendation concerns the user. Rules are data: each has a declarative
*trigger* written in a small condition language (documented at the top of the
YAML file and in :func:`parse_condition`), "why" texts with placeholders and
variants, concrete next steps and links.

:func:`load_rules` validates the file against a questionnaire (every item, row,
option, set, dimension, link and placeholder must exist; a problem raises
:class:`RulesError` naming the rule). :func:`recommend` evaluates the rules for
one set of answers and its profile and returns the fired rules grouped by
recommendation, ordered as in design §4.5.

Semantics that matter:

* A condition on a skipped answer, a ``dont_know`` answer or a null level is
  false — rules never fire on missing data. The only exception is explicit: an
  ``in:`` list that names ``dont_know`` matches that answer.
* ``r0_default`` (trigger ``{otherwise: true}``) fires only when no other rule does.
* Each why-line carries the answers that triggered it (:attr:`WhyLine.answers`).

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from benchmark.core._shape import Shape
from benchmark.core.baseline import Baseline
from benchmark.core.questionnaire import LANGUAGES, MISSING_OPTION_IDS, Item, Questionnaire, Text
from benchmark.core.scoring import Profile

#: Dimension ids accepted when no rubric is given to :func:`load_rules`.
DEFAULT_DIMENSIONS: tuple[str, ...] = ("SK", "IN", "AP", "PR")
#: Level numbers accepted when no rubric is given to :func:`load_rules`.
DEFAULT_LEVELS: tuple[int, ...] = (1, 2, 3, 4)
#: At most this many links are shown per recommendation (design §4.5).
MAX_LINKS = 3
#: At most this many why-lines are shown per recommendation (design §4.5).
MAX_WHY_LINES = 3
#: The first this-many recommendations are shown expanded (design §4.5).
EXPANDED_GROUPS = 3

COMPARISONS: Mapping[str, Callable[[int, int], bool]] = {
    "eq": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}

PLACEHOLDER = re.compile(r"\{(?:(label|value|score|level|fig):([A-Za-z0-9_.]+)|(k|tools))\}")
RULE_ID_PATTERN = re.compile(r"^r\d+_[a-z0-9_]+$")
LINK_ID_PATTERN = re.compile(r"^L\d{2}$")

NOT_PUBLISHED = Text(en="not published", fr="non publié")
NO_TOOLS = Text(en="none", fr="aucun")
FRENCH_PAGE = Text(en="[French page]", fr="[page en français]")
ENGLISH_ONLY = Text(en="[English only]", fr="[en anglais seulement]")


class RulesError(ValueError):
    """Raised when a recommendations file breaks a rule; the message names the rule (or entry)."""


# --------------------------------------------------------------------------- evaluation context


@dataclass(frozen=True)
class Bound:
    """What a counting leaf marked ``bind: true`` found: fills ``{k}`` and ``{tools}``."""

    count: int
    options: tuple[str, ...]
    item: str


@dataclass(frozen=True)
class Match:
    """Evidence that a condition holds: the answer keys it read and any bound count."""

    keys: tuple[str, ...] = ()
    bound: Bound | None = None

    def merge(self, other: Match) -> Match:
        """Return the union of two matches (keys in order, the first bound value wins)."""
        keys = self.keys + tuple(k for k in other.keys if k not in self.keys)
        return Match(keys, self.bound or other.bound)


@dataclass(frozen=True)
class Context:
    """What conditions are evaluated against: stored answers and the computed profile."""

    answers: Mapping[str, object]
    profile: Profile | None


def _selection(raw: object) -> list[str] | None:
    """Return a multi answer as a list of ids, or None when it is not an answered multi."""
    if isinstance(raw, list) and raw and all(isinstance(v, str) for v in raw):
        return cast(list[str], raw)
    return None


def _is_answered(raw: object) -> bool:
    """True when a stored answer is present and not "I don't know"."""
    if raw is None:
        return False
    if isinstance(raw, list):
        selection = _selection(raw)
        return selection is not None and not set(selection) & MISSING_OPTION_IDS
    if isinstance(raw, str):
        return raw not in MISSING_OPTION_IDS
    return isinstance(raw, int) and not isinstance(raw, bool)


@dataclass(frozen=True)
class Compare:
    """A set of integer comparisons (``gte: 5``, ``lte: 3`` …) that must all hold."""

    ops: tuple[tuple[str, int], ...]

    def check(self, value: int) -> bool:
        """Return True if ``value`` passes every comparison."""
        return all(COMPARISONS[op](value, bound) for op, bound in self.ops)


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class AllOf:
    """Every sub-condition holds."""

    conditions: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> Match | None:
        """Return the merged evidence, or None if any sub-condition is false."""
        result = Match()
        for condition in self.conditions:
            match = condition.evaluate(ctx)
            if match is None:
                return None
            result = result.merge(match)
        return result


@dataclass(frozen=True)
class AnyOf:
    """At least one sub-condition holds (evidence of every true branch is kept)."""

    conditions: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> Match | None:
        """Return the merged evidence of the true branches, or None if none is true."""
        result: Match | None = None
        for condition in self.conditions:
            match = condition.evaluate(ctx)
            if match is not None:
                result = match if result is None else result.merge(match)
        return result


@dataclass(frozen=True)
class AnswerCondition:
    """A condition on one answer key: ``in``, ``not_in``, comparisons or ``answered``."""

    key: str
    in_: frozenset[str] | None = None
    not_in: frozenset[str] | None = None
    compare: Compare | None = None
    answered: bool = False

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
                selection = _selection(raw)
                ok = selection is not None and bool(set(selection) & self.in_)
        if ok and self.not_in is not None:
            if not _is_answered(raw):
                return None
            selected = {raw} if isinstance(raw, str) else set(_selection(raw) or ())
            ok = not selected & self.not_in
        if ok and self.compare is not None:
            ok = isinstance(raw, int) and not isinstance(raw, bool) and self.compare.check(raw)
        if ok and self.answered:
            ok = _is_answered(raw)
        return Match((self.key,)) if ok else None


@dataclass(frozen=True)
class CountSelected:
    """The number of options selected in a multi item, leaving some out, passes comparisons."""

    item: str
    excluding: frozenset[str]
    compare: Compare
    bind: bool = False
    order: tuple[str, ...] = ()

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence when the count passes; None when the item is missing or the count fails."""
        raw = ctx.answers.get(self.item)
        if not _is_answered(raw):
            return None
        selected = set(_selection(raw) or ()) - self.excluding
        if not self.compare.check(len(selected)):
            return None
        options = tuple(o for o in self.order if o in selected)
        return Match((self.item,), Bound(len(selected), options, self.item) if self.bind else None)


@dataclass(frozen=True)
class AnsweredTasks:
    """The number of answered task items of a set passes comparisons."""

    tasks: tuple[str, ...]
    compare: Compare

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence (the answered tasks) when the count passes, else None."""
        answered = tuple(t for t in self.tasks if _is_answered(ctx.answers.get(t)))
        return Match(answered) if self.compare.check(len(answered)) else None


@dataclass(frozen=True)
class ToolsCount:
    """The number of distinct tools of a set selected over the answered tasks passes comparisons.

    False when no task of the set is answered (a condition on missing data is false).
    """

    tasks: tuple[str, ...]
    tools: tuple[str, ...]
    compare: Compare
    bind: bool = False

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence (answered tasks, bound tools) when the count passes, else None."""
        answered = [t for t in self.tasks if _is_answered(ctx.answers.get(t))]
        if not answered:
            return None
        used: set[str] = set()
        for task in answered:
            used.update(_selection(ctx.answers.get(task)) or ())
        matched = tuple(tool for tool in self.tools if tool in used)
        if not self.compare.check(len(matched)):
            return None
        return Match(tuple(answered), Bound(len(matched), matched, answered[0]) if self.bind else None)


@dataclass(frozen=True)
class LevelCondition:
    """The level number of a dimension is one of a list (false when the dimension has no level)."""

    dimension: str
    levels: frozenset[int]

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence ``("level:D",)`` when the level is in the list, else None."""
        if ctx.profile is None:
            return None
        level = ctx.profile.level(self.dimension)
        if level is None or level.number not in self.levels:
            return None
        return Match((f"level:{self.dimension}",))


@dataclass(frozen=True)
class ScoreCondition:
    """The score of a dimension passes comparisons (false when the dimension has no score)."""

    dimension: str
    compare: Compare

    def evaluate(self, ctx: Context) -> Match | None:
        """Return evidence ``("level:D",)`` when the score passes, else None."""
        if ctx.profile is None:
            return None
        value = ctx.profile.score(self.dimension)
        if value is None or not self.compare.check(value):
            return None
        return Match((f"level:{self.dimension}",))


@dataclass(frozen=True)
class Otherwise:
    """The default trigger: true only when no other rule fires (handled by :func:`evaluate_rules`)."""

    def evaluate(self, ctx: Context) -> Match | None:
        """Always None: the default rule is decided by :func:`evaluate_rules`, not here."""
        return None


Condition = (
    AllOf
    | AnyOf
    | AnswerCondition
    | CountSelected
    | AnsweredTasks
    | ToolsCount
    | LevelCondition
    | ScoreCondition
    | Otherwise
)


# --------------------------------------------------------------------------- rule data


@dataclass(frozen=True)
class Recommendation:
    """One of the five 2017 recommendations (FR verbatim, EN our rendering)."""

    id: str
    number: int
    text: Text


@dataclass(frozen=True)
class Link:
    """One of the twelve innovative-practice links of the 2017 report."""

    id: str
    name: str
    url_2017: str
    url_current: str | None
    english_only: bool
    french_page: bool
    indicates: Text

    @property
    def url(self) -> str:
        """The checked current URL if there is one, else the URL as printed in 2017."""
        return self.url_current or self.url_2017

    def available_in_french(self) -> bool:
        """True for links the source does not mark "[en anglais seulement]"."""
        return not self.english_only

    def note(self, lang: str) -> str | None:
        """Return the language note shown next to the link in ``lang``, if any."""
        if lang == "fr" and self.english_only:
            return ENGLISH_ONLY.fr
        if lang != "fr" and self.french_page:
            return FRENCH_PAGE.en
        return None


@dataclass(frozen=True)
class Variant:
    """One why-text; used when ``when`` holds (or always, when it is None)."""

    text: Text
    when: Condition | None = None


@dataclass(frozen=True)
class Rule:
    """One rule: trigger, why-text variants, steps and links for one recommendation."""

    id: str
    recommendation: str
    priority: int
    trigger: Condition
    why: tuple[Variant, ...]
    steps: tuple[Text, ...]
    links: tuple[str, ...]
    full_list: bool = False

    @property
    def is_default(self) -> bool:
        """True for the rule that fires only when no other rule does."""
        return isinstance(self.trigger, Otherwise)


@dataclass(frozen=True)
class RuleSet:
    """The whole recommendations file, validated."""

    version: str
    recommendations: tuple[Recommendation, ...]
    links: tuple[Link, ...]
    rules: tuple[Rule, ...]
    task_sets: Mapping[str, tuple[str, ...]]
    tool_sets: Mapping[str, tuple[str, ...]]

    def recommendation(self, recommendation_id: str) -> Recommendation:
        """Return a recommendation by id (``R1`` … ``R5``)."""
        return next(r for r in self.recommendations if r.id == recommendation_id)

    def link(self, link_id: str) -> Link:
        """Return a link by id (``L01`` … ``L12``)."""
        return next(link for link in self.links if link.id == link_id)

    def rule(self, rule_id: str) -> Rule:
        """Return a rule by id."""
        return next(rule for rule in self.rules if rule.id == rule_id)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AnswerRef:
    """One answer that triggered a why-line, named for display.

    :ivar key: the answer key (``q8.privacy``) or ``level:D`` for a dimension level.
    :ivar question: a short name of the question (row label, task label or dimension name).
    :ivar answer: the answer as shown (option labels, the 0–10 value, or ``score/100 (level)``).
    """

    key: str
    question: str
    answer: str


@dataclass(frozen=True)
class WhyLine:
    """One rendered "why you see this" line of a fired rule."""

    rule_id: str
    text: str
    answers: tuple[AnswerRef, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class RenderedLink:
    """A practice link ready for display in one language."""

    id: str
    name: str
    url: str
    note: str | None
    indicates: str


@dataclass(frozen=True)
class RecommendationGroup:
    """One recommendation with the fired rules that point to it.

    :ivar text: the recommendation in ``lang`` (FR verbatim; EN our rendering).
    :ivar translated: True in the EN UI ("translated from the French report").
    :ivar why: every why-line in rule priority order (show :attr:`shown_why`).
    :ivar steps: the next steps of the fired rules, in rule order, without repeats.
    :ivar links: at most 3 links, FR-available first in the FR UI.
    :ivar expanded: True for the first three groups.
    :ivar full_list: True when the full list of 12 practices should be offered prominently.
    """

    recommendation: Recommendation
    text: str
    translated: bool
    rules: tuple[str, ...]
    why: tuple[WhyLine, ...]
    steps: tuple[str, ...]
    links: tuple[RenderedLink, ...]
    expanded: bool
    full_list: bool = False

    @property
    def shown_why(self) -> tuple[WhyLine, ...]:
        """The why-lines to show (at most :data:`MAX_WHY_LINES`, in rule order)."""
        return self.why[:MAX_WHY_LINES]


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with its evidence and the variant chosen for its why-text."""

    rule: Rule
    match: Match
    variant: Variant


# --------------------------------------------------------------------------- evaluation


def evaluate_rules(answers: Mapping[str, object], profile: Profile | None, rules: RuleSet) -> list[FiredRule]:
    """Return the rules that fire for ``answers`` and ``profile``, in priority order.

    The default rule (``{otherwise: true}``) fires only when no other rule does.
    """
    ctx = Context(answers, profile)
    fired: list[FiredRule] = []
    ordered = sorted(rules.rules, key=lambda r: r.priority)
    for rule in ordered:
        if rule.is_default:
            continue
        match = rule.trigger.evaluate(ctx)
        if match is not None:
            fired.append(FiredRule(rule, match, _choose_variant(rule, ctx)))
    if not fired:
        for rule in ordered:
            if rule.is_default:
                fired.append(FiredRule(rule, Match(), _choose_variant(rule, ctx)))
    return fired


def _choose_variant(rule: Rule, ctx: Context) -> Variant:
    for variant in rule.why:
        if variant.when is None or variant.when.evaluate(ctx) is not None:
            return variant
    return rule.why[-1]


def recommend(
    answers: Mapping[str, object],
    profile: Profile,
    questionnaire: Questionnaire,
    baseline: Baseline,
    lang: str,
    rules: RuleSet | None = None,
) -> list[RecommendationGroup]:
    """Evaluate the rules and return the fired ones grouped by recommendation (design §4.5).

    Groups are ordered by the number of fired rules (most first), ties by
    recommendation number (R1 → R5). Within a group, why-lines follow rule
    priority. Placeholders are rendered in ``lang`` (``{fig:…}`` from
    ``baseline``, with n and status marker).

    :param answers: stored answers (skipped = absent key).
    :param profile: the profile computed from the same answers.
    :param questionnaire: for option labels.
    :param baseline: for 2017 figures inside why-lines.
    :param lang: ``"en"`` or ``"fr"``.
    :param rules: a validated rule set; the packaged one (validated against ``questionnaire``) by default.
    """
    ruleset = rules if rules is not None else load_rules(questionnaire)
    renderer = _Renderer(answers, profile, questionnaire, baseline, ruleset, lang)
    by_rec: dict[str, list[FiredRule]] = {}
    for fired in evaluate_rules(answers, profile, ruleset):
        by_rec.setdefault(fired.rule.recommendation, []).append(fired)
    order = sorted(by_rec, key=lambda rid: (-len(by_rec[rid]), ruleset.recommendation(rid).number))
    groups = []
    for index, rec_id in enumerate(order):
        fired_rules = by_rec[rec_id]
        recommendation = ruleset.recommendation(rec_id)
        why = tuple(renderer.why_line(f) for f in fired_rules)
        steps: list[str] = []
        for line in why:
            steps.extend(s for s in line.steps if s not in steps)
        link_ids: list[str] = []
        for f in fired_rules:
            link_ids.extend(link_id for link_id in f.rule.links if link_id not in link_ids)
        links = [ruleset.link(link_id) for link_id in link_ids]
        if lang == "fr":
            links.sort(key=lambda link: not link.available_in_french())
        groups.append(
            RecommendationGroup(
                recommendation=recommendation,
                text=recommendation.text.get(lang),
                translated=lang != "fr",
                rules=tuple(f.rule.id for f in fired_rules),
                why=why,
                steps=tuple(steps),
                links=tuple(render_link(link, lang) for link in links[:MAX_LINKS]),
                expanded=index < EXPANDED_GROUPS,
                full_list=any(f.rule.full_list for f in fired_rules),
            )
        )
    return groups


def render_link(link: Link, lang: str) -> RenderedLink:
    """Render one practice link for ``lang``."""
    return RenderedLink(
        id=link.id, name=link.name, url=link.url, note=link.note(lang), indicates=link.indicates.get(lang)
    )


def practice_links(rules: RuleSet, lang: str) -> list[RenderedLink]:
    """Return the full list of 12 practice links (FR-available first in the FR UI)."""
    links = list(rules.links)
    if lang == "fr":
        links.sort(key=lambda link: not link.available_in_french())
    return [render_link(link, lang) for link in links]


# --------------------------------------------------------------------------- rendering


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless it starts an acronym (``IT``, ``SMS``)."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].lower() + text[1:]


_EXAMPLES = re.compile(r"\s*\((?:e\.g\.|p\. ex\.)[^)]*\)")


def short_option_label(label: str) -> str:
    """Return an option label without its examples in parentheses (``Video (e.g. YouTube)`` → ``Video``)."""
    return _EXAMPLES.sub("", label).strip()


class _Renderer:
    """Renders why-lines and answer references for one set of answers in one language."""

    def __init__(
        self,
        answers: Mapping[str, object],
        profile: Profile,
        questionnaire: Questionnaire,
        baseline: Baseline,
        rules: RuleSet,
        lang: str,
    ) -> None:
        self.answers = answers
        self.profile = profile
        self.questionnaire = questionnaire
        self.baseline = baseline
        self.rules = rules
        self.lang = lang

    def why_line(self, fired: FiredRule) -> WhyLine:
        text = PLACEHOLDER.sub(lambda m: self._placeholder(m, fired), fired.variant.text.get(self.lang))
        answers = tuple(self.answer_ref(key) for key in fired.match.keys)
        steps = tuple(step.get(self.lang) for step in fired.rule.steps)
        return WhyLine(rule_id=fired.rule.id, text=text, answers=answers, steps=steps)

    def _placeholder(self, m: re.Match[str], fired: FiredRule) -> str:
        kind, arg, bare = m.group(1), m.group(2), m.group(3)
        bound = fired.match.bound
        if bare == "k":
            return str(bound.count) if bound else "0"
        if bare == "tools":
            if bound is None or not bound.options:
                return NO_TOOLS.get(self.lang)
            item = self.questionnaire.items[bound.item]
            return ", ".join(lower_first(short_option_label(self._option_label(item, o))) for o in bound.options)
        if kind == "label":
            return lower_first(self.answer_text(arg))
        if kind == "value":
            value = self.answers.get(arg)
            return "—" if value is None else str(value)
        if kind == "score":
            value = self.profile.score(arg)
            return "—" if value is None else str(value)
        if kind == "level":
            level = self.profile.level(arg)
            return "—" if level is None else level.name.get(self.lang)
        item_id, _, option_id = arg.partition(".")
        figure = self.baseline.figure(item_id, option_id)
        return NOT_PUBLISHED.get(self.lang) if figure is None else figure.format(self.lang)

    def _option_label(self, item: Item, option_id: str) -> str:
        option = item.option(option_id)
        return option_id if option is None else option.label.get(self.lang)

    def answer_text(self, key: str) -> str:
        """Return the stored answer of ``key`` as shown: option label(s) or the number."""
        raw = self.answers.get(key)
        if raw is None:
            return "—"
        item, _row = self.questionnaire.item_for_key(key)
        if isinstance(raw, list):
            return ", ".join(self._option_label(item, str(o)) for o in raw)
        if isinstance(raw, str):
            return self._option_label(item, raw)
        return str(raw)

    def answer_ref(self, key: str) -> AnswerRef:
        """Name one triggering answer (or dimension level) for display."""
        if key.startswith("level:"):
            dimension_id = key.partition(":")[2]
            ds = self.profile.get(dimension_id)
            level = "—" if ds.level is None else ds.level.name.get(self.lang)
            return AnswerRef(key, ds.dimension.name.get(self.lang), f"{ds.score}/100 ({level})")
        item, row = self.questionnaire.item_for_key(key)
        if row is not None:
            question = row.label.get(self.lang)
        elif item.short_label is not None:
            question = item.short_label.get(self.lang)
        else:
            question = item_number(item.id)
        return AnswerRef(key, question, self.answer_text(key))


def item_number(item_id: str) -> str:
    """Return the display number of an item id (``q2_2`` → ``Q2.2``, ``n1`` → ``N1``)."""
    return item_id[0].upper() + item_id[1:].replace("_", ".")


# --------------------------------------------------------------------------- loading


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


@dataclass
class ParseContext:
    """What condition parsing validates against: the questionnaire, known dimensions and levels, named sets."""

    questionnaire: Questionnaire
    dimensions: Sequence[str]
    levels: Sequence[int]
    task_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tool_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    binds: int = 0


def parse_rules(
    raw: object,
    questionnaire: Questionnaire,
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    levels: Sequence[int] = DEFAULT_LEVELS,
) -> RuleSet:
    """Build a :class:`RuleSet` from parsed YAML, validating every reference.

    :raises RulesError: naming the rule (or entry) that breaks a rule.
    """
    data = _mapping(raw, "recommendations file")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RulesError("version is missing")
    parser = ParseContext(questionnaire, dimensions, levels)
    _parse_sets(data.get("sets"), parser)
    recommendations = tuple(_parse_recommendation(r) for r in _list(data.get("recommendations"), "recommendations"))
    _unique([r.id for r in recommendations], "recommendation")
    links = tuple(_parse_link(entry) for entry in _list(data.get("links"), "links"))
    _unique([link.id for link in links], "link")
    rec_ids = {r.id for r in recommendations}
    link_ids = {link.id for link in links}
    rules = tuple(_parse_rule(entry, parser, rec_ids, link_ids) for entry in _list(data.get("rules"), "rules"))
    _unique([rule.id for rule in rules], "rule")
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
    data = _mapping(raw or {}, "sets")
    for name, tasks in _mapping(data.get("tasks", {}), "sets: tasks").items():
        where = f"task set {name}"
        items = _string_list(tasks, where)
        for item_id in items:
            item = parser.questionnaire.items.get(item_id)
            if item is None or item.type != "multi":
                raise RulesError(f"{where}: {item_id!r} is not a multi item of the questionnaire")
        parser.task_sets[str(name)] = tuple(items)
    for name, tools in _mapping(data.get("tools", {}), "sets: tools").items():
        parser.tool_sets[str(name)] = tuple(_string_list(tools, f"tool set {name}"))


def _parse_recommendation(raw: object) -> Recommendation:
    data = _mapping(raw, "recommendation")
    rec_id = data.get("id")
    if not isinstance(rec_id, str) or not re.match(r"^R\d$", rec_id):
        raise RulesError(f"recommendation {rec_id!r}: id must look like R1")
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise RulesError(f"recommendation {rec_id}: number must be an integer")
    return Recommendation(id=rec_id, number=number, text=_text(data.get("text"), f"recommendation {rec_id}: text"))


def _parse_link(raw: object) -> Link:
    data = _mapping(raw, "link")
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
        indicates=_text(data.get("indicates"), f"{where}: indicates"),
    )


def _parse_rule(raw: object, parser: ParseContext, rec_ids: set[str], link_ids: set[str]) -> Rule:
    data = _mapping(raw, "rule")
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
    steps = tuple(_text(s, f"{where}: step") for s in _list(data.get("steps"), f"{where}: steps"))
    if not steps:
        raise RulesError(f"{where}: at least one next step is needed")
    links = tuple(_string_list(data.get("links", []), f"{where}: links"))
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
    entries = _list(raw, f"{where}: why")
    if not entries:
        raise RulesError(f"{where}: why needs at least one text")
    variants = []
    for index, entry in enumerate(entries):
        data = _mapping(entry, f"{where}: why")
        vwhere = f"{where}: why[{index}]"
        when = None
        if "when" in data:
            binds = parser.binds
            when = parse_condition(data["when"], parser, f"{vwhere}: when")
            parser.binds = binds
        elif index != len(entries) - 1:
            raise RulesError(f"{vwhere}: only the last variant may omit 'when'")
        text = _text({k: v for k, v in data.items() if k in LANGUAGES}, vwhere)
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
                _answer_key(arg, parser, where)
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


def parse_condition(raw: object, parser: ParseContext, where: str) -> Condition:
    """Parse one condition of the rule language (see the header of ``recommendations.yaml``).

    Forms: ``all_of``/``any_of`` lists; ``answer`` with ``in``/``not_in``/comparisons/``answered``;
    ``count_selected`` with ``excluding`` and comparisons; ``answered_tasks`` and ``tools``
    with comparisons; ``level`` with ``in``; ``score`` with comparisons.
    """
    data = _mapping(raw, where)
    if "all_of" in data or "any_of" in data:
        op = "all_of" if "all_of" in data else "any_of"
        _only(data, {op}, where)
        parts = tuple(parse_condition(c, parser, f"{where}: {op}") for c in _list(data[op], f"{where}: {op}"))
        if not parts:
            raise RulesError(f"{where}: {op} is empty")
        return AllOf(parts) if op == "all_of" else AnyOf(parts)
    if "answer" in data:
        return _parse_answer(data, parser, where)
    if "count_selected" in data:
        _only(data, {"count_selected", "excluding", "bind", *COMPARISONS}, where)
        item = _item(data["count_selected"], parser, where)
        if item.type != "multi":
            raise RulesError(f"{where}: count_selected needs a multi item, {item.id} is {item.type}")
        excluding = _options(data.get("excluding", []), item, where)
        return CountSelected(
            item.id,
            frozenset(excluding),
            _required_compare(data, where),
            _bind(data, parser, where),
            order=tuple(o.id for o in item.options),
        )
    if "answered_tasks" in data:
        _only(data, {"answered_tasks", *COMPARISONS}, where)
        return AnsweredTasks(_task_set(data["answered_tasks"], parser, where), _required_compare(data, where))
    if "tools" in data:
        _only(data, {"tools", "bind", *COMPARISONS}, where)
        spec = _mapping(data["tools"], f"{where}: tools")
        _only(spec, {"tasks", "set"}, f"{where}: tools")
        tasks = _task_set(spec.get("tasks"), parser, where)
        tools = _tool_set(spec.get("set"), parser, where)
        for task in tasks:
            item = parser.questionnaire.items[task]
            for tool in tools:
                if item.option(tool) is None:
                    raise RulesError(f"{where}: unknown option {tool!r} of item {task}")
        return ToolsCount(tasks, tools, _required_compare(data, where), _bind(data, parser, where))
    if "level" in data:
        _only(data, {"level", "in"}, where)
        dimension = _dimension(data["level"], parser, where)
        levels = _list(data.get("in"), f"{where}: in")
        for level in levels:
            if level not in parser.levels or isinstance(level, bool):
                raise RulesError(f"{where}: unknown level {level!r}")
        return LevelCondition(dimension, frozenset(cast(list[int], levels)))
    if "score" in data:
        _only(data, {"score", *COMPARISONS}, where)
        return ScoreCondition(_dimension(data["score"], parser, where), _required_compare(data, where))
    if "otherwise" in data:
        raise RulesError(f"{where}: {{otherwise: true}} can only be a whole trigger")
    raise RulesError(f"{where}: unknown condition {dict(data)!r}")


def _parse_answer(data: Mapping[str, Any], parser: ParseContext, where: str) -> AnswerCondition:
    _only(data, {"answer", "in", "not_in", "answered", *COMPARISONS}, where)
    key = data["answer"]
    item = _answer_key(key, parser, where)
    in_ = not_in = None
    if "in" in data:
        in_ = frozenset(_options(data["in"], item, where))
    if "not_in" in data:
        not_in = frozenset(_options(data["not_in"], item, where))
    compare = _compare(data, where, required=False)
    if compare is not None and item.type != "scale_0_10":
        raise RulesError(f"{where}: comparisons need a 0–10 scale item, {item.id} is {item.type}")
    if (in_ is not None or not_in is not None) and item.type == "scale_0_10":
        raise RulesError(f"{where}: in/not_in need a choice item, {item.id} is a 0–10 scale")
    answered = data.get("answered", False)
    if answered not in (True, False):
        raise RulesError(f"{where}: answered must be true or false")
    if in_ is None and not_in is None and compare is None and not answered:
        raise RulesError(f"{where}: an answer condition needs in, not_in, a comparison or answered: true")
    return AnswerCondition(cast(str, key), in_, not_in, compare, bool(answered))


def _answer_key(key: object, parser: ParseContext, where: str) -> Item:
    if not isinstance(key, str):
        raise RulesError(f"{where}: answer key {key!r} must be a string")
    item_id = key.partition(".")[0]
    if item_id not in parser.questionnaire.items:
        raise RulesError(f"{where}: unknown item {item_id!r}")
    try:
        item, _row = parser.questionnaire.item_for_key(key)
    except KeyError:
        raise RulesError(
            f"{where}: unknown answer key {key!r} (a matrix needs item.row, with an existing row)"
        ) from None
    return item


def _item(item_id: object, parser: ParseContext, where: str) -> Item:
    item = parser.questionnaire.items.get(item_id) if isinstance(item_id, str) else None
    if item is None:
        raise RulesError(f"{where}: unknown item {item_id!r}")
    return item


def _options(raw: object, item: Item, where: str) -> list[str]:
    values = _list(raw, where)
    for value in values:
        if not isinstance(value, str):
            raise RulesError(f"{where}: option id {value!r} must be a string (quote it in YAML)")
        if item.option(value) is None:
            raise RulesError(f"{where}: unknown option {value!r} of item {item.id}")
    return cast(list[str], values)


def _task_set(raw: object, parser: ParseContext, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        if raw not in parser.task_sets:
            raise RulesError(f"{where}: unknown task set {raw!r}")
        return parser.task_sets[raw]
    tasks = _string_list(raw, f"{where}: tasks")
    for task in tasks:
        item = parser.questionnaire.items.get(task)
        if item is None or item.type != "multi":
            raise RulesError(f"{where}: unknown task item {task!r}")
    return tuple(tasks)


def _tool_set(raw: object, parser: ParseContext, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        if raw not in parser.tool_sets:
            raise RulesError(f"{where}: unknown tool set {raw!r}")
        return parser.tool_sets[raw]
    return tuple(_string_list(raw, f"{where}: set"))


def _dimension(raw: object, parser: ParseContext, where: str) -> str:
    if not isinstance(raw, str) or raw not in parser.dimensions:
        raise RulesError(f"{where}: unknown dimension {raw!r}")
    return raw


def _compare(data: Mapping[str, Any], where: str, required: bool) -> Compare | None:
    ops = []
    for op in COMPARISONS:
        if op in data:
            value = data[op]
            if isinstance(value, bool) or not isinstance(value, int):
                raise RulesError(f"{where}: {op} needs an integer")
            ops.append((op, value))
    if not ops:
        if required:
            raise RulesError(f"{where}: a comparison (eq, gte, gt, lte, lt) is required")
        return None
    return Compare(tuple(ops))


def _required_compare(data: Mapping[str, Any], where: str) -> Compare:
    compare = _compare(data, where, required=True)
    assert compare is not None
    return compare


def _bind(data: Mapping[str, Any], parser: ParseContext, where: str) -> bool:
    bind = data.get("bind", False)
    if bind not in (True, False):
        raise RulesError(f"{where}: bind must be true or false")
    if bind:
        parser.binds += 1
    return bool(bind)


def _only(data: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    extra = set(data) - set(allowed)
    if extra:
        raise RulesError(f"{where}: unexpected key(s) {sorted(map(str, extra))}")


# --------------------------------------------------------------------------- helpers

_shape = Shape(RulesError)
_mapping = _shape.mapping
_list = _shape.sequence
_text = _shape.text
_unique = _shape.unique


def _string_list(raw: object, where: str) -> list[str]:
    values = _list(raw, where)
    for value in values:
        if not isinstance(value, str):
            raise RulesError(f"{where}: {value!r} must be a string (quote it in YAML)")
    return cast(list[str], values)
