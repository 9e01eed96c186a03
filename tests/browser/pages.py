"""What the page-level browser tests share: the widths and languages, and the check every page passes."""

from __future__ import annotations

from typing import Any

from tests.browser.axe import describe

WIDTHS = [360, 1280]
LANGS = ["en", "fr"]
SETTLE_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"

#: Every cell or card whose words do not fit: a word wider than the cell, a cell wider than its box,
#: or a style that breaks words inside (word-break: break-all, overflow-wrap: anywhere).
BROKEN_WORDS_JS = """() => {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  const problems = [];
  const cells = document.querySelectorAll(
    'table th, table td, .level-row, .top-steps li, .plan-card, .plan-facts dt, .plan-facts dd, .plan-step-title'
  );
  const name = (cell) => `${cell.tagName} "${cell.textContent.trim().slice(0, 30)}"`;
  for (const cell of cells) {
    const style = getComputedStyle(cell);
    if (style.display === 'none') continue;
    const head = cell.closest('thead');
    if (head && head.getBoundingClientRect().width <= 1) continue;  // a card table's headings, visually hidden
    if (style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere') {
      problems.push(`${name(cell)}: ${style.wordBreak} ${style.overflowWrap}`);
      continue;
    }
    if (cell.scrollWidth > cell.clientWidth + 1) {
      problems.push(`${name(cell)}: scrollWidth ${cell.scrollWidth} > ${cell.clientWidth}`);
      continue;
    }
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || getComputedStyle(parent).display === 'none' || parent.closest('.visually-hidden')) continue;
      const font = getComputedStyle(parent);
      context.font = `${font.fontStyle} ${font.fontWeight} ${font.fontSize} ${font.fontFamily}`;
      for (const word of node.textContent.split(/\\s+/)) {
        if (!word) continue;
        const width = context.measureText(word).width;
        if (width > room + 1) {
          problems.push(`${cell.tagName} word "${word}" is ${Math.round(width)} px in a ${Math.round(room)} px cell`);
        }
      }
    }
  }
  return problems;
}"""


def check(page: Any, axe_scan: Any, problems: list[str], name: str) -> None:
    """axe 0 violations and no sideways scroll on the current page (each failure added to ``problems``)."""
    page.wait_for_load_state("load")
    page.evaluate(SETTLE_JS)
    violations = axe_scan(page)
    if violations:
        problems.append(f"[{name}] {page.url}\n{describe(violations)}")
    if not page.evaluate(NO_SIDEWAYS_SCROLL):
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        problems.append(f"[{name}] scrolls sideways: {width}")


def words_whole(page: Any, problems: list[str], name: str) -> None:
    """No word broken inside a table cell, card or plan fact of the current page (failures added to ``problems``)."""
    page.evaluate(SETTLE_JS)
    broken = page.evaluate(BROKEN_WORDS_JS)
    if broken:
        problems.append(f"[{name}] words broken inside: {broken}")


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")
