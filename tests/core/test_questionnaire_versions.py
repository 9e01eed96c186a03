"""Questionnaire versions (issue 17, item 3): fingerprint, recorded structure and crosswalk.

The crosswalk is tested by changing an option in a test copy of the questionnaire (a tmp file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.core.questionnaire import QuestionnaireError, default_data_path, load_questionnaire
from benchmark.core.questionnaire.versions import (
    default_versions_path,
    fingerprint,
    load_versions,
    structure,
)

Q6_IN_PROGRESS = '{id: "in_progress", status: "reconstructed",'


def _versions() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(default_versions_path().read_text(encoding="utf-8"))
    return raw


def _copy(tmp_path: Path, old: str, new: str, version: str | None = None) -> Path:
    text = default_data_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, new)
    if version is not None:
        text = text.replace('questionnaire_version: "2026.1"', f'questionnaire_version: "{version}"')
    path = tmp_path / "questionnaire.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "versions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_packaged_questionnaire_is_its_recorded_version() -> None:
    """Fails when questionnaire.yaml's items or options change without a new version entry."""
    questionnaire = load_questionnaire()
    versions = load_versions(questionnaire)
    assert versions.current.id == questionnaire.version
    assert versions.current.fingerprint == fingerprint(structure(questionnaire))
    assert versions.current.structure == structure(questionnaire)


def test_rewording_needs_no_new_version(tmp_path: Path) -> None:
    path = _copy(tmp_path, 'en: "Does your organization serve', 'en: "Does your organisation serve')
    versions = load_versions(load_questionnaire(path))
    assert versions.current.id == "2026.1"


def test_an_option_changed_without_a_new_version_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path, Q6_IN_PROGRESS, '{id: "underway", status: "reconstructed",')
    with pytest.raises(QuestionnaireError, match=r"items q6\b.*record a new version \(fingerprint [0-9a-f]{16}\)"):
        load_versions(load_questionnaire(path))


def test_a_new_version_with_a_crosswalk_maps_the_changed_option(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(
        _copy(tmp_path, Q6_IN_PROGRESS, '{id: "underway", status: "reconstructed",', "2027.1")
    )
    data = _versions()
    new = structure(questionnaire)
    data["versions"].append(
        {
            "id": "2027.1",
            "recorded": "2027-01-15",
            "note": "q6: in_progress renamed underway",
            "fingerprint": fingerprint(new),
            "structure": new,
        }  # fmt: skip
    )
    # Without a crosswalk entry: refused.
    with pytest.raises(QuestionnaireError, match="one entry per pair of consecutive versions"):
        load_versions(questionnaire, _write(tmp_path, data))
    # A crosswalk that forgets the renamed option: refused, naming it.
    data["crosswalk"] = [{"from": "2026.1", "to": "2027.1", "items": {}, "options": {}}]
    with pytest.raises(QuestionnaireError, match="item q6 option in_progress is not in version 2027.1"):
        load_versions(questionnaire, _write(tmp_path, data))
    # A crosswalk to an option that does not exist: refused.
    data["crosswalk"][0]["options"] = {"q6": {"in_progress": "ongoing"}}
    with pytest.raises(QuestionnaireError, match="item q6 option in_progress"):
        load_versions(questionnaire, _write(tmp_path, data))
    data["crosswalk"][0]["options"] = {"q6": {"in_progress": "underway"}}
    versions = load_versions(questionnaire, _write(tmp_path, data))
    assert versions.ids() == ["2026.1", "2027.1"]
    assert versions.map_option("2026.1", "2027.1", "q6", "in_progress") == ("q6", "underway")
    assert versions.map_option("2026.1", "2027.1", "q6", "yes") == ("q6", "yes")
    assert versions.map_option("2027.1", "2026.1", "q6", "underway") is None  # only forwards
    assert versions.item_2017("q6") == "Q6"
    # Dropped (null): no longer comparable, so a trend leaves it out.
    data["crosswalk"][0]["options"] = {"q6": {"in_progress": None}}
    versions = load_versions(questionnaire, _write(tmp_path, data))
    assert versions.map_option("2026.1", "2027.1", "q6", "in_progress") is None
    assert versions.comparable_items("2026.1", "2027.1")["q6"] == "q6"


def test_a_removed_item_must_be_mapped(tmp_path: Path) -> None:
    data = _versions()
    old = data["versions"][0]
    gone = dict(old["structure"])
    gone["q99"] = {"type": "single", "options": ["a", "b"]}
    old["structure"] = gone
    old["fingerprint"] = fingerprint(gone)
    old["id"] = "2025.1"
    current = _versions()["versions"][0]
    data["versions"].append(current)
    data["crosswalk"] = [{"from": "2025.1", "to": "2026.1"}]
    questionnaire = load_questionnaire()
    with pytest.raises(QuestionnaireError, match="item q99 is gone"):
        load_versions(questionnaire, _write(tmp_path, data))
    data["crosswalk"][0]["items"] = {"q99": None}
    versions = load_versions(questionnaire, _write(tmp_path, data))
    assert "q99" not in versions.comparable_items("2025.1", "2026.1")
    assert versions.comparable_items("2025.1", "2026.1")["q1"] == "q1"


def test_a_forged_fingerprint_and_a_2017_id_of_a_new_item_are_refused(tmp_path: Path) -> None:
    data = _versions()
    data["versions"][0]["fingerprint"] = "0" * 16
    with pytest.raises(QuestionnaireError, match="is not that of its structure"):
        load_versions(load_questionnaire(), _write(tmp_path, data))
    data = _versions()
    data["ids_2017"]["n1"] = "Q11"
    with pytest.raises(QuestionnaireError, match="ids_2017: n1"):
        load_versions(load_questionnaire(), _write(tmp_path, data))


def test_every_2017_item_has_its_2017_id() -> None:
    questionnaire = load_questionnaire()
    versions = load_versions(questionnaire)
    asked_2017 = [item.id for item in questionnaire.iter_items() if item.id.startswith("q")]
    assert sorted(versions.ids_2017) == sorted(asked_2017)
    assert versions.item_2017("q2_1") == "Q2.1" and versions.item_2017("n2") is None
