"""axe-core (vendored in tests/browser/vendor/, MPL-2.0) run inside Chromium pages.

axe is injected with ``page.evaluate(source)``, never ``add_script_tag``: the app's strict CSP
(``script-src 'self'``) blocks inline script tags, and we want that CSP in force while scanning.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_FILE = VENDOR / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const nodes = (list) => list.map((node) => ({
    target: node.target.map(String).join(' '),
    html: node.html.slice(0, 300),
    summary: node.failureSummary || '',
  }));
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags, nodes: nodes(v.nodes),
  }));
}"""


@lru_cache(maxsize=1)
def axe_source() -> str:
    """The vendored axe.min.js, license header included."""
    return AXE_FILE.read_text(encoding="utf-8")


def axe_version() -> str:
    """The vendored axe-core version (``VERSION`` file, checked against the banner by a test)."""
    return (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


def axe_scan(page: Any) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page's current document; return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(_RUN, WCAG_TAGS)
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable line per violation and node, for assertion messages."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {node['target']} — {node['summary'][:200]}")
    return "\n".join(lines)
