"""Recommendations: the 2017 report's five recommendations, matched to one organisation's answers.

``benchmark/core/data/recommendations.yaml`` (design §4) holds the five
recommendations (FR verbatim from the 2017 report, EN our rendering), the twelve
innovative-practice links of the report, and the rules that say why a
recommendation concerns the user. Rules are data: each has a declarative
*trigger* written in a small condition language (documented at the top of the
YAML file and in :mod:`.conditions`), "why" texts with placeholders and
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

Modules:

* :mod:`.conditions` — the condition language: one registered class per kind
  (:data:`~.conditions.CONDITIONS`, :func:`~.conditions.register_condition`);
* :mod:`.model` — :class:`RuleSet`, :class:`Rule`, :class:`Link` … and the result types;
* :mod:`.engine` — :func:`evaluate_rules`, :func:`recommend`;
* :mod:`.render` — why-line placeholders, :func:`render_link`, :func:`practice_links`;
* :mod:`.loader` — :func:`load_rules`, :func:`parse_rules`;
* :mod:`.schema` — the shape of the file (msgspec schemas; conditions stay raw).

This package is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from benchmark.core.rules.conditions import (
    CONDITIONS,
    AllOf,
    AnswerCondition,
    AnsweredTasks,
    AnyOf,
    Condition,
    CountSelected,
    LevelCondition,
    Otherwise,
    ScoreCondition,
    ToolsCount,
    parse_condition,
    register_condition,
)
from benchmark.core.rules.context import (
    Bound,
    Context,
    Match,
)
from benchmark.core.rules.engine import (
    evaluate_rules,
    recommend,
    top_steps,
)
from benchmark.core.rules.loader import (
    DEFAULT_DIMENSIONS,
    DEFAULT_LEVELS,
    default_rules_path,
    load_rules,
    parse_rules,
)
from benchmark.core.rules.model import (
    ENGLISH_ONLY,
    EXPANDED_GROUPS,
    FRENCH_PAGE,
    MAX_LINKS,
    MAX_WHY_LINES,
    TOP_STEPS,
    AnswerRef,
    FiredRule,
    Link,
    NextStep,
    Recommendation,
    RecommendationGroup,
    RenderedLink,
    Rule,
    RuleSet,
    Variant,
    WhyLine,
)
from benchmark.core.rules.parsing import (
    COMPARISONS,
    Compare,
    ParseContext,
    RulesError,
)
from benchmark.core.rules.render import (
    NO_TOOLS,
    NOT_PUBLISHED,
    PLACEHOLDER,
    item_number,
    lower_first,
    practice_links,
    render_link,
    short_option_label,
)
from benchmark.core.rules.schema import LINK_ID_PATTERN, RULE_ID_PATTERN

__all__ = [
    "COMPARISONS",
    "CONDITIONS",
    "DEFAULT_DIMENSIONS",
    "DEFAULT_LEVELS",
    "ENGLISH_ONLY",
    "EXPANDED_GROUPS",
    "FRENCH_PAGE",
    "LINK_ID_PATTERN",
    "MAX_LINKS",
    "MAX_WHY_LINES",
    "NOT_PUBLISHED",
    "NO_TOOLS",
    "PLACEHOLDER",
    "RULE_ID_PATTERN",
    "TOP_STEPS",
    "AllOf",
    "AnswerCondition",
    "AnswerRef",
    "AnsweredTasks",
    "AnyOf",
    "Bound",
    "Compare",
    "Condition",
    "Context",
    "CountSelected",
    "FiredRule",
    "LevelCondition",
    "Link",
    "Match",
    "NextStep",
    "Otherwise",
    "ParseContext",
    "Recommendation",
    "RecommendationGroup",
    "RenderedLink",
    "Rule",
    "RuleSet",
    "RulesError",
    "ScoreCondition",
    "ToolsCount",
    "Variant",
    "WhyLine",
    "default_rules_path",
    "evaluate_rules",
    "item_number",
    "load_rules",
    "lower_first",
    "parse_condition",
    "parse_rules",
    "practice_links",
    "recommend",
    "register_condition",
    "render_link",
    "short_option_label",
    "top_steps",
]
