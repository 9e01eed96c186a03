"""Combined groupings (issue 14, "both"): declared in questionnaire.yaml, validated at load."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from benchmark.core.questionnaire import (
    COMBINED_GROUPING_KEYS,
    CombinedGrouping,
    Questionnaire,
    QuestionnaireError,
    default_data_path,
    parse_questionnaire,
)


def _data() -> dict[str, Any]:
    return yaml.safe_load(default_data_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_packaged_combined_groupings_are_size_and_region_then_funding_and_region(
    questionnaire: Questionnaire,
) -> None:
    combined, dashboard_only = questionnaire.combined_groupings.values()
    assert dashboard_only == CombinedGrouping(
        "fund_reg", ("funding", "region"), peer_group=False, status="reconstructed", rationale=dashboard_only.rationale
    )
    assert "Issue 17" in dashboard_only.rationale and "no 2017 figure" in dashboard_only.rationale
    assert combined == CombinedGrouping(
        "size_reg", ("size", "region"), peer_group=True, status="reconstructed", rationale=combined.rationale
    )
    assert "Issue 14" in combined.rationale and "no 2017 figure" in combined.rationale
    assert [questionnaire.groupings[part].id for part in combined.parts] == ["q25", "q26"]
    assert {"grouping", "of", "peer_group", "status", "rationale"} == COMBINED_GROUPING_KEYS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"of": ["size"]}, r"combined grouping size_reg: of: two different groupings of facts are needed"),
        ({"of": ["size", "size"]}, r"of: two different groupings of facts are needed, not \['size', 'size'\]"),
        ({"of": ["size", "region", "funding"]}, r"two different groupings of facts are needed"),
        ({"of": ["size", "role"]}, r"of: 'role' is not the grouping of a fact \(known: \['franco', 'funding'"),
        ({"of": ["size", "q26"]}, r"of: 'q26' is not the grouping of a fact"),
        ({"grouping": "region"}, r"combined grouping region: the name is already a grouping"),
        ({"grouping": "all"}, r"combined grouping all: the name is already a grouping"),
        ({"grouping": "Size-Reg"}, r"combined grouping .*grouping must match"),
        ({"rationale": " "}, r"combined grouping size_reg: rationale must not be blank"),
        ({"status": "invented"}, r"status must be one of"),
        ({"colour": "red"}, r"unknown field\(s\) colour"),
    ],
)
def test_an_invalid_combined_grouping_names_itself(change: dict[str, Any], message: str) -> None:
    data = _data()
    data["combined_groupings"][0].update(change)
    with pytest.raises(QuestionnaireError, match=message):
        parse_questionnaire(data)


def test_a_peer_group_combines_only_peer_group_facts() -> None:
    data = _data()
    age = next(item for item in data["items"] if item["id"] == "q24")
    age["fact"] = {"column": "age_band", "grouping": "age"}  # a grouping, not a peer group
    data["combined_groupings"][0]["of"] = ["age", "region"]
    with pytest.raises(QuestionnaireError, match=r"a peer group can combine only peer-group facts, not 'age'"):
        parse_questionnaire(data)
    data["combined_groupings"][0]["peer_group"] = False  # counted, not offered: allowed
    assert not parse_questionnaire(data).combined_groupings["size_reg"].peer_group


def test_two_combined_groupings_cannot_share_a_name() -> None:
    data = _data()
    data["combined_groupings"].append(dict(data["combined_groupings"][0]))
    with pytest.raises(QuestionnaireError, match=r"combined grouping size_reg: the name is already a grouping"):
        parse_questionnaire(data)


def test_without_a_declaration_there_is_no_combined_grouping() -> None:
    data = _data()
    del data["combined_groupings"]
    assert parse_questionnaire(data).combined_groupings == {}
