"""``GET /api/v1/questionnaire?version=``: any recorded version, with the crosswalk (issue 17, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from flask import Flask

from benchmark.core.questionnaire.versions import default_versions_path, fingerprint
from tests.factories import make_app, reset


@pytest.fixture
def two_versions_app(database_url: str, _schema: None, tmp_path: Path) -> Iterator[Flask]:
    """An app whose versions file records an earlier version: q6's in_progress was "started", q99 was dropped."""
    data: dict[str, Any] = yaml.safe_load(default_versions_path().read_text(encoding="utf-8"))
    current = data["versions"][0]
    earlier = {key: dict(value) for key, value in current["structure"].items()}
    earlier["q6"]["options"] = ["yes" if o == "yes" else "started" if o == "in_progress" else o
                                for o in earlier["q6"]["options"]]  # fmt: skip
    earlier["q99"] = {"type": "single", "options": ["a", "b"]}
    data["versions"] = [
        {
            "id": "2025.1",
            "recorded": "2025-03-01",
            "note": "test",
            "fingerprint": fingerprint(earlier),
            "structure": earlier,
        },  # fmt: skip
        current,
    ]
    data["crosswalk"] = [
        {"from": "2025.1", "to": "2026.1", "items": {"q99": None}, "options": {"q6": {"started": "in_progress"}}}
    ]
    path = tmp_path / "versions.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    app = make_app(database_url, QUESTIONNAIRE_VERSIONS_PATH=str(path))
    yield app
    reset(app)


def test_the_current_version_carries_its_fingerprint_and_2017_ids(app: Flask) -> None:
    client = app.test_client()
    body = client.get("/api/v1/questionnaire").get_json()
    assert body["version"] == "2026.1" and body["versions"] == ["2026.1"]
    assert len(body["fingerprint"]) == 16
    ids = {item["id"]: item["id_2017"] for item in body["items"]}
    assert ids["q2_1"] == "Q2.1" and ids["n1"] is None
    assert client.get("/api/v1/questionnaire?version=2026.1").get_json() == body


def test_an_unknown_version_is_a_400_naming_the_known_ones(app: Flask) -> None:
    response = app.test_client().get("/api/v1/questionnaire?version=1999.9")
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid_parameter", "message": "version must be 2026.1"}
    assert app.test_client().get("/api/v1/questionnaire?version=%00").status_code == 400


def test_an_earlier_version_is_served_with_where_the_crosswalk_maps_it(two_versions_app: Flask) -> None:
    client = two_versions_app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/questionnaire"]["get"]["parameters"]
    assert next(p for p in parameters if p["name"] == "version")["schema"]["enum"] == ["2025.1", "2026.1"]
    body = client.get("/api/v1/questionnaire?version=2025.1").get_json()
    schema = {"$ref": "#/components/schemas/Questionnaire", "components": document["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    assert body["version"] == "2025.1" and body["current_version"] == "2026.1"
    items = {item["id"]: item for item in body["items"]}
    assert items["q99"]["current_id"] is None
    assert all(option["current"] is None for option in items["q99"]["options"])
    q6 = {option["id"]: option["current"] for option in items["q6"]["options"]}
    assert q6["started"] == ["q6", "in_progress"] and q6["yes"] == ["q6", "yes"]
    assert client.get("/api/v1/questionnaire").get_json()["versions"] == ["2025.1", "2026.1"]
