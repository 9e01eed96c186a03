"""Next steps fit the answers: per-step conditions in the rules data, and one ranking for the page and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.core.baseline import Baseline
from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules import (
    TOP_STEPS,
    RulesError,
    RuleSet,
    default_rules_path,
    load_rules,
    recommend,
    top_steps,
)
from benchmark.core.scoring import Rubric, score
from tests.factories import TASKS, WORKED_EXAMPLE

WEBSITE_STATISTICS = "Turn on the free statistics of your website or social-media pages"


@pytest.fixture(scope="module")
def rules(questionnaire: Questionnaire, rubric: Rubric) -> RuleSet:
    return load_rules(questionnaire, dimensions=rubric.dimension_ids())


def _steps(
    answers: dict[str, object],
    rubric: Rubric,
    questionnaire: Questionnaire,
    baseline: Baseline,
    rules: RuleSet,
    lang: str = "en",
) -> tuple[list[str], list[str]]:
    groups = recommend(answers, score(answers, rubric), questionnaire, baseline, lang, rules)
    return [step for group in groups for step in group.steps], [step.text for step in top_steps(groups)]


def test_no_website_statistics_step_for_an_organisation_without_a_website(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    """Every task answered with e-mail only: r1_technical fires, but the website steps do not apply."""
    answers: dict[str, object] = {task: ["email"] for task in TASKS}
    groups = recommend(answers, score(answers, rubric), questionnaire, baseline, "en", rules)
    r1 = next(group for group in groups if group.recommendation.id == "R1")
    assert "r1_technical" in r1.rules
    every_step = [step for group in groups for step in group.steps]
    assert not any(step.startswith(WEBSITE_STATISTICS) for step in every_step)
    assert not any("link it from your website" in step for step in every_step)
    # The rule still offers the step that needs no website.
    assert any(step.startswith("Turn one figure you already report") for step in r1.steps)


def test_the_website_step_is_offered_and_ranked_first_with_a_website(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    answers: dict[str, object] = {task: ["email"] for task in TASKS}
    answers["q3_2"] = ["website"]
    every_step, top = _steps(answers, rubric, questionnaire, baseline, rules)
    assert any(step.startswith(WEBSITE_STATISTICS) for step in every_step)
    # A step written for answers like these fits better than the generic ones.
    assert top[0].startswith(WEBSITE_STATISTICS)


def test_dont_know_makes_a_conditional_step_not_apply(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    answers: dict[str, object] = {task: ["email"] for task in TASKS}
    answers["q3_2"] = ["dont_know"]
    every_step, _top = _steps(answers, rubric, questionnaire, baseline, rules)
    assert not any(step.startswith(WEBSITE_STATISTICS) for step in every_step)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_top_steps_are_three_offered_steps_ranked_by_fit(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet, lang: str
) -> None:
    groups = recommend(WORKED_EXAMPLE, score(WORKED_EXAMPLE, rubric), questionnaire, baseline, lang, rules)
    top = top_steps(groups)
    assert len(top) == TOP_STEPS == 3
    offered = {step for group in groups for step in group.steps}
    assert all(step.text in offered for step in top)
    # One step per rule first: three different findings each get a step, the best fit first.
    assert len({step.rule_id for step in top}) == 3
    fits = [step.fit for step in top]
    assert fits == sorted(fits, reverse=True)
    best = max(step.fit for group in groups for step in group.next_steps)
    assert top[0].fit == best
    assert len({step.text for step in top}) == 3


def test_the_default_rule_steps_come_last(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    groups = recommend({}, score({}, rubric), questionnaire, baseline, "en", rules)
    assert all(step.fit == 0 for group in groups for step in group.next_steps)
    assert top_steps(groups)


def _plant(tmp_path: Path, rule_id: str, change: Any) -> Path:
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    change(next(rule for rule in data["rules"] if rule["id"] == rule_id))
    path = tmp_path / "recommendations.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["steps"][0].update(when={"answer": "q99", "in": ["yes"]}), r"steps\[0\]: when.*q99"),
        (lambda r: r["steps"][0].update(when={"tools": {"tasks": "ALL", "set": ["fax"]}, "gte": 1}), "fax"),
        (
            lambda r: [step.update(when={"answer": "q7", "in": ["yes"]}) for step in r["steps"]],
            "at least one next step",
        ),
        (lambda r: r["steps"][0].update(colour="red"), "colour"),
    ],
)
def test_invalid_step_conditions_are_rejected_at_load(
    tmp_path: Path, questionnaire: Questionnaire, change: Any, message: str
) -> None:
    with pytest.raises(RulesError, match=rf"r1_technical.*{message}"):
        load_rules(questionnaire, _plant(tmp_path, "r1_technical", change))
