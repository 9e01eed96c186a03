"""The item-type registry: one class per questionnaire type, behaviour as before the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
import yaml

from benchmark.core import item_types
from benchmark.core.baseline_import import AnswerError, parse_answer
from benchmark.core.item_types import ItemKind, TypeTable
from benchmark.core.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    check_answer,
    default_data_path,
    describe_answer,
    parse_questionnaire,
)


def test_every_type_of_the_data_file_is_registered(questionnaire: Questionnaire) -> None:
    assert item_types.names() == {"single", "multi", "scale_0_10", "matrix"}
    assert {item.type for item in questionnaire.items.values()} == item_types.names()
    for item in questionnaire.items.values():
        assert item.kind is item_types.get(item.type)
        assert item.kind.name == item.type


def test_answer_keys(questionnaire: Questionnaire) -> None:
    assert questionnaire.items["q6"].answer_keys() == ("q6",)
    assert questionnaire.items["q1"].answer_keys() == ("q1",)
    assert questionnaire.items["q8"].answer_keys()[0] == "q8.privacy"
    assert len(questionnaire.items["q8"].answer_keys()) == len(questionnaire.items["q8"].rows)


@pytest.mark.parametrize(
    ("item_id", "value", "code"),
    [
        ("q1", 7, None),
        ("q1", 0, None),
        ("q1", 11, "out_of_range"),
        ("q1", True, "wrong_type"),
        ("q1", "7", "wrong_type"),
        ("q2_1", ["email", "cloud"], None),
        ("q2_1", [], "empty"),
        ("q2_1", ["email", "email"], "duplicate"),
        ("q2_1", ["email", "fax"], "unknown_option"),
        ("q2_1", ["none", "email"], "exclusive"),
        ("q2_1", "email", "wrong_type"),
        ("q6", "yes", None),
        ("q6", "maybe", "unknown_option"),
        ("q6", ["yes"], "wrong_type"),
        ("q8", "major", None),
        ("q8", 3, "wrong_type"),
    ],
)
def test_check(questionnaire: Questionnaire, item_id: str, value: object, code: str | None) -> None:
    item = questionnaire.items[item_id]
    assert item.kind.check(item, value) == code
    assert check_answer(item, value) == code


def test_describe(questionnaire: Questionnaire) -> None:
    scale, multi, single = (questionnaire.items[i] for i in ("q1", "q2_1", "q6"))
    assert describe_answer(scale, 7, "en") == "7 / 10"
    assert describe_answer(scale, None, "en") is None
    assert describe_answer(multi, ["email", "fax"], "en") == "Email"
    assert describe_answer(multi, ["fax"], "en") is None
    assert describe_answer(single, "yes", "fr") == single.option("yes").label.fr  # type: ignore[union-attr]


def test_normalise_a_submitted_value(questionnaire: Questionnaire) -> None:
    scale, multi, single, matrix = (questionnaire.items[i] for i in ("q1", "q2_1", "q6", "q8"))
    assert scale.kind.normalise("7") == 7
    assert multi.kind.normalise(["email", "cloud", "email"]) == ["email", "cloud"]
    assert single.kind.normalise("yes") == "yes"
    assert matrix.kind.normalise("major") == "major"
    for item in (scale, multi, single, matrix):
        assert item.kind.normalise("") is None
        assert item.kind.normalise(None) is None
    assert multi.kind.normalise([]) is None


def test_text_form_shares_the_stored_check(questionnaire: Questionnaire) -> None:
    """An imported cell is accepted exactly when its stored form passes check_answer."""
    cases = [("q1", "8"), ("q1", "11"), ("q1", "x"), ("q2_1", "email|video"), ("q2_1", "none|email"), ("q6", "yes")]
    for item_id, text in cases:
        item = questionnaire.items[item_id]
        try:
            value = parse_answer(item, text, item_id)
        except AnswerError as error:
            assert error.code in {"not_a_number", "scale_range", "exclusive_option"}
        else:
            assert check_answer(item, value) is None
    with pytest.raises(AnswerError, match="not a whole number from 0 to 10"):
        parse_answer(questionnaire.items["q1"], "eight", "q1")


def test_countable_values(questionnaire: Questionnaire) -> None:
    scale, q6 = questionnaire.items["q1"], questionnaire.items["q6"]
    assert scale.kind.countable_values(scale) == tuple(str(p) for p in range(11))
    assert "dont_know" not in q6.kind.countable_values(q6)


def test_a_registered_name_cannot_be_taken_twice() -> None:
    class Again(ItemKind):
        name = "single"

    with pytest.raises(ValueError, match="already registered"):
        item_types.register(Again)


@pytest.fixture
def yes_no_type() -> Iterator[type[ItemKind]]:
    """A new item type, registered for one test: adding a type is one class."""

    @item_types.register
    class YesNo(ItemKind):
        name = "yes_no_test"
        min_options: ClassVar[int] = 2

        def describe(self, item: Any, value: object, lang: str) -> str | None:
            return None if value is None else f"[{value}]"

    yield YesNo
    item_types.unregister("yes_no_test")


def test_a_new_type_is_one_class(yes_no_type: type[ItemKind]) -> None:
    data = yaml.safe_load(default_data_path().read_text(encoding="utf-8"))
    item = next(i for i in data["items"] if i["id"] == "q6")
    item["type"] = "yes_no_test"
    questionnaire = parse_questionnaire(data)
    q6 = questionnaire.items["q6"]
    assert isinstance(q6.kind, yes_no_type)
    assert describe_answer(q6, "yes", "en") == "[yes]"
    assert check_answer(q6, "yes") is None


def test_an_unregistered_type_is_refused() -> None:
    data = yaml.safe_load(default_data_path().read_text(encoding="utf-8"))
    next(i for i in data["items"] if i["id"] == "q6")["type"] = "yes_no_test"
    with pytest.raises(QuestionnaireError, match=r"item q6: unknown type 'yes_no_test'"):
        parse_questionnaire(data)


def test_type_table_for_other_layers() -> None:
    table: TypeTable[Callable[[], str]] = TypeTable("template macro")
    table.register("single", lambda: "choice_item")

    @table.entry("multi")
    def _multi() -> str:
        return "checkbox"

    assert table["single"]() == "choice_item"
    assert table["multi"]() == "checkbox"
    assert table.missing() == ["matrix", "scale_0_10"]
    with pytest.raises(LookupError, match="template macro: no entry for item type.*matrix, scale_0_10"):
        table.check_complete()
    with pytest.raises(KeyError, match="unknown item type 'ranking'"):
        table.register("ranking", _multi)
    with pytest.raises(ValueError, match="already has an entry"):
        table.register("single", _multi)
    with pytest.raises(KeyError, match="no entry for item type 'matrix'"):
        table["matrix"]
    table.register("matrix", _multi)
    table.register("scale_0_10", _multi)
    table.check_complete()
