"""Suppressing a two-way table of counts, and checking a published one (see :mod:`benchmark.core.suppression`).

Pure Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from benchmark.core.suppression.recovery import TOTAL, Key, Line, lines_of_grid, recover

#: Default minimum shown count for organisations (IRCC: "no cell under 10 organisations").
DEFAULT_K = 10


@dataclass(frozen=True)
class SuppressedTable:
    """A cross-tab ready to publish: hidden values are None.

    :ivar rows: row labels in first-appearance order of the input.
    :ivar columns: column labels in first-appearance order of the input.
    :ivar cells: every ``(row, column)`` pair, its count or None when hidden.
    :ivar row_totals: per row, the total or None when hidden (empty when row totals are not published).
    :ivar column_totals: per column, the total or None when hidden (empty when not published).
    :ivar grand_total: the grand total, or None when hidden or not published.
    :ivar k: the minimum shown count.
    :ivar shows_row_totals: whether the table publishes row totals at all (likewise for the two others).
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[Key, int | None]
    row_totals: Mapping[str, int | None]
    column_totals: Mapping[str, int | None]
    grand_total: int | None
    k: int
    shows_row_totals: bool = True
    shows_column_totals: bool = True
    shows_grand_total: bool = True

    def cell(self, row: str, column: str) -> int | None:
        """Return a published cell, or None when it is hidden."""
        return self.cells[(row, column)]

    def hidden_cells(self) -> set[Key]:
        """Return the ``(row, column)`` keys of the hidden cells (margins not included)."""
        return {key for key, value in self.cells.items() if value is None}

    def entries(self) -> dict[Key, int | None]:
        """Return every value the table is meant to publish, margins included (keys use :data:`TOTAL`).

        Margins the table does not publish at all are left out; hidden values are None.
        """
        entries: dict[Key, int | None] = dict(self.cells)
        if self.shows_row_totals:
            entries.update({(row, TOTAL): self.row_totals.get(row) for row in self.rows})
        if self.shows_column_totals:
            entries.update({(TOTAL, column): self.column_totals.get(column) for column in self.columns})
        if self.shows_grand_total:
            entries[(TOTAL, TOTAL)] = self.grand_total
        return entries

    def to_rows(
        self, *, hidden: str | None = None, corner: str = "", total_label: str = "Total"
    ) -> list[list[str | int | None]]:
        """Return the table as a list of rows for CSV/HTML: a header, one line per row, then the totals.

        :param hidden: what to put in place of a hidden value (None keeps None, e.g. ``"--"`` for CSV).
        :param corner: the header's first cell (e.g. the row variable's name).
        :param total_label: the label of the totals column and row.
        """

        def show(value: int | None) -> str | int | None:
            return hidden if value is None else value

        header: list[str | int | None] = [corner, *self.columns]
        if self.shows_row_totals:
            header.append(total_label)
        table: list[list[str | int | None]] = [header]
        for row in self.rows:
            line: list[str | int | None] = [row, *(show(self.cells[(row, column)]) for column in self.columns)]
            if self.shows_row_totals:
                line.append(show(self.row_totals.get(row)))
            table.append(line)
        if self.shows_column_totals or self.shows_grand_total:
            last: list[str | int | None] = [total_label]
            last.extend(
                show(self.column_totals.get(column)) if self.shows_column_totals else None for column in self.columns
            )
            if self.shows_row_totals:
                last.append(show(self.grand_total) if self.shows_grand_total else None)
            elif self.shows_grand_total:
                last.append(show(self.grand_total))
            table.append(last)
        return table


# --------------------------------------------------------------------------- public API


def suppress_table(
    counts: Mapping[tuple[str, str], int],
    k: int = DEFAULT_K,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
    public: Iterable[Key] = (),
) -> SuppressedTable:
    """Protect a two-way table of organisation counts (see the module docstring for the rules).

    :param counts: ``{(row, column): count}``; a pair that is absent counts as 0.
        Labels must be strings other than :data:`TOTAL`.
    :param k: the minimum shown count (cells and totals ``1 … k−1`` are hidden).
    :param row_totals: whether the row totals are published next to the table.
    :param column_totals: whether the column totals are published.
    :param grand_total: whether the grand total is published.
    :param public: margins (keys with :data:`TOTAL`) that another published table gives anyway: the
        complementary step never counts on hiding them, and the audit treats them as known.
    :return: the table with hidden values set to None.
    :raises ValueError: on negative or non-integer counts, bad labels or k < 1.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k must be a positive integer")
    rows, columns, values = _normalise(counts)
    lines = lines_of_grid(rows, columns)
    exists = set(values) - _absent_margins(rows, columns, row_totals, column_totals, grand_total)
    hidden = _primary(rows, columns, values, exists, k)
    known = frozenset(key for key in public if key in values)
    for entries, total in lines:
        if total in known and values[total] == 0:
            hidden -= set(entries)  # a line another table shows as 0: its zeros are public knowledge
    _complement(lines, values, exists, hidden, known)
    return _build(rows, columns, values, hidden, k, row_totals, column_totals, grand_total)


def recoverable_cells(table: SuppressedTable) -> set[Key]:
    """Return the hidden values an outsider can pin down exactly from what ``table`` publishes.

    Knowledge used: the published values, the line equations of the extended
    grid (cells add up to row and column totals, totals add up to the grand
    total — whether or not those margins are published) and the fact that
    counts are non-negative. Method, repeated until nothing new is learnt:

    * exact Gaussian elimination (:class:`fractions.Fraction`) over the line
      equations: an unknown is determined when a row of the reduced echelon form
      has it as its only non-zero coefficient (this covers single-unknown lines
      and every longer chain of subtractions);
    * zero-sum lines: when the unknown entries of a line with a known total add
      up to 0, each of them is 0.

    :return: keys of the hidden values that can be recovered: ``(row, column)``
        for cells, ``(row, TOTAL)`` / ``(TOTAL, column)`` / ``(TOTAL, TOTAL)`` for
        hidden margins. Empty iff the suppression holds.
    :raises ValueError: if the published values contradict each other.
    """
    lines = lines_of_grid(table.rows, table.columns)
    entries = table.entries()
    known = {key: Fraction(value) for key, value in entries.items() if value is not None}
    hidden = {key for key, value in entries.items() if value is None}
    return set(recover(lines, known)) & hidden


def share_or_none(numerator: int | None, denominator: int | None, k: int = DEFAULT_K) -> Fraction | None:
    """Return the exact share ``numerator / denominator`` (0–1), or None when it must not be shown.

    The share of organisations choosing an option (or the count behind it) is
    shown only when BOTH the count and its complement reach ``k``:
    ``numerator >= k`` and ``denominator - numerator >= k`` (so the group itself
    holds at least ``2k``). A share says as much about the organisations that
    did *not* choose the option as about those that did: 11 "yes" of 12 tells
    that the one remaining organisation answered "no". For the same reason 0
    and the full base are hidden too: 0 of 12 (or 12 of 12) tells every
    organisation's answer.

    None as well when the numerator or the denominator is itself hidden (None)
    or the denominator is zero. Multiply by 100 and round only for display.

    :raises ValueError: on negative values or a numerator above the denominator.
    """
    if numerator is None or denominator is None:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("counts must be non-negative")
    if numerator > denominator:
        raise ValueError("the numerator cannot exceed the denominator")
    if not releasable_count(numerator, denominator, k):
        return None
    return Fraction(numerator, denominator)


def releasable_count(count: int, base: int, k: int = DEFAULT_K) -> bool:
    """True when ``count`` organisations out of ``base`` choosing an option may be shown (as a count or a share).

    Both the count and the remainder must reach k: ``count >= k`` and
    ``base - count >= k``. A count below k points at a few organisations; a
    remainder below k does the same for those that did not choose it (11 of 12
    gives away the twelfth); 0 and ``base`` are therefore never shown, since
    they state every organisation's answer.
    """
    return count >= k and base - count >= k


# --------------------------------------------------------------------------- building blocks


def _normalise(counts: Mapping[tuple[str, str], int]) -> tuple[tuple[str, ...], tuple[str, ...], dict[Key, int]]:
    """Check the counts, fill absent pairs with 0 and add the true margins under :data:`TOTAL` keys."""
    rows: dict[str, None] = {}
    columns: dict[str, None] = {}
    for key, count in counts.items():
        if not isinstance(key, tuple) or len(key) != 2 or not all(isinstance(part, str) for part in key):
            raise ValueError(f"cell {key!r}: the key must be a (row, column) pair of strings")
        if TOTAL in key:
            raise ValueError(f"cell {key!r}: {TOTAL!r} is reserved for margins")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"cell {key!r}: count must be a non-negative integer")
        rows.setdefault(key[0])
        columns.setdefault(key[1])
    row_labels, column_labels = tuple(rows), tuple(columns)
    values: dict[Key, int] = {(r, c): counts.get((r, c), 0) for r in row_labels for c in column_labels}
    for r in row_labels:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in column_labels)
    for c in column_labels:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in row_labels)
    values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in row_labels)
    return row_labels, column_labels, values


def _absent_margins(
    rows: Iterable[str], columns: Iterable[str], row_totals: bool, column_totals: bool, grand_total: bool
) -> set[Key]:
    absent: set[Key] = set()
    if not row_totals:
        absent |= {(r, TOTAL) for r in rows}
    if not column_totals:
        absent |= {(TOTAL, c) for c in columns}
    if not grand_total:
        absent.add((TOTAL, TOTAL))
    return absent


def _primary(
    rows: tuple[str, ...], columns: tuple[str, ...], values: Mapping[Key, int], exists: set[Key], k: int
) -> set[Key]:
    """Primary suppression: small cells, and whole rows/columns (or the whole table) below k."""
    if 0 < values[(TOTAL, TOTAL)] < k:
        return set(exists)
    hidden = {key for key in exists if TOTAL not in key and 0 < values[key] < k}
    for r in rows:
        if 0 < values[(r, TOTAL)] < k:
            hidden |= {(r, c) for c in columns} | ({(r, TOTAL)} & exists)
    for c in columns:
        if 0 < values[(TOTAL, c)] < k:
            hidden |= {(r, c) for r in rows} | ({(TOTAL, c)} & exists)
    return hidden


def _complement(
    lines: list[Line],
    values: Mapping[Key, int],
    exists: set[Key],
    hidden: set[Key],
    public: frozenset[Key] = frozenset(),
) -> None:
    """Add complementary suppressions to ``hidden`` (in place) until the audit finds nothing.

    ``public``: values known from elsewhere; never hidden to protect another and always known to the audit.
    """
    lines_of: dict[Key, list[int]] = {}
    for index, (entries, total) in enumerate(lines):
        for key in (*entries, total):
            lines_of.setdefault(key, []).append(index)

    def unknown(key: Key) -> bool:
        return (key not in exists or key in hidden) and key not in public

    def line_unknowns(index: int) -> list[Key]:
        entries, total = lines[index]
        return [key for key in (*entries, total) if unknown(key)]

    def crossing_effect(key: Key, line: int) -> int:
        """0: hiding ``key`` repairs its crossing line; 1: neutral; 2: leaves it with one hidden value."""
        others = [index for index in lines_of[key] if index != line]
        if not others:
            return 1
        crossing = line_unknowns(others[0])
        if not crossing:
            return 2
        if len(crossing) == 1 and crossing[0] in hidden:
            return 0
        return 1

    def rank(key: Key, line: int) -> tuple[int, int, int, int, int, Key]:
        is_total = int(lines[line][1] == key)
        return (is_total, int(values[key] == 0), crossing_effect(key, line), int(TOTAL in key), values[key], key)

    def hide_best(line_indexes: Iterable[int]) -> bool:
        candidates = [
            rank(key, index)
            for index in line_indexes
            for key in (*lines[index][0], lines[index][1])
            if key in exists and key not in hidden and key not in public
        ]
        if not candidates:
            open_keys = exists - hidden - public
            fallback = sorted((int(TOTAL in key), int(values[key] == 0), values[key], key) for key in open_keys)
            if not fallback:
                return False
            hidden.add(fallback[0][3])
            return True
        hidden.add(min(candidates)[5])
        return True

    while True:
        problem = next((index for index in range(len(lines)) if _exposed(lines[index], values, unknown, hidden)), None)
        if problem is not None:
            if not hide_best([problem]):
                return
            continue
        known = {key: Fraction(values[key]) for key in exists | public if key not in hidden or key in public}
        recovered = sorted(set(recover(lines, known)) & (hidden - public))
        if not recovered:
            return
        if not hide_best(lines_of[recovered[0]]):
            return


def _exposed(line: Line, values: Mapping[Key, int], unknown: Callable[[Key], bool], hidden: set[Key]) -> bool:
    """True when a line gives a hidden value away on its own (see step 2 of the module docstring)."""
    entries, total = line
    unknowns = [key for key in (*entries, total) if unknown(key)]
    if len(unknowns) == 1:
        return unknowns[0] in hidden
    if unknown(total):
        return False
    open_entries = [key for key in entries if unknown(key)]
    if not any(key in hidden for key in open_entries):
        return False
    if sum(values[key] for key in open_entries) == 0:
        return True
    return len(open_entries) >= 2 and all(key in hidden and values[key] == 1 for key in open_entries)


def _build(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: Mapping[Key, int],
    hidden: set[Key],
    k: int,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
) -> SuppressedTable:
    def show(key: Key) -> int | None:
        return None if key in hidden else values[key]

    return SuppressedTable(
        rows=rows,
        columns=columns,
        cells={(r, c): show((r, c)) for r in rows for c in columns},
        row_totals={r: show((r, TOTAL)) for r in rows} if row_totals else {},
        column_totals={c: show((TOTAL, c)) for c in columns} if column_totals else {},
        grand_total=show((TOTAL, TOTAL)) if grand_total else None,
        k=k,
        shows_row_totals=row_totals,
        shows_column_totals=column_totals,
        shows_grand_total=grand_total,
    )
