"""CSV exports neutralise spreadsheet formulas, also behind separators, whitespace and full-width signs."""

from __future__ import annotations

import pytest

from benchmark.web.responses import csv_text, safe_cell

FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    ";=1+1",
    " =1+1",
    ",=1",
    '  ;, =HYPERLINK("http://x")',
    '"=1',
    "|=1",
    "\u00a0=1",  # no-break space
    "\u3000=1",  # ideographic space
    "\uff1d1+1",  # ＝ full-width equals sign
    "\uff0b1",  # ＋
    "\uff0d1",  # －
    "\uff20SUM(A1)",  # ＠
    " \uff1dcmd",
    "-5",  # today's behaviour: a leading minus is always neutralised
]
ORDINARY = ["", "hello", "Ontario; Quebec", "a=b", "  hello", "1+1", "42", "Île-du-Prince-Édouard", "x-y", "'quoted'"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_formulas_get_an_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ORDINARY)
def test_ordinary_text_is_unchanged(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_other_values() -> None:
    assert safe_cell(None) == "" and safe_cell(3) == "3" and safe_cell(True) == "True"


def test_computed_numbers_stay_numbers_and_typed_ones_do_not() -> None:
    # A negative figure the app computed (a before/after change) must stay summable in a spreadsheet;
    # the same characters typed by someone are text and keep their apostrophe.
    assert safe_cell(-52) == "-52" and safe_cell(-2.5) == "-2.5"
    assert safe_cell("-52") == "'-52" and safe_cell("-2+3") == "'-2+3"


def test_csv_text_guards_header_and_rows() -> None:
    assert csv_text([";=h"], [["\uff1d1"]]) == "\ufeff';=h\r\n'\uff1d1\r\n"
