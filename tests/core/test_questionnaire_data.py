"""Checks of the packaged questionnaire data file and of the loader's error messages.

The data file (``benchmark/core/data/questionnaire.yaml``) implements
``shared/design/questionnaire.md`` (short version, 25 items).  2017 joins are checked
against ``shared/sources/baseline-2017.json`` (its copy in ``tests/fixtures/``).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.core.questionnaire import (
    Option,
    Questionnaire,
    QuestionnaireError,
    default_data_path,
    load_questionnaire,
)
from benchmark.core.typography import fix
from tests.factories import BASELINE_2017_SOURCE

#: The 25 items of the short version in flow order (design §2.1), then n2 (added in 2026, issue 14).
DESIGN_ITEM_IDS = [
    "q1",
    "q2_1", "q2_2", "q2_3", "q2_4",
    "q3_1", "q3_2", "q3_3", "q3_4", "q3_5",
    "q4", "q5", "q6", "q7", "n1",
    "q8", "q9", "q10",
    "q15", "q16",
    "q22", "q23", "q24", "q25", "q26", "n2",
]  # fmt: skip

#: Pages in flow order with their items (the lead's 9-page grouping of the design's screens).
DESIGN_PAGES = {
    "importance": ["q1"],
    "internal-tasks": ["q2_1", "q2_2", "q2_3", "q2_4"],
    "external-tasks": ["q3_1", "q3_2", "q3_3", "q3_4", "q3_5"],
    "capacity-communication": ["q4", "q5"],
    "strategy-infrastructure": ["q6", "q7", "n1"],
    "concerns": ["q8"],
    "sharing-needs": ["q9", "q10"],
    "ircc-support": ["q15", "q16"],
    "organisation": ["q22", "q23", "q24", "q25", "q26", "n2"],
}

#: Tool list of design §2.4, in order, with tiers.
DESIGN_TOOLS = {
    "email": "basic",
    "cloud": "basic",
    "social_media": "basic",
    "newsletter": "basic",
    "video": "basic",
    "website": "basic",
    "sms": "basic",
    "analytics": "technical",
    "mobile_apps": "technical",
    "crowdsourcing": "technical",
    "data_viz": "technical",
    "mapping": "technical",
    "online_forms": "other",
    "client_db": "other",
    "videoconf": "other",
    "elearning": "other",
    "other": "other",
    "none": "other",
    "dont_know": "other",
}

EXCLUSIVE_IDS = {"none", "no_one", "dont_know"}


def _baseline() -> dict[str, dict[str, Any]]:
    data = json.loads(BASELINE_2017_SOURCE.read_text(encoding="utf-8"))
    return {question["id"]: question for question in data["questions"]}


# --------------------------------------------------------------------------- the packaged file


def test_packaged_file_loads(questionnaire: Questionnaire) -> None:
    assert questionnaire.version
    assert len(questionnaire.items) == 26
    assert len(questionnaire.pages) == 9
    assert [s.id for s in questionnaire.sections] == [
        "about_you",
        "internal_tasks",
        "external_tasks",
        "attitudes",
        "ircc_support",
        "organisation",
    ]


def test_item_ids_match_design_in_flow_order(questionnaire: Questionnaire) -> None:
    assert list(questionnaire.items) == DESIGN_ITEM_IDS
    assert [item.id for item in questionnaire.iter_items()] == DESIGN_ITEM_IDS


def test_pages_match_design(questionnaire: Questionnaire) -> None:
    assert {page.id: list(page.item_ids) for page in questionnaire.pages} == DESIGN_PAGES
    assert [page.id for page in questionnaire.pages] == list(DESIGN_PAGES)
    for page in questionnaire.pages:
        assert page.title.en and page.title.fr
        for item in questionnaire.page_items(page):
            assert item.section == page.section, f"{item.id} is not in the section of page {page.id}"


def test_n_2017_matches_baseline(questionnaire: Questionnaire) -> None:
    baseline = _baseline()
    for item in questionnaire.items.values():
        if item.id.startswith("n"):
            assert item.id not in baseline
            assert item.n_2017 is None
            continue
        assert item.id in baseline, f"{item.id} is not in the baseline"
        assert item.n_2017 == baseline[item.id]["n"], item.id


def test_every_2017_figure_joins_an_option(questionnaire: Questionnaire) -> None:
    baseline = _baseline()
    joined = 0
    for question in baseline.values():
        for option in question.get("options", []):
            if option.get("percent") is None:
                continue
            item = questionnaire.items.get(question["id"])
            assert item is not None, f"{question['id']} has a 2017 figure but is not in the questionnaire"
            key = f"{question['id']}.{option['id']}"
            assert item.option(option["id"]) is not None, f"{key} has a 2017 figure but no option"
            joined += 1
    assert joined == 8  # the per-option figures (q1's 86 % is an aggregate, not an option)


def test_every_baseline_option_id_exists(questionnaire: Questionnaire) -> None:
    baseline = _baseline()
    for item in questionnaire.items.values():
        for option in baseline.get(item.id, {}).get("options", []):
            if item.type == "scale_0_10":
                assert 0 <= int(option["id"]) <= 10
            else:
                assert item.option(option["id"]) is not None, f"{item.id}.{option['id']}"


def _option(questionnaire: Questionnaire, item_id: str, option_id: str) -> Option:
    option = questionnaire.items[item_id].option(option_id)
    assert option is not None, f"{item_id}.{option_id} is missing"
    return option


def _normalise(text: str) -> str:
    """The words of a text: case, a final period and typography (issue 16: ’, no-break spaces) set aside."""
    return fix(text, "fr").strip().rstrip(".").casefold()


def test_source_fr_texts_match_baseline(questionnaire: Questionnaire) -> None:
    baseline = _baseline()
    for item in questionnaire.items.values():
        text_fr = baseline.get(item.id, {}).get("text_fr")
        if item.text_status_fr == "source":
            assert isinstance(text_fr, str), f"{item.id} has no 2017 FR text"
            # Case is normalised in the task names (design §2.5); otherwise the wording is the 2017 text.
            assert _normalise(item.text.fr) == _normalise(text_fr), item.id
    # q4 only adds the instruction sentence.
    assert questionnaire.items["q4"].text.fr.startswith(fix(baseline["q4"]["text_fr"], "fr"))
    assert questionnaire.items["q4"].text.fr.endswith("Cochez toutes les réponses appropriées.")


def test_text_statuses(questionnaire: Questionnaire) -> None:
    statuses = {item.id: item.text_status_fr for item in questionnaire.items.values()}
    assert {i for i, s in statuses.items() if s == "adapted"} == {"q2_1", "q3_1", "q4"}
    assert {i for i, s in statuses.items() if s == "reconstructed"} == {"n1", "n2"}


def test_n2_francophone_minority_is_a_new_peer_group_fact_without_2017_figure(questionnaire: Questionnaire) -> None:
    """Issue 14: n2 is new (no 2017 n or figure), says so in its provenance, and forms a peer group."""
    item = questionnaire.items["n2"]
    assert item.n_2017 is None and item.text_status_fr == "reconstructed"
    assert "2026" in (item.option_list_rationale or "") and "issue 14" in (item.option_list_rationale or "")
    assert "communautés francophones en situation minoritaire" in item.text.fr
    assert item.fact is not None and item.fact.peer_group and item.fact.grouping == "franco"
    assert [option.id for option in item.options] == ["yes", "no"]
    assert questionnaire.groupings["franco"] is item


def test_tool_list(questionnaire: Questionnaire) -> None:
    tools = questionnaire.items["q2_1"].options
    assert {tool.id: tool.tier for tool in tools} == DESIGN_TOOLS
    assert [tool.id for tool in tools] == list(DESIGN_TOOLS)
    assert all(tool.status == "reconstructed" for tool in tools)
    raw = yaml.safe_load(default_data_path().read_text(encoding="utf-8"))
    assert raw["tool_list"]["status"] == "reconstructed"
    assert raw["tool_list"]["rationale"]


def test_grid_pages_share_the_tool_list(questionnaire: Questionnaire) -> None:
    grid_pages = [page for page in questionnaire.pages if page.layout == "grid"]
    assert [page.id for page in grid_pages] == ["internal-tasks", "external-tasks"]
    tools = questionnaire.items["q2_1"].options
    raw = yaml.safe_load(default_data_path().read_text(encoding="utf-8"))
    raw_items = {entry["id"]: entry for entry in raw["items"]}
    intros = {}
    for page in grid_pages:
        assert page.intro is not None
        intros[page.id] = page.intro.fr
        for item in questionnaire.page_items(page):
            assert item.type == "multi"
            assert item.options == tools
            assert raw_items[item.id]["options_from"] == "tool_list"
            assert item.option_list_status == "reconstructed"
    assert "4 tâches INTERNES" in intros["internal-tasks"]
    assert "5 tâches EXTERNES" in intros["external-tasks"]


def test_exclusive_flags(questionnaire: Questionnaire) -> None:
    tools = {tool.id: tool for tool in questionnaire.items["q2_1"].options}
    assert tools["none"].exclusive and tools["dont_know"].exclusive
    assert [tool.id for tool in tools.values() if tool.exclusive] == ["none", "dont_know"]
    for item in questionnaire.items.values():
        if item.type != "multi":
            continue
        for option in item.options:
            assert option.exclusive == (option.id in EXCLUSIVE_IDS), f"{item.id}.{option.id}"
    assert _option(questionnaire, "q4", "no_one").exclusive
    assert _option(questionnaire, "q4", "dont_know").exclusive
    assert _option(questionnaire, "q5", "none").exclusive
    assert _option(questionnaire, "n1", "none").exclusive
    assert _option(questionnaire, "n1", "dont_know").exclusive


def test_tiers_and_required(questionnaire: Questionnaire) -> None:
    assert {i.id for i in questionnaire.items.values() if i.tier == "optional"} == {"q9", "q15", "q16"}
    assert {i.id for i in questionnaire.items.values() if i.required} == {"q23", "q25", "q26"}


def test_option_lists_carry_status_and_rationale(questionnaire: Questionnaire) -> None:
    for item in questionnaire.items.values():
        if item.options or item.type == "scale_0_10":
            assert item.option_list_status in {"source", "adapted", "reconstructed"}, item.id
            assert item.option_list_rationale, item.id
        for option in item.options:
            assert option.label.en and option.label.fr
    q9 = questionnaire.items["q9"]
    assert q9.option_list_status == "source"
    assert _option(questionnaire, "q9", "not_shared").status == "reconstructed"
    assert [o.id for o in q9.options if o.status != "source"] == ["not_shared"]
    assert _option(questionnaire, "q23", "no_never").status == "adapted"
    assert _option(questionnaire, "q25", "51_plus").status == "adapted"


def test_matrices_and_scales(questionnaire: Questionnaire) -> None:
    items = questionnaire.items
    assert [r.id for r in items["q8"].rows] == [
        "privacy", "internet_access", "data_quality", "data_management", "staff_literacy",
        "understanding_needs", "evaluating_impact", "hardware", "it_maintenance",
    ]  # fmt: skip
    assert [o.id for o in items["q8"].options] == ["not_concern", "minor", "moderate", "major", "dont_know"]
    assert [r.id for r in items["q10"].rows] == [
        "identify_needs", "plan", "choose_tools", "implement", "train_staff", "evaluate",
    ]  # fmt: skip
    assert [o.id for o in items["q10"].options] == [
        "very_well", "well", "neutral", "some_improvement", "great_need", "dont_know",
    ]  # fmt: skip
    assert len(items["q15"].rows) == 7
    assert items["q15"].option("dont_know") is None  # source scale has no "don't know"
    for item_id in ("q1", "q16"):
        assert items[item_id].type == "scale_0_10"
        assert items[item_id].anchors is not None
        assert items[item_id].options == ()


def test_q26_provinces_in_design_order(questionnaire: Questionnaire) -> None:
    q26 = questionnaire.items["q26"]
    assert [o.id for o in q26.options] == ["ab", "bc", "mb", "nb", "nl", "nt", "ns", "nu", "on", "pe", "qc", "sk", "yt"]
    assert [o.label.en for o in q26.options] == sorted(o.label.en for o in q26.options)


def test_help_texts(questionnaire: Questionnaire) -> None:
    for item_id in ("q1", "q4", "q6", "q7", "n1", "q8", "q9", "q10", "q26"):
        help_text = questionnaire.items[item_id].help
        assert help_text is not None, item_id
        assert help_text.en and help_text.fr


def test_no_2017_percentage_in_the_data_file() -> None:
    raw = default_data_path().read_text(encoding="utf-8")
    assert not re.search(r"\d\s*%", raw)
    # The published figures are all of the form 41.8 / 41,8; no such number belongs in this file.
    assert not re.search(r"(?<![\d.,])\d{2}[.,]\d(?![\d.,])", raw)


# --------------------------------------------------------------------------- loader errors


def _small_questionnaire() -> dict[str, Any]:
    """A minimal valid questionnaire with one item of each kind."""
    label = {"en": "Label", "fr": "Libellé"}
    return {
        "meta": {"questionnaire_version": "test"},
        "sections": [{"id": "about_you", "title": {"en": "About you", "fr": "À propos de vous"}}],
        "tool_list": {
            "status": "reconstructed",
            "rationale": "test",
            "options": [
                {"id": "email", "label": label, "status": "reconstructed", "tier": "basic"},
                {"id": "none", "label": label, "status": "reconstructed", "tier": "other", "exclusive": True},
            ],
        },
        "items": [
            {
                "id": "q6",
                "section": "about_you",
                "type": "single",
                "tier": "core",
                "short_label": {"en": "Strategy", "fr": "Stratégie"},
                "text": {"en": "Question?", "fr": "Question?"},
                "text_status_fr": "source",
                "n_2017": 248,
                "option_list_status": "reconstructed",
                "option_list_rationale": "test",
                "options": [
                    {"id": "yes", "label": {"en": "Yes", "fr": "Oui"}, "status": "reconstructed"},
                    {"id": "no", "label": {"en": "No", "fr": "Non"}, "status": "reconstructed"},
                ],
            },
            {
                "id": "q8",
                "section": "about_you",
                "type": "matrix",
                "tier": "core",
                "short_label": {"en": "Concerns", "fr": "Préoccupations"},
                "text": {"en": "Concern?", "fr": "Préoccupation?"},
                "text_status_fr": "source",
                "n_2017": None,
                "option_list_status": "reconstructed",
                "option_list_rationale": "test",
                "options": [
                    {"id": "minor", "label": label, "status": "reconstructed"},
                    {"id": "major", "label": label, "status": "reconstructed"},
                ],
                "rows": [{"id": "privacy", "label": label, "status": "reconstructed"}],
            },
            {
                "id": "q2_1",
                "section": "about_you",
                "type": "multi",
                "tier": "core",
                "short_label": label,
                "text": {"en": "Tools?", "fr": "Outils?"},
                "text_status_fr": "source",
                "n_2017": 252,
                "option_list_status": "reconstructed",
                "option_list_rationale": "test",
                "options_from": "tool_list",
            },
        ],
        "pages": [
            {"id": "first", "section": "about_you", "title": label, "items": ["q6", "q8"]},
            {"id": "grid", "section": "about_you", "title": label, "layout": "grid", "items": ["q2_1"]},
        ],
    }


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in data["items"] if item["id"] == item_id)


def test_small_questionnaire_is_valid(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(_write(tmp_path, _small_questionnaire()))
    assert list(questionnaire.items) == ["q6", "q8", "q2_1"]


def test_duplicate_item_id(tmp_path: Path) -> None:
    data = _small_questionnaire()
    data["items"].append(copy.deepcopy(_item(data, "q6")))
    with pytest.raises(QuestionnaireError, match=r"item q6: duplicate id"):
        load_questionnaire(_write(tmp_path, data))


def test_missing_fr_text(tmp_path: Path) -> None:
    data = _small_questionnaire()
    del _item(data, "q6")["text"]["fr"]
    with pytest.raises(QuestionnaireError, match=r"item q6: text: the FR text is missing"):
        load_questionnaire(_write(tmp_path, data))


def test_every_item_has_a_short_label_in_both_languages(questionnaire: Questionnaire) -> None:
    """Results, charts, exports and the PDF name items by a short label, never the whole question."""
    for item in questionnaire.iter_items():
        assert item.short_label is not None, item.id
        for lang in ("en", "fr"):
            assert item.label(lang) == item.short_label.get(lang)
            assert 0 < len(item.label(lang)) <= 90, (item.id, lang)
            assert item.label(lang) != item.text.get(lang), (item.id, lang)


def test_missing_short_label(tmp_path: Path) -> None:
    data = _small_questionnaire()
    del _item(data, "q6")["short_label"]
    with pytest.raises(QuestionnaireError, match=r"item q6: short_label is required"):
        load_questionnaire(_write(tmp_path, data))


def test_missing_fr_short_label(tmp_path: Path) -> None:
    data = _small_questionnaire()
    del _item(data, "q8")["short_label"]["fr"]
    with pytest.raises(QuestionnaireError, match=r"item q8: short_label: the FR text is missing"):
        load_questionnaire(_write(tmp_path, data))


def test_blank_fr_option_label(tmp_path: Path) -> None:
    data = _small_questionnaire()
    _item(data, "q6")["options"][1]["label"]["fr"] = "  "
    with pytest.raises(QuestionnaireError, match=r"item q6: option no: label: the FR text is missing"):
        load_questionnaire(_write(tmp_path, data))


def test_unknown_type(tmp_path: Path) -> None:
    data = _small_questionnaire()
    _item(data, "q6")["type"] = "ranking"
    with pytest.raises(QuestionnaireError, match=r"item q6: unknown type 'ranking'"):
        load_questionnaire(_write(tmp_path, data))


def test_single_item_without_options(tmp_path: Path) -> None:
    data = _small_questionnaire()
    del _item(data, "q6")["options"]
    with pytest.raises(QuestionnaireError, match=r"item q6: options"):
        load_questionnaire(_write(tmp_path, data))


def test_single_item_with_one_option(tmp_path: Path) -> None:
    data = _small_questionnaire()
    _item(data, "q6")["options"].pop()
    with pytest.raises(QuestionnaireError, match=r"item q6: a single item needs at least two options"):
        load_questionnaire(_write(tmp_path, data))


@pytest.mark.parametrize("rows", [None, []], ids=["no-rows-key", "empty-rows"])
def test_matrix_without_rows(tmp_path: Path, rows: list[Any] | None) -> None:
    data = _small_questionnaire()
    if rows is None:
        del _item(data, "q8")["rows"]
    else:
        _item(data, "q8")["rows"] = rows
    with pytest.raises(QuestionnaireError, match=r"item q8: .*rows?"):
        load_questionnaire(_write(tmp_path, data))


def test_page_naming_an_unknown_item(tmp_path: Path) -> None:
    data = _small_questionnaire()
    data["pages"][0]["items"].append("q99")
    with pytest.raises(QuestionnaireError, match=r"page first: unknown item 'q99'"):
        load_questionnaire(_write(tmp_path, data))


def test_item_on_no_page(tmp_path: Path) -> None:
    data = _small_questionnaire()
    data["pages"][0]["items"].remove("q8")
    with pytest.raises(QuestionnaireError, match=r"item q8: not on any page"):
        load_questionnaire(_write(tmp_path, data))


def test_item_on_two_pages(tmp_path: Path) -> None:
    data = _small_questionnaire()
    data["pages"][1]["items"] = ["q2_1", "q6"]
    data["pages"][1]["layout"] = "stack"
    with pytest.raises(QuestionnaireError, match=r"item q6: on two pages"):
        load_questionnaire(_write(tmp_path, data))


def test_new_item_with_a_2017_n(tmp_path: Path) -> None:
    data = _small_questionnaire()
    _item(data, "q6")["id"] = "n1"
    data["pages"][0]["items"] = ["n1", "q8"]
    with pytest.raises(QuestionnaireError, match=r"item n1: a new item"):
        load_questionnaire(_write(tmp_path, data))


def test_loader_rejects_unknown_fields_and_non_boolean_flags(tmp_path: Path) -> None:
    from benchmark.core.questionnaire import default_data_path

    text = default_data_path().read_text(encoding="utf-8")
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(text.replace("    help: ", "    halp: ", 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"item q\w+: unknown field\(s\) halp"):
        load_questionnaire(misspelt)
    stringly = tmp_path / "stringly.yaml"
    stringly.write_text(text.replace("required: true", 'required: "false"', 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"item q23: required must be true or false"):
        load_questionnaire(stringly)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _item(d, "q6")["text"].update(de="Frage?"), r"item q6: text: unknown field\(s\) de"),
        (
            lambda d: _item(d, "q6")["text"].update(fr=7),
            r"item q6: text: fr must be a string, got 7 \(quote it\)",
        ),
        (lambda d: _item(d, "q6").update(tier="extra"), r"item q6: tier must be one of core, optional, got 'extra'"),
        (lambda d: _item(d, "q6").update(n_2017=300), r"item q6: n_2017 must be an integer <= 261, got 300"),
        (lambda d: _item(d, "q6").update(n_2017=True), r"item q6: n_2017 must be an integer or null, got True"),
        (lambda d: _item(d, "q6").update(options_from="tools"), r"item q6: options_from must be one of tool_list"),
        (lambda d: _item(d, "q6").update(id="Q6"), r"item Q6: id must match .*, got 'Q6'"),
        (lambda d: _item(d, "q6").pop("tier"), r"item q6: tier is required"),
        (lambda d: _item(d, "q6")["options"][0].update(id=True), r"item q6: option #1: id must be a string"),
        (lambda d: _item(d, "q8")["rows"][0].update(status="guess"), r"item q8: row privacy: status must be one of"),
        (
            lambda d: _item(d, "q8").update(anchors={"min": {"en": "a", "fr": "b"}, "max": {"en": "c", "fr": "d"}}),
            r"item q8: only a 0–10 scale",
        ),
        (lambda d: d["tool_list"]["options"][1].update(tier="fancy"), r"tool_list: option none: tier must be one of"),
        (lambda d: d["tool_list"].update(ratonale="typo"), r"tool_list: unknown field\(s\) ratonale"),
        (lambda d: d["sections"][0]["title"].update(en="  "), r"section about_you: title: the EN text is missing"),
        (
            lambda d: d["pages"][1].update(layout="columns"),
            r"page grid: layout must be one of stack, grid, got 'columns'",
        ),
        (lambda d: d["pages"][0].update(items="q6"), r"page first: items must be a list, got 'q6'"),
        (lambda d: d["pages"].append("third"), r"page #3 must be a mapping, got 'third'"),
        (lambda d: d.update(items={}), r"items must be a list, got a mapping"),
        (lambda d: d.pop("pages"), r"pages is required"),
    ],
)
def test_shape_errors_name_the_entry(tmp_path: Path, change: Any, message: str) -> None:
    data = _small_questionnaire()
    change(data)
    with pytest.raises(QuestionnaireError, match=message):
        load_questionnaire(_write(tmp_path, data))


def test_the_file_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "questionnaire.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"questionnaire must be a mapping, got a list"):
        load_questionnaire(path)
