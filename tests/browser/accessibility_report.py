"""What the accessibility tests saw, written at the end of the test session.

* ``tests/browser/accessibility-results.json``: every scan of this run (page, language, violations
  with their nodes, horizontal overflow at 320 px and at 200 % zoom) and every keyboard check.
  Written after every run that scanned anything, passed or not; not committed (.gitignore).
* the statement data: the summary the public accessibility statement (``/<lang>/accessibility``)
  is generated from, written only when every test of ``tests/browser/test_accessibility.py`` ran
  and passed, so the statement always describes a real, complete, passing run (and its date).
  A test run writes it to a temporary folder (a test never changes a tracked file);
  ``make accessibility-statement`` points ``ACCESSIBILITY_STATEMENT_FILE`` at the committed
  ``benchmark/data/accessibility.json`` to regenerate it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.axe import WCAG_TAGS, axe_version
from tests.factories import PROJECT_ROOT

RESULTS_FILE = PROJECT_ROOT / "tests" / "browser" / "accessibility-results.json"
STATEMENT_FILE_VARIABLE = "ACCESSIBILITY_STATEMENT_FILE"
TEST_MODULE = "tests/browser/test_accessibility.py"
LANGUAGES = ("en", "fr")
REFLOW_WIDTH = 320
ZOOM_VIEWPORT = {"width": 640, "height": 400, "device_scale_factor": 2}
DESKTOP = {"width": 1280, "height": 800}


@dataclass
class Scan:
    """One page in one language: axe violations and horizontal overflow (px) at two widths."""

    page: str
    group: str
    lang: str
    path: str
    violations: list[dict[str, Any]]
    overflow_320: int
    overflow_zoom_200: int
    overflowing: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.violations and self.overflow_320 <= 0 and self.overflow_zoom_200 <= 0


@dataclass
class Report:
    """Collected during the session by the accessibility tests."""

    scans: list[Scan] = field(default_factory=list)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    browser: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)  # test node id -> passed/failed/skipped
    collected: set[str] = field(default_factory=set)
    #: Where the statement data goes: ACCESSIBILITY_STATEMENT_FILE, else a temporary file (tests/browser/conftest.py).
    statement_file: Path | None = None
    statement_written: bool = False

    def add_scan(self, scan: Scan) -> None:
        self.scans = [s for s in self.scans if (s.page, s.lang) != (scan.page, scan.lang)] + [scan]

    def check(self, name: str, lang: str, passed: bool, detail: str = "") -> None:
        self.checks[f"{name}.{lang}"] = {"check": name, "lang": lang, "passed": passed, "detail": detail}

    def complete_and_passing(self) -> bool:
        """True when every test of the module was collected, ran and passed."""
        return bool(self.collected) and all(self.outcomes.get(test) == "passed" for test in self.collected)

    # ------------------------------------------------------------------ files
    def write(self) -> None:
        if not self.scans and not self.checks:
            return
        RESULTS_FILE.write_text(json.dumps(self.results_document(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        if self.complete_and_passing() and self.statement_file is not None:
            self.statement_file.parent.mkdir(parents=True, exist_ok=True)
            self.statement_file.write_text(
                json.dumps(self.statement_document(), indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            self.statement_written = True

    def results_document(self) -> dict[str, Any]:
        return {
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "axe_core": axe_version(),
            "rule_tags": WCAG_TAGS,
            "browser": self.browser,
            "complete_and_passing": self.complete_and_passing(),
            "tests": dict(sorted(self.outcomes.items())),
            "scans": [
                {
                    "page": s.page,
                    "group": s.group,
                    "lang": s.lang,
                    "path": s.path,
                    "violations": len(s.violations),
                    "violation_nodes": sum(len(v["nodes"]) for v in s.violations),
                    "overflow_px_320": s.overflow_320,
                    "overflow_px_zoom_200": s.overflow_zoom_200,
                    "details": s.violations,
                    "overflowing_elements": s.overflowing,
                }
                for s in self.scans
            ],
            "checks": list(self.checks.values()),
        }

    def statement_document(self) -> dict[str, Any]:
        pages: dict[str, dict[str, Any]] = {}
        for scan in self.scans:
            entry = pages.setdefault(scan.page, {"id": scan.page, "group": scan.group, "languages": {}})
            entry["languages"][scan.lang] = len(scan.violations)
        checks: dict[str, dict[str, Any]] = {}
        for check in self.checks.values():
            entry = checks.setdefault(check["check"], {"id": check["check"], "languages": [], "passed": True})
            entry["languages"].append(check["lang"])
            entry["passed"] = entry["passed"] and check["passed"]
        return {
            "last_run": dt.date.today().isoformat(),
            "standard": "WCAG 2.1 AA",
            "axe_core": axe_version(),
            "rule_tags": WCAG_TAGS,
            "browser": self.browser,
            "scans": len(self.scans),
            "violations": sum(len(s.violations) for s in self.scans),
            "reflow": {
                "width_px": REFLOW_WIDTH,
                "zoom_viewport_px": ZOOM_VIEWPORT["width"],
                "zoom_device_scale_factor": ZOOM_VIEWPORT["device_scale_factor"],
                "pages_without_horizontal_scroll": sum(
                    1 for s in self.scans if s.overflow_320 <= 0 and s.overflow_zoom_200 <= 0
                ),
            },
            "pages": list(pages.values()),
            "checks": list(checks.values()),
        }


def requested_statement_file() -> Path | None:
    """The statement data file named by ACCESSIBILITY_STATEMENT_FILE, if any."""
    value = os.environ.get(STATEMENT_FILE_VARIABLE, "").strip()
    return Path(value).resolve() if value else None


REPORT = Report()
