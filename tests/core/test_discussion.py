"""The workshop discussion prompts: the packaged file loads, a broken one is refused naming the dimension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.core.discussion import DiscussionError, default_discussion_path, load_discussion
from benchmark.core.questionnaire import Questionnaire
from benchmark.core.rules import RuleSet, load_rules
from benchmark.core.scoring import Rubric


@pytest.fixture(scope="module")
def rules(questionnaire: Questionnaire, rubric: Rubric) -> RuleSet:
    return load_rules(questionnaire, dimensions=rubric.dimension_ids())


def test_packaged_prompts_load(rules: RuleSet, rubric: Rubric) -> None:
    prompts = load_discussion(rules, rubric.dimension_ids())
    assert list(prompts) == list(rubric.dimension_ids())
    for entry in prompts.values():
        assert entry.prompts and all(p.en and p.fr for p in entry.prompts)


def _plant(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(default_discussion_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "discussion.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["dimensions"]["SK"]["prompts"][0].pop("fr"),
            r"dimension SK: prompts\[0\]: the FR text is missing",
        ),
        (lambda d: d["dimensions"]["SK"].update(prompts=[]), r"dimension SK: at least one prompt is needed"),
        (lambda d: d["dimensions"]["SK"].update(link=["L01"]), r"dimension SK: unknown field\(s\) link"),
        (lambda d: d["dimensions"]["SK"]["links"].append("L99"), r"dimension SK: unknown link 'L99'"),
        (lambda d: d["dimensions"]["IN"]["recommendations"].append("R9"), r"dimension IN: unknown recommendation 'R9'"),
        (lambda d: d["dimensions"].pop("AP"), r"dimension AP: no prompts"),
        (lambda d: d["dimensions"].update(XX={"prompts": []}), r"dimension XX: not a dimension of the rubric"),
        (lambda d: d.update(dimensions=[]), r"dimensions must be a mapping, got a list"),
    ],
)
def test_broken_file_names_the_dimension(
    tmp_path: Path, rules: RuleSet, rubric: Rubric, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(DiscussionError, match=message):
        load_discussion(rules, rubric.dimension_ids(), _plant(tmp_path, change))
