"""Organisation facts declared in questionnaire.yaml (q22–q26) and their validation at load."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from benchmark.core.questionnaire import (
    Fact,
    Questionnaire,
    QuestionnaireError,
    default_data_path,
    parse_questionnaire,
)


def _data() -> dict[str, Any]:
    return yaml.safe_load(default_data_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in data["items"] if item["id"] == item_id)


def test_packaged_facts(questionnaire: Questionnaire) -> None:
    assert [item.id for item in questionnaire.facts] == ["q22", "q23", "q24", "q25", "q26", "n2"]
    assert {item.id: item.fact.column for item in questionnaire.facts if item.fact} == {
        "q22": "role",
        "q23": "funding",
        "q24": "age_band",
        "q25": "size_band",
        "q26": "region",
        "n2": "francophone_minority",
    }
    assert {name: item.id for name, item in questionnaire.groupings.items()} == {
        "size": "q25",
        "funding": "q23",
        "region": "q26",
        "franco": "n2",
    }
    assert {name: item.id for name, item in questionnaire.breakdowns.items()} == {
        "province": "q26",
        "size": "q25",
        "funding": "q23",
    }
    assert questionnaire.items["q26"].fact == Fact(
        column="region", grouping="region", breakdown="province", peer_group=True, multiple=True
    )
    assert questionnaire.items["q25"].fact == Fact(
        column="size_band", grouping="size", breakdown="size", peer_group=True, multiple=False
    )
    assert [item.id for item in questionnaire.facts if item.fact and item.fact.peer_group] == [
        "q23",
        "q25",
        "q26",
        "n2",
    ]
    assert questionnaire.items["q6"].fact is None


@pytest.mark.parametrize(
    ("item_id", "fact", "message"),
    [
        ("q22", {"column": "Role"}, r"item q22: fact: column must match .*, got 'Role'"),
        ("q22", {"column": "role; drop"}, r"item q22: fact: column must match .*, got 'role; drop'"),
        ("q22", {"column": 3}, r"item q22: fact: column must be a string, got 3"),
        ("q22", {"grouping": "role"}, r"item q22: fact: column is required"),
        ("q22", {"column": "role", "breakdown": "by-role"}, r"item q22: fact: breakdown must match .*, got 'by-role'"),
        ("q22", {"column": "role", "peer_group": "yes"}, r"item q22: fact: peer_group must be true or false"),
        ("q22", {"column": "role", "colour": "red"}, r"item q22: fact: unknown field\(s\) colour"),
        ("q22", ["role"], r"item q22: fact must be a mapping"),
        ("q1", {"column": "importance"}, r"item q1: fact: only a single or multiple choice item .* scale_0_10"),
        ("q8", {"column": "concerns"}, r"item q8: fact: only a single or multiple choice item .* matrix"),
    ],
)
def test_invalid_fact_names_the_item(item_id: str, fact: object, message: str) -> None:
    data = _data()
    _item(data, item_id)["fact"] = fact
    with pytest.raises(QuestionnaireError, match=message):
        parse_questionnaire(data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("column", "size_band", r"item q25: fact: column 'size_band' is already used by item q23"),
        ("grouping", "region", r"item q26: fact: grouping 'region' is already used by item q23"),
        ("breakdown", "province", r"item q26: fact: breakdown 'province' is already used by item q23"),
    ],
)
def test_fact_names_are_unique(field: str, value: str, message: str) -> None:
    data = _data()
    _item(data, "q23")["fact"][field] = value
    with pytest.raises(QuestionnaireError, match=message):
        parse_questionnaire(data)


def test_the_rubric_version_is_not_declared_in_the_questionnaire() -> None:
    data = _data()
    assert "rubric_version" not in data["meta"]
    data["meta"]["rubric_version"] = "v1"
    with pytest.raises(QuestionnaireError, match=r"meta: rubric_version .* scoring\.yaml"):
        parse_questionnaire(data)
