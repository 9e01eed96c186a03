"""The team's combined profile: medians, spreads per kind of item, widest items, combined answers, prompts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.scoring import Rubric
from benchmark.core.team import (
    TeamPromptsError,
    choice_spread,
    combine,
    combined_answers,
    default_prompts_path,
    load_team_prompts,
    median_score,
    multiple_spread,
    numeric_spread,
)


def test_median_rounds_half_up_and_handles_none() -> None:
    assert median_score([40, 61]) == 51  # 50.5 → 51
    assert median_score([10, 90, 30]) == 30
    assert median_score([]) is None


def test_choice_spread_is_the_variation_ratio() -> None:
    assert choice_spread(["a", "a", "a"]) == 0
    assert choice_spread(["a", "b"]) == 0.5
    assert choice_spread(["a", "b", "c"]) == pytest.approx(2 / 3)
    assert choice_spread(["a", "a", "b"]) == pytest.approx(1 / 3)


def test_multiple_spread_is_the_mean_pairwise_jaccard_distance() -> None:
    same = frozenset({"x", "y"})
    assert multiple_spread([same, same, same]) == 0
    assert multiple_spread([frozenset({"x"}), frozenset({"y"})]) == 1
    # pairs: {x,y}-{x} 0.5, {x,y}-{y} 0.5, {x}-{y} 1 → mean 2/3
    assert multiple_spread([same, frozenset({"x"}), frozenset({"y"})]) == pytest.approx(2 / 3)


def test_numeric_spread_is_the_range_over_the_width() -> None:
    assert numeric_spread([3, 3], 10) == 0
    assert numeric_spread([0, 10, 5], 10) == 1
    assert numeric_spread([2, 6], 10) == pytest.approx(0.4)


def _answers(questionnaire: Questionnaire) -> tuple[Item, Item, Item, list[dict[str, Any]]]:
    single = next(i for i in questionnaire.iter_items() if i.type == "single" and len(i.options) >= 3)
    multi = next(
        i
        for i in questionnaire.iter_items()
        if i.type == "multi" and len(i.options) >= 3 and not any(o.exclusive for o in i.options[:3])
    )
    scale = next(i for i in questionnaire.iter_items() if i.type == "scale_0_10")
    a, b, c = (o.id for o in single.options[:3])
    x, y, _ = (o.id for o in multi.options[:3])
    sets: list[dict[str, Any]] = [
        {single.id: a, multi.id: [x, y], scale.id: 2},
        {single.id: b, multi.id: [x], scale.id: 9},
        {single.id: a, multi.id: [x, y]},
    ]
    return single, multi, scale, sets


def test_combine_medians_spreads_and_shares(questionnaire: Questionnaire, rubric: Rubric) -> None:
    single, multi, scale, sets = _answers(questionnaire)
    dims = rubric.dimension_ids()
    scores = [{dims[0]: 20, dims[1]: 50}, {dims[0]: 80, dims[1]: None}, {dims[0]: 50, dims[1]: 54}]
    team = combine(questionnaire, dims, sets, scores)
    assert team.respondents == 3
    first = team.components[0]
    assert (first.scores, first.median, first.lowest, first.highest, first.range) == (3, 50, 20, 80, 60)
    assert first.iqr == pytest.approx(30.0)  # inclusive quartiles of 20, 50, 80: 35 and 65
    second = team.components[1]
    assert (second.scores, second.median, second.range) == (2, 52, 4)
    assert team.components[2].median is None and team.components[2].iqr is None
    by_key = {spread.key: spread for spread in team.items}
    assert by_key[single.id].kind == "choice" and by_key[single.id].spread == pytest.approx(1 / 3)
    assert [(s.value, s.count) for s in by_key[single.id].shares][0] == (single.options[0].id, 2)
    assert by_key[multi.id].kind == "multiple" and by_key[multi.id].answered == 3
    assert by_key[scale.id].kind == "numeric" and by_key[scale.id].answered == 2
    assert by_key[scale.id].spread == pytest.approx(0.7)
    # A key only one colleague answered has no spread.
    assert all(spread.answered >= 2 for spread in team.items)
    widest = team.widest(2)
    assert [s.key for s in widest] == [scale.id, multi.id]


def test_widest_leaves_out_agreement(questionnaire: Questionnaire, rubric: Rubric) -> None:
    single, _, _, _ = _answers(questionnaire)
    same = [{single.id: single.options[0].id}] * 3
    team = combine(questionnaire, rubric.dimension_ids(), same, [{}] * 3)
    assert team.items and team.widest() == []


def test_combined_answers_take_the_most_common_and_the_median(questionnaire: Questionnaire) -> None:
    single, multi, scale, sets = _answers(questionnaire)
    combined = combined_answers(questionnaire, sets)
    assert combined[single.id] == single.options[0].id
    assert sorted(combined[multi.id]) == sorted(sets[0][multi.id])  # type: ignore[arg-type]
    assert combined[scale.id] == 6  # median of 2 and 9 = 5.5 → 6
    # A tie goes to the first answer set (the organisation's own).
    tie = combined_answers(questionnaire, [{single.id: single.options[1].id}, {single.id: single.options[0].id}])
    assert tie[single.id] == single.options[1].id


def test_packaged_prompts_load_and_fill_in_names() -> None:
    prompts = load_team_prompts()
    assert "Skills" in prompts.for_component("Skills", "en")
    assert "«\u00a0Website\u00a0»" in prompts.for_item("choice", "Website", "fr")
    assert set(prompts.items) == {"choice", "multiple", "numeric"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"].pop("numeric"), "item kind numeric: no prompt"),
        (lambda d: d["items"].update(grid={"en": "{item}", "fr": "{item}"}), "item kind grid: not a kind"),
        (lambda d: d["items"]["choice"].update(fr="Sans nom"), "item kind choice: the FR text lacks {item}"),
        (lambda d: d["component"].update(en="No name"), "component: the EN text lacks {component}"),
        (lambda d: d["items"]["multiple"].update(fr=" "), "FR text is missing"),
    ],
)
def test_broken_prompts_are_refused_naming_the_entry(tmp_path: Path, change: Any, message: str) -> None:
    data = yaml.safe_load(default_prompts_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "team_prompts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TeamPromptsError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_team_prompts(path)
