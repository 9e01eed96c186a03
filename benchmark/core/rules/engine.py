"""Evaluating the rules for one set of answers and grouping what fires by recommendation (design §4.5).

Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping

from benchmark.core.baseline import Baseline
from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules.context import Context, Match
from benchmark.core.rules.loader import load_rules
from benchmark.core.rules.model import (
    EXPANDED_GROUPS,
    MAX_LINKS,
    FiredRule,
    RecommendationGroup,
    Rule,
    RuleSet,
    Variant,
)
from benchmark.core.rules.render import Renderer, render_link
from benchmark.core.scoring import Profile


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
    renderer = Renderer(answers, profile, questionnaire, baseline, ruleset, lang)
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
