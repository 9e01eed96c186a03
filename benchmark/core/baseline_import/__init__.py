"""Validate imported survey data and turn it into a :class:`~benchmark.core.baseline.Baseline`.

Used by ``flask baseline import FILE --name … --source …`` so that the owners
of the full 2017 data (or of any later survey) can load it. Two CSV formats are
accepted; both are UTF-8 (a leading byte-order mark is allowed), comma-separated,
with a header row. Cells are trimmed; blank lines are ignored (they still count
in the row numbers).

(a) Per-option figures — :func:`parse_option_figures`
-----------------------------------------------------
One row per item and option. Columns (any order)::

    item,option,share[,n]      share = percentage 0–100 as published ("40.7")
    item,option,count,n        count = respondents choosing the option, n = the item's base

* ``item``: an item id (``q6``) or, for a matrix, an answer key ``item.row``
  (``q8.privacy``); a bare matrix id is refused.
* ``option``: an option id of the item (for a matrix, a point of its scale;
  for a 0–10 scale, ``0`` … ``10``). ``dont_know`` is refused: a figure never
  attaches to "I don't know" (the base excludes it, design §3.6 condition 3).
* ``share``: a decimal number with a point, 0–100. Kept exactly as given.
* ``count``: an integer ``0 ≤ count ≤ n``; ``n``: an integer ``> 0``, the same on
  every row of an item. For single-choice items and matrix rows the counts of one
  item may not add up to more than ``n``; the shares (format a) not to more than
  100 plus their rounding (half a unit of each share's last decimal).
* ``share`` and ``count`` may not both be present.

(b) Respondent-level records — :func:`parse_respondents`
--------------------------------------------------------
One row per respondent, one column per answer key of the questionnaire, plus
an optional ``id`` column (then required and unique). Columns may come in any
order and may be a subset (items not in the file are simply not covered), but
every column must be known and at least one answer column is needed. Cells::

    single item            an option id                      q6:        yes
    multiple choice        option ids separated by "|"       q2_2:      email|video
    0–10 scale             an integer 0–10                   q1:        8
    matrix row             a scale option id, column q8.row  q8.privacy: major
    (empty)                not answered

Exclusive options (``none``, ``dont_know`` …) must stand alone and an option may
not repeat. A row whose every cell is empty is ignored. From the records the
module computes, per answer key, the exact share of every option (see below) and,
with :func:`benchmark.core.scoring.score`, the histogram of each dimension's
integer score over the respondents who have one (dimensions with insufficient
coverage are left out for that respondent).

Shares
------
The base ``n`` of an answer key is the number of respondents who answered it
with something other than "I don't know" (skipped and ``dont_know`` are not in
the base — the scoring rules' definition of *answered*, so that Σ points ×
share gives the exact mean, design §3.6). The ``dont_know`` counts are reported
separately. Every non-missing option gets a :class:`~benchmark.core.baseline.Figure`,
zeros included, with ``count`` and ``n``; ``pct`` is the exact share
rounded half-up to one decimal for display, and the exact value is in
:attr:`ImportResult.exact_pct`. Figures of matrix rows are filed under the
answer key (``baseline.figure("q8.privacy", "major")``); those of a 0–10 scale
under the option ids ``"0"`` … ``"10"``.

Errors
------
Nothing is returned unless the whole file is valid: every problem is reported
as an :class:`ImportProblem` with its row (1-based, header = row 1; a record
spanning several lines with a quoted line break counts as one row), its column
name and a code plus an English message. Whole-file problems (``too_large``,
``empty``, a UTF-16/32 byte-order mark) have no row or column. Bytes that are
not UTF-8 are reported in the cell that holds them (``encoding``).

Every figure gets the status ``imported``, defined in the baseline's own
``status_definitions`` (the baseline model validates statuses per baseline).

Modules: :mod:`.table` (the CSV reader and its problem list), :mod:`.cells` (small cell
parsers, and :func:`~.cells.parse_answer`, which reads an answer with the item type's
text form and checks it with the same check as stored answers), :mod:`.option_figures`
(format a), :mod:`.respondents` (format b), :mod:`.result` (:class:`ImportResult`).

This package is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from benchmark.core.baseline_import.cells import AnswerError, parse_answer
from benchmark.core.baseline_import.option_figures import OPTION_COLUMNS, parse_option_figures
from benchmark.core.baseline_import.respondents import ID_COLUMN, parse_respondents
from benchmark.core.baseline_import.result import IMPORTED_STATUS, STATUS_DEFINITIONS, ImportResult
from benchmark.core.baseline_import.table import DEFAULT_MAX_BYTES, ImportProblem
from benchmark.core.item_types import Scale0To10

#: The option ids of a 0–10 scale's figures.
SCALE_POINTS = Scale0To10.POINTS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ID_COLUMN",
    "IMPORTED_STATUS",
    "OPTION_COLUMNS",
    "SCALE_POINTS",
    "STATUS_DEFINITIONS",
    "AnswerError",
    "ImportProblem",
    "ImportResult",
    "parse_answer",
    "parse_option_figures",
    "parse_respondents",
]
