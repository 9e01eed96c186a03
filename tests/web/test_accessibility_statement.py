"""The public accessibility statement is generated from benchmark/data/accessibility.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from benchmark.pages import views

SUMMARY = {
    "last_run": "2026-11-24",
    "standard": "WCAG 2.1 AA",
    "axe_core": "9.9.9",
    "rule_tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "browser": "Chromium 1.2.3",
    "scans": 3,
    "violations": 0,
    "reflow": {
        "width_px": 320,
        "zoom_viewport_px": 640,
        "zoom_device_scale_factor": 2,
        "pages_without_horizontal_scroll": 3,
    },
    "pages": [
        {"id": "home", "group": "public", "languages": {"en": 0, "fr": 0}},
        {"id": "questionnaire:importance:one-task", "group": "questionnaire", "languages": {"en": 0}},
        {"id": "error-404-bilingual", "group": "errors", "languages": {"en+fr": 0}},
    ],
    "checks": [{"id": "skip-link", "languages": ["en", "fr"], "passed": True}],
}


@pytest.fixture
def summary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "accessibility.json"
    monkeypatch.setattr(views, "ACCESSIBILITY_FILE", path)
    return path


def test_committed_summary_is_valid() -> None:
    data = json.loads(views.ACCESSIBILITY_FILE.read_text(encoding="utf-8"))
    assert data["standard"] == "WCAG 2.1 AA"
    assert data["violations"] == 0
    assert {p["group"] for p in data["pages"]} <= set(views.PAGE_GROUPS)
    assert all(p["id"] in views.PAGE_LABELS or p["id"].startswith("questionnaire:") for p in data["pages"])
    assert all(c["id"] in views.CHECK_LABELS for c in data["checks"])


@pytest.mark.parametrize(("lang", "date"), [("en", "November 24, 2026"), ("fr", "24 novembre 2026")])
def test_statement_states_the_last_run(client: FlaskClient, summary_file: Path, lang: str, date: str) -> None:
    summary_file.write_text(json.dumps(SUMMARY), encoding="utf-8")
    html = client.get(f"/{lang}/accessibility").get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    assert date in html
    assert "axe-core 9.9.9" in html and "Chromium 1.2.3" in html
    title = client.application.extensions["content"].questionnaire.page("importance").title.get(lang)
    assert title in html  # questionnaire pages are named by their own title


def test_statement_without_a_recorded_run(client: FlaskClient, summary_file: Path) -> None:
    response = client.get("/en/accessibility")
    assert response.status_code == 200
    assert "No complete run of the accessibility tests is recorded yet." in response.get_data(as_text=True)


def test_footer_links_to_the_statement(client: FlaskClient) -> None:
    assert 'href="/fr/accessibility"' in client.get("/fr/").get_data(as_text=True)
