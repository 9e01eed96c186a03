"""Small-cell protection of two-way tables: primary and complementary suppression, and the recovery checker."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.core.suppression import (
    TOTAL,
    SuppressedTable,
    recoverable_cells,
    releasable_count,
    share_or_none,
    suppress_table,
)

Counts = dict[tuple[str, str], int]


def grid(rows: str, columns: str, values: list[list[int]]) -> Counts:
    return {(r, c): values[i][j] for i, r in enumerate(rows) for j, c in enumerate(columns)}


# --------------------------------------------------------------------------- hand examples

THREE_BY_THREE = grid(
    "ABC",
    "xyz",
    [
        [20, 3, 15],  # row A: 3 is the only small cell (k = 5)
        [12, 25, 18],
        [30, 14, 22],
    ],
)


def test_one_small_cell_gets_a_complement_in_its_row_and_its_column() -> None:
    table = suppress_table(THREE_BY_THREE, k=5)
    # Primary: (A, y) = 3. Row A: the smallest other cell is (A, z) = 15. Column y: the smallest
    # other cell is (C, y) = 14. That leaves (C, y) alone in row C and (A, z) alone in column z;
    # (C, z) = 22 repairs both at once, so it is preferred to (C, x) = 30: a closed rectangle.
    assert table.hidden_cells() == {("A", "y"), ("A", "z"), ("C", "y"), ("C", "z")}
    assert table.cell("A", "x") == 20 and table.cell("B", "y") == 25
    # Every margin is at least k and stays published.
    assert dict(table.row_totals) == {"A": 38, "B": 55, "C": 66}
    assert dict(table.column_totals) == {"x": 62, "y": 42, "z": 55}
    assert table.grand_total == 159
    assert recoverable_cells(table) == set()


def test_row_total_below_k_hides_the_row() -> None:
    counts = grid("ABC", "xyz", [[20, 12, 15], [2, 0, 3], [30, 14, 22]])  # row B: 5 organisations
    table = suppress_table(counts, k=10)
    assert table.row_totals["B"] is None
    assert all(table.cell("B", column) is None for column in "xyz")  # zeros of a hidden row too
    # B's total would be the grand total minus the other row totals: another row total goes too.
    assert sum(value is None for value in table.row_totals.values()) >= 2
    assert recoverable_cells(table) == set()


def test_column_total_below_k_hides_the_column() -> None:
    counts = grid("ABC", "xyz", [[20, 1, 15], [12, 0, 18], [30, 2, 22]])
    table = suppress_table(counts, k=5)
    assert table.column_totals["y"] is None
    assert {table.cell(row, "y") for row in "ABC"} == {None}
    assert recoverable_cells(table) == set()


def test_grand_total_below_k_hides_everything() -> None:
    table = suppress_table(grid("AB", "xy", [[2, 1], [0, 3]]), k=10)
    assert set(table.cells.values()) == {None}
    assert set(table.row_totals.values()) == {None} and set(table.column_totals.values()) == {None}
    assert table.grand_total is None


def test_nothing_small_nothing_hidden() -> None:
    counts = grid("AB", "xy", [[10, 0], [12, 30]])
    table = suppress_table(counts, k=10)
    assert table.hidden_cells() == set()
    assert table.cell("A", "y") == 0  # zeros are shown
    assert table.grand_total == 52


def test_two_small_cells_that_are_both_one_get_a_complement() -> None:
    # Row A hides 1 and 1: anyone who assumes a hidden count is at least 1 would read them off
    # (total 32 − 30 = 2 = two hidden cells). The same guard as peers.suppress.
    counts = grid("AB", "xyz", [[1, 1, 30], [20, 20, 20]])
    table = suppress_table(counts, k=5)
    assert table.cell("A", "z") is None
    assert recoverable_cells(table) == set()


def test_without_totals_a_lone_small_cell_needs_no_complement() -> None:
    table = suppress_table(THREE_BY_THREE, k=5, row_totals=False, column_totals=False, grand_total=False)
    assert table.hidden_cells() == {("A", "y")}
    assert table.row_totals == {} and table.column_totals == {} and table.grand_total is None
    assert recoverable_cells(table) == set()


def test_absent_pairs_count_as_zero_and_order_follows_the_input() -> None:
    table = suppress_table({("on", "small"): 12, ("qc", "large"): 11}, k=10)
    assert table.rows == ("on", "qc") and table.columns == ("small", "large")
    assert table.cell("on", "large") == 0


def test_to_rows() -> None:
    table = suppress_table(THREE_BY_THREE, k=5)
    assert table.to_rows(hidden="--", corner="province", total_label="Total") == [
        ["province", "x", "y", "z", "Total"],
        ["A", 20, "--", "--", 38],
        ["B", 12, 25, 18, 55],
        ["C", 30, "--", "--", 66],
        ["Total", 62, 42, 55, 159],
    ]
    assert table.to_rows()[1] == ["A", 20, None, None, 38]


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError):
        suppress_table({("a", "b"): -1}, k=5)
    with pytest.raises(ValueError):
        suppress_table({("a", "b"): 1}, k=0)
    with pytest.raises(ValueError):
        suppress_table({(TOTAL, "b"): 1}, k=5)
    with pytest.raises(ValueError):
        suppress_table({("a", "b"): True}, k=5)


# --------------------------------------------------------------------------- the checker can fail


def _publish_all(counts: Counts) -> SuppressedTable:
    table = suppress_table(counts, k=1)
    assert table.hidden_cells() == set()
    return table


def test_checker_finds_a_planted_single_hidden_cell() -> None:
    table = _publish_all(THREE_BY_THREE)
    planted = dataclasses.replace(table, cells={**table.cells, ("A", "y"): None})
    assert recoverable_cells(planted) == {("A", "y")}


def test_checker_finds_a_hidden_total_equal_to_visible_cells() -> None:
    table = _publish_all(THREE_BY_THREE)
    planted = dataclasses.replace(table, row_totals={**table.row_totals, "B": None})
    assert recoverable_cells(planted) == {("B", TOTAL)}


def test_checker_accepts_a_rectangle() -> None:
    table = _publish_all(THREE_BY_THREE)
    cells = {**table.cells, ("A", "x"): None, ("A", "y"): None, ("B", "x"): None, ("B", "y"): None}
    assert recoverable_cells(dataclasses.replace(table, cells=cells)) == set()


def test_checker_finds_a_bridge_between_two_rectangles_by_elimination() -> None:
    # Two closed rectangles joined by one extra hidden cell (B, z): every row and column holds at
    # least two hidden cells, yet (rows A + B) − (columns x + y) isolates (B, z).
    counts = grid("ABCD", "xyzw", [[11, 12, 13, 14], [15, 16, 17, 18], [19, 20, 21, 22], [23, 24, 25, 26]])
    table = _publish_all(counts)
    hidden = [("A", "x"), ("A", "y"), ("B", "x"), ("B", "y"), ("C", "z"), ("C", "w"), ("D", "z"), ("D", "w")]
    cells = {**table.cells, **dict.fromkeys(hidden), ("B", "z"): None}
    assert recoverable_cells(dataclasses.replace(table, cells=cells)) == {("B", "z")}


def test_checker_uses_non_negativity() -> None:
    # Row A hides two zeros: the visible cells already make up the total, so both must be 0.
    counts = grid("AB", "xyz", [[0, 0, 30], [20, 20, 20]])
    table = _publish_all(counts)
    planted = dataclasses.replace(table, cells={**table.cells, ("A", "x"): None, ("A", "y"): None})
    assert recoverable_cells(planted) == {("A", "x"), ("A", "y")}


def test_checker_rejects_inconsistent_tables() -> None:
    table = _publish_all(THREE_BY_THREE)
    broken = dataclasses.replace(table, cells={**table.cells, ("A", "x"): 21, ("A", "y"): None})
    with pytest.raises(ValueError):
        recoverable_cells(broken)


# --------------------------------------------------------------------------- properties


@st.composite
def cross_tabs(draw: st.DrawFn) -> tuple[Counts, int, tuple[bool, bool, bool]]:
    n_rows = draw(st.integers(2, 6))
    n_columns = draw(st.integers(2, 6))
    count = st.one_of(st.integers(0, 12), st.integers(0, 40))
    counts = {(f"r{i}", f"c{j}"): draw(count) for i in range(n_rows) for j in range(n_columns)}
    k = draw(st.integers(3, 10))
    flags = draw(st.sampled_from([(True, True, True), (True, True, False), (True, False, True), (False, False, True)]))
    return counts, k, flags


def _true_entries(counts: Counts) -> dict[tuple[str, str], int]:
    entries = dict(counts)
    for (r, c), value in counts.items():
        entries[(r, TOTAL)] = entries.get((r, TOTAL), 0) + value
        entries[(TOTAL, c)] = entries.get((TOTAL, c), 0) + value
        entries[(TOTAL, TOTAL)] = entries.get((TOTAL, TOTAL), 0) + value
    return entries


@settings(max_examples=200, deadline=None)
@given(cross_tabs())
def test_published_tables_are_safe(case: tuple[Counts, int, tuple[bool, bool, bool]]) -> None:
    counts, k, (rows, columns, grand) = case
    table = suppress_table(counts, k, row_totals=rows, column_totals=columns, grand_total=grand)
    truth = _true_entries(counts)
    for key, value in table.entries().items():
        assert value is None or value == truth[key]  # published values are the true ones
        assert value is None or not 0 < value < k  # no published count in (0, k)
    assert recoverable_cells(table) == set()
    # No line whose total is published has exactly one hidden cell.
    for r in table.rows:
        if table.row_totals.get(r) is not None:
            assert sum(table.cells[(r, c)] is None for c in table.columns) != 1
    for c in table.columns:
        if table.column_totals.get(c) is not None:
            assert sum(table.cells[(r, c)] is None for r in table.rows) != 1


@settings(max_examples=100, deadline=None)
@given(cross_tabs())
def test_publishing_is_deterministic(case: tuple[Counts, int, tuple[bool, bool, bool]]) -> None:
    counts, k, flags = case
    first = suppress_table(counts, k, *flags)
    assert suppress_table(counts, k, *flags) == first
    shuffled = suppress_table(dict(reversed(list(counts.items()))), k, *flags)
    assert shuffled.entries() == first.entries()


# --------------------------------------------------------------------------- shares


def test_share_or_none() -> None:
    assert share_or_none(12, 40, k=10) == Fraction(3, 10)
    assert share_or_none(0, 40, k=10) is None  # was 0: a 0 share states every organisation's answer (issue 13)
    assert share_or_none(None, 40, k=10) is None  # numerator suppressed
    assert share_or_none(12, None, k=10) is None  # denominator suppressed
    assert share_or_none(9, 9, k=10) is None  # group below k
    assert share_or_none(3, 40, k=10) is None  # a small count slipped through: never shown
    assert share_or_none(0, 0, k=1) is None
    with pytest.raises(ValueError):
        share_or_none(41, 40, k=10)


@pytest.mark.parametrize(
    ("count", "base", "k", "shown"),
    [
        (10, 20, 10, True),  # both the count and the remainder reach k
        (12, 40, 10, True),
        (28, 40, 10, True),
        (9, 40, 10, False),  # count below k
        (1, 40, 10, False),
        (31, 40, 10, False),  # remainder below k (9 did not choose it)
        (11, 12, 10, False),  # 11 "yes" of 12 gives away the twelfth's "no"
        (10, 19, 10, False),  # remainder 9
        (0, 12, 10, False),  # 0: every organisation did not choose it
        (0, 40, 10, False),
        (40, 40, 10, False),  # the full base: every organisation chose it
        (12, 12, 10, False),
        (5, 10, 5, True),
        (4, 10, 5, False),
        (6, 10, 5, False),
        (0, 0, 1, False),
        (1, 2, 1, True),
        (0, 2, 1, False),
        (2, 2, 1, False),
    ],
)
def test_share_needs_the_count_and_the_remainder_to_reach_k(count: int, base: int, k: int, shown: bool) -> None:
    assert releasable_count(count, base, k) is shown
    assert (share_or_none(count, base, k) is not None) is shown
    if shown:
        assert share_or_none(count, base, k) == Fraction(count, base)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 15), st.integers(0, 80), st.data())
def test_a_shown_share_never_points_at_fewer_than_k(k: int, base: int, data: st.DataObject) -> None:
    count = data.draw(st.integers(0, base))
    share = share_or_none(count, base, k)
    if share is None:
        assert count < k or base - count < k
    else:
        # Whoever knows the share and the base learns both the count and the remainder: both must reach k.
        assert share * base == count
        assert count >= k and base - count >= k
        assert base >= 2 * k


def test_shares_from_a_suppressed_table() -> None:
    table = suppress_table(THREE_BY_THREE, k=5)
    assert share_or_none(table.cell("A", "y"), table.row_totals["A"], k=5) is None
    assert share_or_none(table.cell("A", "x"), table.row_totals["A"], k=5) == Fraction(20, 38)


def test_margins_public_elsewhere_are_never_counted_on_issue_17() -> None:
    """``public``: margins another table publishes (the two-way sector table beside the one-grouping ones).

    An attacker who fills them in from the other table recovers no hidden value, over many random tables.
    """
    rng = random.Random(17)
    checked = 0
    for _ in range(300):
        rows, columns = ["a", "b", "c", "d"], ["x", "y", "z", "w", "v"]
        counts = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 8]) for r in rows for c in columns}
        public = {(TOTAL, c) for c in columns} | {(TOTAL, TOTAL)}
        table = suppress_table(counts, 3, public=public)
        column_totals = {c: sum(counts[(r, c)] for r in rows) for c in columns}
        grand = sum(counts.values())
        seen = SuppressedTable(
            table.rows,
            table.columns,
            table.cells,
            table.row_totals,
            {c: column_totals[c] for c in columns},
            grand,
            3,
        )
        assert recoverable_cells(seen) == set(), counts
        for value in table.entries().values():
            assert value is None or value == 0 or value >= 3
        checked += bool(table.hidden_cells())
    assert checked > 100  # most tables hide something
