"""The profile rubric (design §3.2–3.4): the worked example, hand examples, missing rules, properties."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.core.questionnaire import Questionnaire, load_questionnaire
from benchmark.core.scoring import (
    Rubric,
    ScoringError,
    default_rubric_path,
    load_rubric,
    round_half_up,
    score,
)
from tests.factories import TASKS, WORKED_EXAMPLE, answer_sets

# --------------------------------------------------------------------------- the worked example


def test_worked_example_scores_levels_and_coverage(rubric: Rubric) -> None:
    profile = score(WORKED_EXAMPLE, rubric)
    got = {
        ds.dimension.id: (ds.score, ds.level.number if ds.level else None, ds.answered, ds.total)
        for ds in profile.dimensions
    }
    assert got == {
        "SK": (40, 2, 4, 4),
        "IN": (67, 3, 3, 4),
        "AP": (54, 3, 4, 5),
        "PR": (31, 2, 6, 6),
    }
    assert [ds.dimension.id for ds in profile.dimensions] == ["SK", "IN", "AP", "PR"]
    assert profile.get("AP").coverage == pytest.approx(0.8)
    assert profile.level("SK") is not None and profile.level("SK").name.en == "Developing"  # type: ignore[union-attr]
    assert profile.level("IN") is not None and profile.level("IN").name.fr == "Établi"  # type: ignore[union-attr]


def test_worked_example_indicator_values(rubric: Rubric) -> None:
    profile = score(WORKED_EXAMPLE, rubric)
    values = {v.indicator.id: v.value for ds in profile.dimensions for v in ds.indicators}
    F = Fraction
    assert values == {
        "SK1": F(1, 3), "SK2": F(1, 3), "SK3": F(1, 4), "SK4": F(2, 3),
        "IN1": F(1), "IN2": F(2, 3), "IN3": F(1, 3), "IN4": None,
        "AP1": F(1), "AP2": F(1, 3), "AP3": F(1, 2), "AP4": F(1, 3), "AP5": None,
        "PR1": F(1, 2), "PR2": F(6, 16), "PR3": F(1, 6), "PR4": F(1, 2), "PR5": F(0), "PR6": F(1, 3),
    }  # fmt: skip
    pr2 = next(v for v in profile.get("PR").indicators if v.indicator.id == "PR2")
    assert pr2.answered_rows == 4
    assert "q10.choose_tools" not in pr2.keys


# --------------------------------------------------------------------------- hand-computed examples


def test_skills_hand_example(rubric: Rubric) -> None:
    # SK1 (2+1)/3 = 1; SK2 none → 0 (answered); SK3 very_well 4/4 = 1; SK4 dont_know → missing.
    answers = {
        "q4": ["permanent_inhouse", "shared_roles"],
        "q2_2": ["none"],
        "q10.train_staff": "very_well",
        "q8.staff_literacy": "dont_know",
    }
    sk = score(answers, rubric).get("SK")
    assert (sk.answered, sk.total) == (3, 4)
    assert sk.score == 67  # 100 × 2/3 = 66.67
    assert sk.level is not None and sk.level.number == 3


def test_infrastructure_hand_example(rubric: Rubric) -> None:
    # IN1 major 0; IN2 dont_know; IN3 skipped; IN4 3 of 7 elements → (0 + 3/7) / 2 = 3/14 = 21.4 %.
    answers = {
        "q8.internet_access": "major",
        "q8.hardware": "dont_know",
        "n1": ["reliable_internet", "backups", "it_support"],
    }
    infra = score(answers, rubric).get("IN")
    assert (infra.score, infra.answered, infra.coverage) == (21, 2, 0.5)
    assert infra.level is not None and infra.level.number == 1


def test_infrastructure_below_minimum_has_no_score(rubric: Rubric) -> None:
    infra = score({"n1": ["none"], "q8.hardware": "dont_know"}, rubric).get("IN")
    assert (infra.score, infra.level, infra.answered, infra.coverage) == (None, None, 1, 0.25)
    assert not infra.sufficient


def test_applications_hand_example(rubric: Rubric) -> None:
    # AP1 no_website 0; AP2 3/3; AP3 videoconf 1/2; AP4 skipped; AP5 dont_know → (0 + 1 + 1/2) / 3 = 50.
    answers = {
        "q7": "no_website",
        "q2_1": ["cloud", "client_db", "online_forms", "email"],
        "q2_4": ["videoconf"],
        "q3_3": ["dont_know"],
    }
    ap = score(answers, rubric).get("AP")
    assert (ap.score, ap.answered, ap.total) == (50, 3, 5)
    assert ap.level is not None and ap.level.number == 3


def test_processes_rounds_half_up(rubric: Rubric) -> None:
    # PR1 in_progress 1/2; PR4, PR5, PR6 none → 0 → (1/2) / 4 = 12.5 → 13 (not banker's 12).
    answers = {"q6": "in_progress", "q3_2": ["none"], "q3_4": ["none"], "q3_5": ["none"]}
    pr = score(answers, rubric).get("PR")
    assert (pr.score, pr.answered) == (13, 4)


def test_matrix_indicator_averages_answered_rows_only(rubric: Rubric) -> None:
    answers = {"q8.privacy": "not_concern", "q8.data_quality": "dont_know", "q6": "yes", "q3_2": ["analytics"]}
    pr = score(answers, rubric).get("PR")
    pr3 = next(v for v in pr.indicators if v.indicator.id == "PR3")
    assert pr3.value == 1 and pr3.answered_rows == 1
    assert pr.score == round_half_up(Fraction(100) * (1 + 1 + Fraction(1, 2)) / 3)  # 83


def test_matrix_indicator_with_no_answered_row_is_missing(rubric: Rubric) -> None:
    answers = {"q8.privacy": "dont_know", "q8.data_quality": "dont_know", "q8.data_management": "dont_know"}
    pr3 = next(v for v in score(answers, rubric).get("PR").indicators if v.indicator.id == "PR3")
    assert pr3.value is None and not pr3.answered


def test_none_is_an_answer_worth_zero_and_dont_know_is_missing(rubric: Rubric) -> None:
    with_none = score({"q2_2": ["none"]}, rubric).get("SK").indicators[1]
    with_dont_know = score({"q2_2": ["dont_know"]}, rubric).get("SK").indicators[1]
    assert with_none.indicator.id == with_dont_know.indicator.id == "SK2"
    assert with_none.value == 0 and with_none.answered
    assert with_dont_know.value is None


def test_single_option_without_points_scores_zero(rubric: Rubric) -> None:
    ap1 = score({"q7": "no"}, rubric).get("AP").indicators[0]
    assert ap1.indicator.id == "AP1" and ap1.value == 0


def test_all_dont_know_gives_no_score_and_zero_coverage(questionnaire: Questionnaire, rubric: Rubric) -> None:
    answers: dict[str, object] = {}
    for indicator in rubric.indicators:
        for key in indicator.answer_keys():
            item = questionnaire.items[indicator.item]
            answers[key] = ["dont_know"] if item.type == "multi" else "dont_know"
    profile = score(answers, rubric)
    for ds in profile.dimensions:
        assert (ds.score, ds.level, ds.answered, ds.coverage) == (None, None, 0, 0.0)


def test_empty_answers_give_no_score(rubric: Rubric) -> None:
    assert all(ds.score is None and ds.coverage == 0.0 for ds in score({}, rubric).dimensions)


def test_malformed_values_count_as_missing(rubric: Rubric) -> None:
    profile = score({"q4": "shared_roles", "q7": ["yes"], "q8.privacy": 3}, rubric)
    assert all(v.value is None for ds in profile.dimensions for v in ds.indicators)


# --------------------------------------------------------------------------- levels and rounding


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, 1), (24, 1), (25, 2), (49, 2), (50, 3), (74, 3), (75, 4), (100, 4)],
)
def test_level_boundaries(rubric: Rubric, value: int, level: int) -> None:
    assert rubric.level_for(value).number == level


def test_levels_have_both_languages(rubric: Rubric) -> None:
    assert [lv.name.en for lv in rubric.levels] == ["Starting", "Developing", "Established", "Advanced"]
    assert [lv.name.fr for lv in rubric.levels] == ["Premiers pas", "En développement", "Établi", "Avancé"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Fraction(49, 2), 25), (Fraction(149, 2), 75), (Fraction(99, 2), 50), (Fraction(2449, 100), 24), (Fraction(0), 0)],
)
def test_round_half_up(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


def test_rubric_settings(rubric: Rubric) -> None:
    assert rubric.version == "v1"
    # k (the smallest peer group) comes from the app config only (PEER_MIN_GROUP), never from the rubric.
    assert not hasattr(rubric, "k_min_group") and not hasattr(rubric, "k_min_cell")
    assert {d.id: d.min_answered for d in rubric.dimensions} == {"SK": 2, "IN": 2, "AP": 3, "PR": 3}
    assert {d: len(rubric.indicators_of(d)) for d in rubric.dimension_ids()} == {"SK": 4, "IN": 4, "AP": 5, "PR": 6}
    assert all(i.weight == 1 for i in rubric.indicators)


# --------------------------------------------------------------------------- validation


def _plant(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(default_rubric_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _indicator(data: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["id"] == indicator_id)


@pytest.mark.parametrize(
    ("indicator_id", "change", "message"),
    [
        ("SK1", lambda i: i["points"].update({"full_time_cio": 1}), "full_time_cio"),
        ("PR3", lambda i: i["rows"].append("cybersecurity"), "cybersecurity"),
        ("AP2", lambda i: i.update(item="q2_9"), "q2_9"),
        ("AP5", lambda i: i.update(max=5), "max"),
        ("IN1", lambda i: i.pop("rows"), "matrix"),
        ("SK2", lambda i: i["points"].update({"dont_know": 1}), "dont_know"),
    ],
)
def test_invalid_rubric_names_the_indicator(
    tmp_path: Path, questionnaire: Questionnaire, indicator_id: str, change: Any, message: str
) -> None:
    path = _plant(tmp_path, lambda data: change(_indicator(data, indicator_id)))
    with pytest.raises(ScoringError, match=rf"indicator {indicator_id}\b.*{message}"):
        load_rubric(questionnaire, path)


def test_level_gap_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda data: data["levels"][1].update(min=26))
    with pytest.raises(ScoringError, match="level 2"):
        load_rubric(questionnaire, path)


# --------------------------------------------------------------------------- properties


QUESTIONNAIRE = load_questionnaire()
RUBRIC = load_rubric(QUESTIONNAIRE)


@settings(max_examples=200, deadline=None)
@given(answer_sets(QUESTIONNAIRE))
def test_scores_are_in_range_and_match_their_level(answers: dict[str, object]) -> None:
    for ds in score(answers, RUBRIC).dimensions:
        assert 0 <= ds.answered <= ds.total
        if ds.score is None:
            assert ds.level is None
            assert ds.answered < ds.dimension.min_answered
        else:
            assert 0 <= ds.score <= 100
            assert ds.level is not None and ds.level.contains(ds.score)
        for value in ds.indicators:
            assert value.value is None or 0 <= value.value <= 1


@st.composite
def tool_additions(draw: st.DrawFn, questionnaire: Questionnaire) -> tuple[dict[str, object], str, str]:
    answers = draw(answer_sets(questionnaire))
    task = draw(st.sampled_from(TASKS))
    tools = [o.id for o in questionnaire.items[task].options if not o.exclusive]
    selected = draw(st.lists(st.sampled_from(tools), min_size=1, max_size=len(tools) - 1, unique=True))
    answers[task] = selected
    extra = draw(st.sampled_from([t for t in tools if t not in selected]))
    return answers, task, extra


@settings(max_examples=200, deadline=None)
@given(tool_additions(QUESTIONNAIRE))
def test_adding_a_used_tool_to_a_task_never_lowers_a_score(case: tuple[dict[str, object], str, str]) -> None:
    answers, task, extra = case
    before = score(answers, RUBRIC)
    after = score({**answers, task: [*answers[task], extra]}, RUBRIC)  # type: ignore[misc]
    for old, new in zip(before.dimensions, after.dimensions, strict=True):
        assert old.answered == new.answered
        if old.score is None:
            assert new.score is None
        else:
            assert new.score is not None and new.score >= old.score


@pytest.mark.parametrize("key", ["k_min_group", "k_min_cell"])
def test_k_is_not_read_from_the_rubric(tmp_path: Path, questionnaire: Questionnaire, key: str) -> None:
    path = _plant(tmp_path, lambda data: data.update({key: 10}))
    with pytest.raises(ScoringError, match=f"{key}.*app config"):
        load_rubric(questionnaire, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _indicator(d, "SK1")["points"].update(shared_roles=-1), r"indicator SK1: points\['shared_roles'\]"),
        (
            lambda d: _indicator(d, "SK1")["points"].update({1: 1}),
            r"indicator SK1: points: key must be a string, got 1",
        ),
        (lambda d: _indicator(d, "SK1").update(weight=0), r"indicator SK1: weight must be an integer >= 1, got 0"),
        (lambda d: _indicator(d, "SK1").update(wieght=2), r"indicator SK1: unknown field\(s\) wieght"),
        (lambda d: _indicator(d, "SK1").update(anchor=" "), r"indicator SK1: anchor must not be blank"),
        (lambda d: _indicator(d, "SK1").pop("description"), r"indicator SK1: description is required"),
        (lambda d: d["dimensions"][0]["name"].pop("fr"), r"dimension SK: name: the FR text is missing"),
        (lambda d: d["dimensions"][0].update(min_answered=True), r"dimension SK: min_answered must be an integer"),
        (lambda d: d["levels"][1].update(min="25"), r"level 2: min must be an integer, got '25'"),
        (lambda d: d["levels"][1].update(min=60), r"level 2: min must be <= max"),
        (lambda d: d.update(show_derived_2017_means="no"), r"show_derived_2017_means must be true or false"),
        (lambda d: d.pop("rubric_version"), r"rubric: rubric_version is required"),
    ],
)
def test_shape_errors_name_the_entry(tmp_path: Path, questionnaire: Questionnaire, change: Any, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        load_rubric(questionnaire, _plant(tmp_path, change))
