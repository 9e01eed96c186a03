"""A slow line (≈400 kbit/s each way, 400 ms latency, emulated by Chromium): how soon is a page usable?

The first questionnaire page is usable once the DOM is ready and its first radio button is visible
and enabled; the results page once both charts are drawn. The browser starts with an empty cache.
Timings go to perf/throttled-first-page.json. The bounds are deliberately generous: they exist so
the test can fail on a gross regression (a blocking third-party script, an uncompressed bundle),
not to benchmark a shared 2-core machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from benchmark.store import assessments as services
from tests.factories import BASE_ANSWERS, PROJECT_ROOT, LiveServer, seed_submission

REPORT = PROJECT_ROOT / "perf" / "throttled-first-page.json"
KBIT = 1000 / 8  # bytes per second in one kbit/s
CONDITIONS = {
    "offline": False,
    "latency": 400,  # ms added to every request
    "downloadThroughput": 400 * KBIT,
    "uploadThroughput": 400 * KBIT,
}
FIRST_PAGE_BOUND_S = 15.0
RESULTS_PAGE_BOUND_S = 30.0

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource').map((r) => ({
    url: r.name.replace(location.origin, ''), transfer_bytes: r.transferSize, duration_ms: Math.round(r.duration)}));
  return {
    dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
    load_ms: Math.round(nav.loadEventEnd),
    document_transfer_bytes: nav.transferSize,
    resources,
  };
}"""


@pytest.fixture(scope="module")
def measurements() -> Iterator[dict[str, Any]]:
    results: dict[str, Any] = {}
    yield results
    if results:
        REPORT.parent.mkdir(exist_ok=True)
        document = {
            "conditions": {
                "download_kbit_s": 400,
                "upload_kbit_s": 400,
                "latency_ms": CONDITIONS["latency"],
                "emulated_by": "Chromium DevTools Network.emulateNetworkConditions, empty cache",
            },
            "pages": results,
        }
        REPORT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def throttled_page(new_page: Any) -> Any:
    page = new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(60_000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", CONDITIONS)
    return page


def measure(page: Any, url: str, usable: str) -> dict[str, Any]:
    """Navigate and wait until a JS predicate says the page is usable; return the timings."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    dom_ready = time.perf_counter() - started
    page.wait_for_function(usable, polling=50)
    usable_after = time.perf_counter() - started
    page.wait_for_load_state("load")
    timings = page.evaluate(TIMING_JS)
    transferred = timings["document_transfer_bytes"] + sum(r["transfer_bytes"] for r in timings["resources"])
    return {
        "usable_ms": round(usable_after * 1000),
        "dom_content_loaded_wall_ms": round(dom_ready * 1000),
        **timings,
        "transferred_bytes": transferred,
    }


def test_first_questionnaire_page_is_usable_quickly_on_a_slow_line(
    live_server: LiveServer, new_page: Any, measurements: dict[str, Any]
) -> None:
    questionnaire = live_server.app.extensions["content"].questionnaire
    with live_server.app.app_context():
        _draft, token = services.start_assessment(questionnaire, "en", None)
    first = questionnaire.pages[0].id
    page = throttled_page(new_page)
    result = measure(
        page,
        f"{live_server.url}/en/assessment/{token}/{first}",
        """() => { const r = document.querySelector('main input[type=radio]');
                   return document.readyState !== 'loading' && r && !r.disabled && r.checkVisibility(); }""",
    )
    measurements["first_questionnaire_page"] = {**result, "bound_ms": FIRST_PAGE_BOUND_S * 1000}
    print(
        f"\nfirst questionnaire page on 400 kbit/s + 400 ms: usable after {result['usable_ms']} ms "
        f"({result['transferred_bytes']:,} B transferred)"
    )
    assert result["usable_ms"] < FIRST_PAGE_BOUND_S * 1000, result


def test_results_page_charts_drawn_on_a_slow_line(
    live_server: LiveServer, new_page: Any, measurements: dict[str, Any]
) -> None:
    token = seed_submission(live_server.app, BASE_ANSWERS)
    page = throttled_page(new_page)
    result = measure(
        page,
        f"{live_server.url}/en/results/{token}",
        "() => !!document.querySelector(\"#components-chart[data-chart-ready='true']\")",
    )
    measurements["results_page_charts_drawn"] = {**result, "bound_ms": RESULTS_PAGE_BOUND_S * 1000}
    print(
        f"\nresults page on 400 kbit/s + 400 ms: charts drawn after {result['usable_ms']} ms "
        f"({result['transferred_bytes']:,} B transferred)"
    )
    assert result["usable_ms"] < RESULTS_PAGE_BOUND_S * 1000, result
