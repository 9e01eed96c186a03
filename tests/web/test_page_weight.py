"""Page weight on a slow line: gzip bytes of a page plus every CSS/JS/font/icon it references.

Budgets: the first questionnaire page ≤ 50 KB, the results page with Chart.js ≤ 150 KB.
The numbers are printed (run with ``-s``) and written to ``perf/page-weight.json``.
Only response bodies are counted (headers add a few hundred bytes per request).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.compression import COMPRESSED_MIMETYPES, MIN_SIZE
from tests.conftest import PROJECT_ROOT, start_assessment
from tests.web.test_results import BASE_ANSWERS, seed_submission

KB = 1024
BUDGETS = {"first_questionnaire_page": 50 * KB, "results_page": 150 * KB}
REPORT = PROJECT_ROOT / "perf" / "page-weight.json"
GZIP = {"Accept-Encoding": "gzip"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")


class _References(HTMLParser):
    """Collect the sub-resources a browser downloads for a page (stylesheets, icons, scripts, images)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (
            tag == "link"
            and a.get("href")
            and set((a.get("rel") or "").split())
            & {
                "stylesheet",
                "icon",
                "preload",
                "modulepreload",
                "apple-touch-icon",
                "manifest",
            }
        ):
            self.urls.append(a["href"] or "")
        elif tag in {"script", "img", "source"} and a.get("src"):
            self.urls.append(a["src"] or "")


def _fetch(client: FlaskClient, url: str) -> dict[str, Any]:
    with client.get(url, headers=GZIP) as response:
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data()
        encoding = response.headers.get("Content-Encoding")
        mimetype = response.mimetype
    raw = gzip.decompress(body) if encoding == "gzip" else body
    return {
        "url": url,
        "type": mimetype,
        "encoding": encoding or "identity",
        "bytes_raw": len(raw),
        "bytes_transferred": len(body),
        "_text": raw.decode("utf-8", "replace") if mimetype.startswith("text/") else "",
    }


def measure(client: FlaskClient, page_url: str) -> dict[str, Any]:
    """Fetch a page and, recursively, the same-origin resources it and its stylesheets reference."""
    page = _fetch(client, page_url)
    parser = _References()
    parser.feed(page["_text"])
    queue = [urljoin(page_url, url) for url in parser.urls]
    resources: list[dict[str, Any]] = []
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        assert not urlsplit(url).netloc, f"third-party resource on a slow line: {url}"
        if url in seen:
            continue
        seen.add(url)
        resource = _fetch(client, url)
        if resource["type"] == "text/css":
            queue += [urljoin(url, ref) for ref in CSS_URL.findall(resource["_text"]) if not ref.startswith("data:")]
            queue += [urljoin(url, ref) for ref in CSS_IMPORT.findall(resource["_text"])]
        resources.append(resource)
    for entry in (page, *resources):
        del entry["_text"]
        if entry["bytes_raw"] >= MIN_SIZE and entry["type"] in COMPRESSED_MIMETYPES:
            assert entry["encoding"] == "gzip", entry
    page["url"] = re.sub(r"/[A-Za-z0-9_-]{43}(/|$)", r"/<token>\1", page["url"])  # no tokens in the report
    total = page["bytes_transferred"] + sum(r["bytes_transferred"] for r in resources)
    raw = page["bytes_raw"] + sum(r["bytes_raw"] for r in resources)
    return {"page": page, "resources": resources, "total_bytes_transferred": total, "total_bytes_raw": raw}


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
