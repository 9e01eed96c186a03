"""Page weight on a slow line: gzip bytes of a page plus every CSS/JS/font/icon it references.

Budgets: the first questionnaire page ≤ 50 KB, the results page with Chart.js ≤ 150 KB.
The numbers are printed (run with ``-s``) and written to ``perf/page-weight.json``.
Only response bodies are counted (headers add a few hundred bytes per request).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from perf import bench_weight
from tests.factories import BASE_ANSWERS, PROJECT_ROOT, seed_submission, start_assessment

KB = 1024
BUDGETS = {"first_questionnaire_page": 50 * KB, "results_page": 150 * KB}
REPORT = PROJECT_ROOT / "perf" / "page-weight.json"


def measure(client: FlaskClient, page_url: str) -> dict[str, Any]:
    """The page and everything it references, as ``make bench`` measures it (perf/bench_weight.py).

    Here a resource from another site, or a text file sent uncompressed, fails the test.
    """
    measured = bench_weight.measure(client, page_url)
    assert not measured["third_party"], f"third-party resource on a slow line: {measured['third_party']}"
    assert not measured["uncompressed_text"], f"sent uncompressed: {measured['uncompressed_text']}"
    return measured


@pytest.fixture(scope="module")
def report() -> Iterator[dict[str, Any]]:
    """Collect the measurements of this module and write them to perf/page-weight.json."""
    results: dict[str, Any] = {}
    yield results
    if results:
        REPORT.parent.mkdir(exist_ok=True)
        document = {
            "what": "gzip bytes of response bodies: the page plus every CSS/JS/font/icon it references",
            "budgets_bytes": BUDGETS,
            "pages": dict(sorted(results.items())),
        }
        REPORT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def record(report: dict[str, Any], name: str, lang: str, measured: dict[str, Any]) -> None:
    budget = BUDGETS[name]
    report[f"{name}.{lang}"] = {**measured, "budget_bytes": budget}
    lines = [
        f"\n{name} ({lang}): {measured['total_bytes_transferred']:,} B gzip "
        f"(raw {measured['total_bytes_raw']:,} B), budget {budget:,} B"
    ]
    for entry in (measured["page"], *measured["resources"]):
        lines.append(f"  {entry['bytes_transferred']:>8,} B  {entry['encoding']:<8} {entry['url']}")
    print("\n".join(lines))
    assert measured["total_bytes_transferred"] <= budget, lines


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_first_questionnaire_page_weighs_at_most_50_kb(
    app: Flask, client: FlaskClient, report: dict[str, Any], lang: str
) -> None:
    token = start_assessment(client, lang)
    first = app.extensions["content"].questionnaire.pages[0].id
    measured = measure(client, f"/{lang}/assessment/{token}/{first}")
    assert not any("charts" in r["url"] for r in measured["resources"]), "Chart.js must not load on questionnaire pages"
    record(report, "first_questionnaire_page", lang, measured)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_results_page_with_chart_js_weighs_at_most_150_kb(
    app: Flask, client: FlaskClient, report: dict[str, Any], lang: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    measured = measure(client, f"/{lang}/results/{token}")
    assert any("/static/gen/charts." in r["url"] for r in measured["resources"]), "Chart.js bundle not found"
    record(report, "results_page", lang, measured)
