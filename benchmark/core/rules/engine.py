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
    MAX_LINKS,
    TOP_STEPS,
    FiredRule,
    NextStep,
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
        next_steps = _next_steps(fired_rules, Context(answers, profile), index, lang)
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
                steps=tuple(step.text for step in next_steps),
                links=tuple(render_link(link, lang) for link in links[:MAX_LINKS]),
                expanded=True,
                full_list=any(f.rule.full_list for f in fired_rules),
                next_steps=next_steps,
            )
        )
    return groups


def _next_steps(fired_rules: list[FiredRule], ctx: Context, group_index: int, lang: str) -> tuple[NextStep, ...]:
    """The steps of one recommendation's fired rules that fit the answers, in rule order, without repeats."""
    steps: list[NextStep] = []
    seen: set[str] = set()
    for fired in fired_rules:
        evidence = 0 if fired.rule.is_default else min(3, len(fired.match.keys))
        for index, targeted in fired.rule.offered_steps(ctx):
            text = fired.rule.steps[index].get(lang)
            if text in seen:
                continue
            seen.add(text)
            fit = (2 if targeted else 0) + evidence
            order = (group_index, fired.rule.priority, index)
            steps.append(NextStep(text, fired.rule.recommendation, fired.rule.id, index, fit, order))
    return tuple(steps)


def top_steps(groups: list[RecommendationGroup], count: int = TOP_STEPS) -> list[NextStep]:
    """The ``count`` next steps that fit these answers best: the one list the results page and the PDF show first.

    Ranked by :attr:`NextStep.fit` (a step written for answers like these, then the rules with the
    most evidence), ties broken by recommendation order, rule priority and step position; one step
    per rule first, so that three different findings each get a step. Only steps offered by
    :func:`recommend` are candidates, so none contradicts an answer.
    """
    ranked = sorted((step for group in groups for step in group.next_steps), key=lambda s: (-s.fit, s.order))
    rules_seen: set[str] = set()
    first: list[NextStep] = []
    rest: list[NextStep] = []
    for step in ranked:
        (rest if step.rule_id in rules_seen else first).append(step)
        rules_seen.add(step.rule_id)
    return (first + rest)[:count]
