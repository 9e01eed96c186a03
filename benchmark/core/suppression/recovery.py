"""The recovery engine: which hidden values of a published table an outsider can pin down exactly.

A table is an extended grid whose every row and column is a *line* (its entries add up
to its total; see :mod:`benchmark.core.suppression`).  :func:`recover` runs exact
Gaussian elimination over the line equations plus the zero-sum rule until nothing new
is learnt.  Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

#: Label of the margin in an extended key: ``(row, TOTAL)`` is a row total,
#: ``(TOTAL, column)`` a column total, ``(TOTAL, TOTAL)`` the grand total.
TOTAL = "__total__"

#: An entry of the extended grid: ``(row, column)``, either may be :data:`TOTAL`.
Key = tuple[str, str]
#: One line of the extended grid: its entries and its total.
Line = tuple[tuple[Key, ...], Key]


def lines_of_grid(rows: Iterable[str], columns: Iterable[str]) -> list[Line]:
    """Return every line of the extended grid as (entries, total), data rows first, then columns.

    Lines are ordered by label (margins last), so the result does not depend on input order.
    """
    row_labels, column_labels = sorted(rows), sorted(columns)
    lines: list[Line] = []
    for r in [*row_labels, TOTAL]:
        lines.append((tuple((r, c) for c in column_labels), (r, TOTAL)))
    for c in [*column_labels, TOTAL]:
        lines.append((tuple((r, c) for r in row_labels), (TOTAL, c)))
    return lines


def recover(lines: list[Line], known: Mapping[Key, Fraction]) -> dict[Key, Fraction]:
    """Return every unknown value of the extended grid that the published ones determine exactly."""
    current = dict(known)
    found: dict[Key, Fraction] = {}
    while True:
        learnt = _solve_linear(lines, current)
        for key, value in _zero_sum(lines, {**current, **learnt}).items():
            learnt.setdefault(key, value)
        learnt = {key: value for key, value in learnt.items() if key not in current}
        if not learnt:
            return found
        current.update(learnt)
        found.update(learnt)


def _solve_linear(lines: list[Line], known: Mapping[Key, Fraction]) -> dict[Key, Fraction]:
    """Gaussian elimination over the line equations; return the unknowns fixed by the system."""
    variables = sorted({key for entries, total in lines for key in (*entries, total) if key not in known})
    if not variables:
        return {}
    column_of = {key: index for index, key in enumerate(variables)}
    width = len(variables)
    matrix: list[list[Fraction]] = []
    for entries, total in lines:
        # Σ entries − total = 0, with the known values moved to the right-hand side.
        row = [Fraction(0)] * (width + 1)
        rhs = Fraction(0)
        for key, sign in [*((key, 1) for key in entries), (total, -1)]:
            if key in known:
                rhs -= sign * known[key]
            else:
                row[column_of[key]] += sign
        row[width] = rhs
        matrix.append(row)
    pivot_row = 0
    pivots: list[int] = []
    for column in range(width):
        pivot = next((i for i in range(pivot_row, len(matrix)) if matrix[i][column] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for i in range(len(matrix)):
            factor = matrix[i][column]
            if i != pivot_row and factor != 0:
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[pivot_row], strict=True)]
        pivots.append(column)
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    for row in matrix[pivot_row:]:
        if row[width] != 0:
            raise ValueError("the published values are inconsistent")
    determined: dict[Key, Fraction] = {}
    for i, column in enumerate(pivots):
        if all(matrix[i][j] == 0 for j in range(width) if j != column):
            determined[variables[column]] = matrix[i][width]
    return determined


def _zero_sum(lines: list[Line], known: Mapping[Key, Fraction]) -> dict[Key, Fraction]:
    """Non-negativity: the unknown entries of a line whose known remainder is 0 are all 0."""
    zeros: dict[Key, Fraction] = {}
    for entries, total in lines:
        if total not in known:
            continue
        open_entries = [key for key in entries if key not in known]
        if not open_entries:
            continue
        remainder = known[total] - sum((known[key] for key in entries if key in known), Fraction(0))
        if remainder < 0:
            raise ValueError("the published values are inconsistent")
        if remainder == 0:
            zeros.update({key: Fraction(0) for key in open_entries})
    return zeros
