"""Small-cell protection for two-way tables (sector dashboard, exports, API).

Rule (design §3.7, reliability notes §6): no published count may lie in
``1 … k−1`` (``k`` = 10 by default for organisations), and a hidden count must
not be recoverable from the published ones — in particular not by subtracting
the visible cells of a row or column from its published total.

:func:`suppress_table` protects a cross-tab (e.g. province × size band, or
quarter × level) whose published margins are the true totals.
:func:`recoverable_cells` is an independent checker: given only what a table
publishes, it works out which hidden values an outsider can pin down exactly.
A suppression is correct iff that set is empty, and :func:`suppress_table`
uses the same checker as its final audit, so it never returns a table the
checker can break.

The model
---------
A table with ``r`` rows and ``c`` columns is read as an extended
``(r+1) × (c+1)`` grid: the last column holds the row totals, the last row the
column totals and the corner the grand total. Margin entries are addressed
with the sentinel :data:`TOTAL`: ``(row, TOTAL)`` is a row total,
``(TOTAL, column)`` a column total and ``(TOTAL, TOTAL)`` the grand total.
Every row and every column of the extended grid is a *line*: its entries add up
to its total (a data row's cells add up to the row total; the column totals
add up to the grand total, and so do the row totals). Those ``r + c + 2``
equations are public knowledge whether or not a margin is published; a margin
the table does not show at all (``row_totals=False`` …) is simply an unknown
that is not protected.

Suppression, step by step
-------------------------
1. *Primary*: every cell with ``0 < count < k`` is hidden. A row or column
   whose total is below ``k`` (``0 < total < k``) is a group too small to show:
   its total (if published) and all of its cells, zeros included, are hidden.
   If the grand total is below ``k`` everything is hidden. Zero cells are
   otherwise shown.
2. *Complementary, line by line*: while some line has exactly one unknown
   value and that value is hidden (it would equal the total minus the visible
   entries), or its hidden entries sum to 0 (counts are non-negative, so each
   would be 0), or its hidden entries are all 1s (an outsider who assumes a
   hidden cell is at least 1 would read them off; the same guard as
   :func:`benchmark.core.peers.suppress`), one more visible entry of that line
   is hidden. Candidates are ranked, lowest first, by: not the line's own total;
   non-zero before zero; *effect on the crossing line* (0 = it also repairs a
   crossing line that has a single hidden value, 1 = neutral, 2 = it would
   leave the crossing line with a single hidden value); a cell before a margin;
   smallest count; then the labels. So among equally harmless candidates the
   smallest count wins, and the usual result for one small cell is a closed
   rectangle of four hidden cells (row, column and the crossing corner) rather
   than a chain across the table.
3. *Audit*: :func:`recoverable_cells`' engine (exact Gaussian elimination with
   :class:`fractions.Fraction` over every line equation, plus zero-sum lines,
   repeated until nothing new is learnt) is run on the candidate publication.
   If any hidden value is pinned down, the best-ranked visible entry in that
   value's row or column is hidden and the loop resumes at step 2.

Each round hides one more value, so the loop ends; ties are broken by the
labels (not the input order), so the result does not depend on the order of
``counts``.

Shares of organisations choosing an option (:func:`share_or_none`,
:func:`releasable_count`; the sector's today-against-2017 items and a workshop
cohort's item shares) follow a stricter rule: a share is shown only when both
its count and the remainder (base − count) reach ``k``, because a share
describes the organisations that did not choose the option as much as those
that did (11 "yes" of 12 gives away the twelfth organisation's "no"). Hence 0
and the full base are hidden too.

Not covered here (by design, §3.7): attacks that combine several tables
(differencing across groupings) — the product allows one grouping variable at
a time — and interval (bounds) inference beyond exact recovery.

Modules: :mod:`.table` (:class:`SuppressedTable`, :func:`suppress_table`, :func:`share_or_none`,
:func:`releasable_count`)
and :mod:`.recovery` (the recovery engine behind :func:`recoverable_cells`); :mod:`.noise`
(private quantiles and noisy counts for groups an attacker could pad, deterministic per figure).

This package is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from benchmark.core.suppression.recovery import TOTAL, Key
from benchmark.core.suppression.table import (
    DEFAULT_K,
    SuppressedTable,
    recoverable_cells,
    releasable_count,
    share_or_none,
    suppress_table,
)

__all__ = [
    "DEFAULT_K",
    "TOTAL",
    "Key",
    "SuppressedTable",
    "recoverable_cells",
    "releasable_count",
    "share_or_none",
    "suppress_table",
]
