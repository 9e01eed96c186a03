"""The packaged 2017 baseline: every figure traces back to the shared source file, nothing is added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmark.core.baseline import (
    NNBSP,
    Baseline,
    BaselineError,
    default_baseline_path,
    format_pct,
    load_baseline,
)
from benchmark.core.questionnaire import Questionnaire
from tests.factories import BASELINE_2017_SOURCE


@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    """The shared source file (its copy in tests/fixtures/)."""
    return json.loads(BASELINE_2017_SOURCE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _shared_questions(shared: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in shared["questions"]}


def test_exactly_nine_numeric_figures(baseline: Baseline) -> None:
    assert baseline.numeric_count() == 9
    assert len(baseline.all_figures()) == 8
    assert [a.pct for a in baseline.aggregates("q1")] == [86]


def test_every_figure_equals_the_shared_source(baseline: Baseline, shared: dict[str, Any]) -> None:
    questions = _shared_questions(shared)
    for figure in baseline.all_figures():
        source_option = next(o for o in questions[figure.item_id]["options"] if o["id"] == figure.option_id)
        assert figure.pct == source_option["percent"], figure
        assert figure.status == source_option["status"], figure
        assert figure.n == questions[figure.item_id]["n"], figure
        assert figure.source == source_option["source"], figure
        assert figure.raw_text == source_option.get("raw_text"), figure
        assert figure.confidence == source_option.get("confidence"), figure


def test_no_figure_is_added_and_none_is_left_out(baseline: Baseline, shared: dict[str, Any]) -> None:
    published = {
        (q["id"], o["id"]) for q in shared["questions"] for o in q.get("options", []) if o.get("percent") is not None
    }
    ours = {(f.item_id, f.option_id) for f in baseline.all_figures()}
    assert ours == published
    assert baseline.figure("q6", "no") is None  # never 100 − 40.7
    assert baseline.figure("q2_2", "videoconf") is None


def test_q1_aggregate_equals_the_shared_source(baseline: Baseline, shared: dict[str, Any]) -> None:
    source = [a for a in _shared_questions(shared)["q1"]["aggregates"] if a["percent"] is not None]
    (aggregate,) = baseline.aggregates("q1")
    assert (aggregate.pct, aggregate.status, aggregate.n) == (source[0]["percent"], source[0]["status"], 249)
    assert aggregate.label.en == source[0]["label_en"]


def test_every_closed_item_has_its_shared_n(baseline: Baseline, shared: dict[str, Any]) -> None:
    closed = {q["id"]: q["n"] for q in shared["questions"] if q["type"] != "open"}
    assert set(baseline.items) == set(closed)
    for item_id, n in closed.items():
        assert baseline.n(item_id) == n, item_id
    assert baseline.n("n1") is None and baseline.item("n1") is None


def test_n_matches_the_questionnaire(baseline: Baseline, questionnaire: Questionnaire) -> None:
    for item_id, item in baseline.items.items():
        assert questionnaire.items[item_id].n_2017 == item.n, item_id


def test_figures_lookup(baseline: Baseline) -> None:
    q6 = baseline.figure("q6", "yes")
    assert q6 is not None and (q6.pct, q6.status, q6.n) == (40.7, "stated", 248)
    video = baseline.figure("q2_2", "video")
    assert video is not None and (video.pct, video.status, video.n) == (41.8, "reading", 239)
    q4 = baseline.figure("q4", "shared_roles")
    assert q4 is not None and (q4.pct, q4.n) == (52.8, 248)
    assert baseline.figure("q99", "yes") is None and baseline.n("q99") is None


def test_provenance(baseline: Baseline) -> None:
    assert baseline.kind == "published_figures"
    assert baseline.year == 2017
    assert baseline.derived_from == "shared/sources/baseline-2017.json"
    assert set(baseline.status_definitions) == {"stated", "reading"}
    assert baseline.name.en and baseline.name.fr
    assert "km4s" in baseline.sources


def test_qualitative_takeaways(baseline: Baseline) -> None:
    assert baseline.takeaways("internal_tasks") and baseline.takeaways("external_tasks")
    assert {t.row for t in baseline.takeaways("q8")} == {
        "privacy", "internet_access", "data_quality", "data_management", "staff_literacy",
        "understanding_needs", "evaluating_impact", "hardware", "it_maintenance",
    }  # fmt: skip
    assert any(t.option == "data_other_providers" for t in baseline.takeaways("q9"))
    for group in baseline.qualitative.values():
        for takeaway in group:
            assert takeaway.text.en and takeaway.text.fr
            assert "%" not in takeaway.text.en and "%" not in takeaway.text.fr  # qualitative: no number


def test_formatting() -> None:
    assert format_pct(40.7, "en") == "40.7%"
    assert format_pct(40.7, "fr") == f"40,7{NNBSP}%"
    assert format_pct(86, "fr") == f"86{NNBSP}%"


def test_figure_format_carries_n_and_status(baseline: Baseline) -> None:
    q6 = baseline.figure("q6", "yes")
    assert q6 is not None
    assert q6.format("en") == "40.7% (n = 248, published figure)"
    assert q6.format("fr") == f"40,7{NNBSP}% (n = 248, chiffre publié)"
    video = baseline.figure("q2_2", "video")
    assert video is not None
    assert video.format("en") == "41.8% (n = 239, our reading of the report)"
    assert video.format("fr") == f"41,8{NNBSP}% (n = 239, notre interprétation du rapport)"


# --------------------------------------------------------------------------- validation


def _plant(tmp_path: Path, change: Any) -> Path:
    data = json.loads(default_baseline_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_unknown_option_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    figure = {"pct": 12.0, "status": "stated", "source": "planted"}
    path = _plant(tmp_path, lambda d: d["items"]["q6"]["figures"].update({"maybe": figure}))
    with pytest.raises(BaselineError, match=r"item q6: figure maybe"):
        load_baseline(questionnaire, path)


def test_unknown_item_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda d: d["items"].update({"q13": {"n": 12, "figures": {}}}))
    with pytest.raises(BaselineError, match=r"item q13"):
        load_baseline(questionnaire, path)


def test_undefined_status_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda d: d["items"]["q4"]["figures"]["shared_roles"].update(status="guess"))
    with pytest.raises(BaselineError, match=r"item q4: figure shared_roles.*guess"):
        load_baseline(questionnaire, path)


def test_unknown_takeaway_row_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda d: d["qualitative"]["q8"][0].update(row="cybersecurity"))
    with pytest.raises(BaselineError, match=r"qualitative q8.*cybersecurity"):
        load_baseline(questionnaire, path)


def test_out_of_range_percentage_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda d: d["items"]["q5"]["figures"]["fundraising"].update(pct=147.2))
    with pytest.raises(BaselineError, match=r"item q5: figure fundraising"):
        load_baseline(questionnaire, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"]["q5"]["figures"]["fundraising"].update(pct="41"), r"item q5: figure fundraising: pct"),
        (lambda d: d["items"]["q5"]["figures"]["fundraising"].pop("source"), r"figure fundraising: source is required"),
        (lambda d: d["items"]["q5"].update(n=0), r"item q5: n must be an integer >= 1, got 0"),
        (lambda d: d["items"]["q6"].update(n=True), r"item q6: n must be an integer or null, got True"),
        (lambda d: d["items"]["q1"]["aggregates"][0]["label"].pop("fr"), r"item q1: aggregate \w+: label: the FR"),
        (lambda d: d["items"]["q1"]["aggregates"][0].update(status="guess"), r"item q1: aggregate \w+: status 'guess'"),
        (lambda d: d["qualitative"]["q8"][0].update(text="x"), r"qualitative q8: takeaway \w+: text must be a mapping"),
        (lambda d: d["qualitative"]["q8"].append(3), r"qualitative q8: takeaway #\d+ must be a mapping, got 3"),
        (lambda d: d["qualitative"].update(q99=[]), r"qualitative q99: neither an item"),
        (lambda d: d["meta"].update(kind="guesswork"), r"meta: kind must be one of .*, got 'guesswork'"),
        (lambda d: d["meta"].update(year="2017"), r"meta: year must be an integer or null, got '2017'"),
        (lambda d: d["meta"].update(status_definitions={}), r"meta: status_definitions is empty"),
        (lambda d: d["meta"]["sources"].update(x=3), r"meta: sources\['x'\] must be a string, got 3"),
        (lambda d: d["items"].update(q6=[]), r"item q6 must be a mapping, got a list"),
    ],
)
def test_shape_errors_name_the_entry(tmp_path: Path, questionnaire: Questionnaire, change: Any, message: str) -> None:
    with pytest.raises(BaselineError, match=message):
        load_baseline(questionnaire, _plant(tmp_path, change))
