"""The condition registry of the rule language: one class per condition kind."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import yaml

from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules import (
    CONDITIONS,
    AllOf,
    AnswerCondition,
    Condition,
    Context,
    CountSelected,
    Match,
    ParseContext,
    RulesError,
    default_rules_path,
    evaluate_rules,
    parse_condition,
    parse_rules,
    register_condition,
)


def test_registered_kinds_in_parsing_order() -> None:
    assert list(CONDITIONS) == [
        "all_of",
        "any_of",
        "answer",
        "count_selected",
        "answered_tasks",
        "tools",
        "level",
        "score",
        "otherwise",
    ]
    for keyword, kind in CONDITIONS.items():
        assert kind.keyword == keyword
        assert issubclass(kind, Condition)


def test_each_kind_parses_itself(questionnaire: Questionnaire) -> None:
    parser = ParseContext(questionnaire, ("SK", "IN", "AP", "PR"), (1, 2, 3, 4))
    condition = parse_condition(
        {"all_of": [{"answer": "q8.privacy", "in": ["major"]}, {"count_selected": "q2_1", "gte": 2, "bind": True}]},
        parser,
        "test",
    )
    assert isinstance(condition, AllOf)
    answer, count = condition.conditions
    assert answer == AnswerCondition("q8.privacy", in_=frozenset({"major"}))
    assert isinstance(count, CountSelected) and count.bind and parser.binds == 1
    ctx = Context({"q8.privacy": "major", "q2_1": ["email", "cloud"]}, None)
    match = condition.evaluate(ctx)
    assert match is not None and match.keys == ("q8.privacy", "q2_1")
    assert match.bound is not None and match.bound.count == 2
    assert condition.evaluate(Context({"q8.privacy": "dont_know", "q2_1": ["email", "cloud"]}, None)) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"otherwise": True}, r"test: \{otherwise: true\} can only be a whole trigger"),
        ({"answer": "q6", "in": ["yes"], "level": "SK"}, r"test: unexpected key\(s\) \['level'\]"),
        ({"all_of": [], "any_of": []}, r"test: unexpected key\(s\) \['any_of'\]"),
        ({"all_of": []}, r"test: all_of is empty"),
        ({"sometimes": True}, r"test: unknown condition"),
        ({"count_selected": "q6", "gte": 1}, r"test: count_selected needs a multi item, q6 is single"),
        ({"answer": "q1", "in": ["yes"]}, r"unknown option 'yes' of item q1"),
        ({"answer": "q6", "gte": 3}, r"test: comparisons need a 0–10 scale item, q6 is single"),
        (["answer"], r"test: expected a mapping"),
    ],
)
def test_invalid_conditions_name_the_place(questionnaire: Questionnaire, raw: object, message: str) -> None:
    parser = ParseContext(questionnaire, ("SK", "IN", "AP", "PR"), (1, 2, 3, 4))
    with pytest.raises(RulesError, match=message):
        parse_condition(raw, parser, "test")


def test_a_keyword_cannot_be_taken_twice() -> None:
    @dataclass(frozen=True)
    class Again(Condition):
        keyword: ClassVar[str] = "answer"

        @classmethod
        def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
            return cls()

        def evaluate(self, ctx: Context) -> Match | None:
            return None

    with pytest.raises(ValueError, match="already registered"):
        register_condition(Again)
    assert CONDITIONS["answer"] is AnswerCondition


@dataclass(frozen=True)
class AnsweredAtLeast(Condition):
    """Test kind: at least ``n`` answer keys are present."""

    keyword: ClassVar[str] = "answered_at_least_test"
    n: int

    @classmethod
    def parse(cls, data: Mapping[str, Any], parser: ParseContext, where: str) -> Condition:
        value = data[cls.keyword]
        if not isinstance(value, int):
            raise RulesError(f"{where}: {cls.keyword} needs an integer")
        return cls(value)

    def evaluate(self, ctx: Context) -> Match | None:
        return Match(tuple(ctx.answers)) if len(ctx.answers) >= self.n else None


@pytest.fixture
def new_kind() -> Iterator[type[Condition]]:
    register_condition(AnsweredAtLeast)
    yield AnsweredAtLeast
    del CONDITIONS[AnsweredAtLeast.keyword]


def test_a_new_kind_is_one_class(questionnaire: Questionnaire, new_kind: type[Condition]) -> None:
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == "r2_privacy")
    rule["trigger"] = {"answered_at_least_test": 2}
    rule["why"] = [{"en": "Two answers.", "fr": "Deux réponses."}]
    rules = parse_rules(data, questionnaire)
    assert isinstance(rules.rule("r2_privacy").trigger, AnsweredAtLeast)
    fired = [f.rule.id for f in evaluate_rules({"q6": "yes", "q4": "no"}, None, rules)]
    assert "r2_privacy" in fired
    fired = [f.rule.id for f in evaluate_rules({"q6": "yes"}, None, rules)]
    assert "r2_privacy" not in fired
    rule["trigger"] = {"answered_at_least_test": "two"}
    with pytest.raises(RulesError, match=r"rule r2_privacy: trigger: answered_at_least_test needs an integer"):
        parse_rules(data, questionnaire)
