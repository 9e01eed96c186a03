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
``status_definitions`` (the baseline model validates statuses per baseline, so
:mod:`benchmark.core.baseline` needs no change).

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from benchmark.core.baseline import Baseline, BaselineItem, Figure
from benchmark.core.questionnaire import (
    AnswerValue,
    Item,
    Questionnaire,
    Text,
    check_multi_selection,
)
from benchmark.core.scoring import Rubric, round_half_up, score

#: Default size limit of an imported file (5 MB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

#: The status of every imported figure.
IMPORTED_STATUS = "imported"

STATUS_DEFINITIONS = {
    "per_option_shares": {IMPORTED_STATUS: "per-option figure as given in the imported file"},
    "respondent_level": {
        IMPORTED_STATUS: "share computed exactly from the imported respondent-level records "
        "(base: respondents who answered the item, 'don't know' excluded)"
    },
}

OPTION_COLUMNS = ("item", "option", "share", "count", "n")
ID_COLUMN = "id"
SCALE_POINTS = tuple(str(point) for point in range(11))

_DECIMAL = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ImportProblem:
    """One problem in an imported file.

    :ivar row: 1-based row (the header is row 1), None for a whole-file problem.
    :ivar column: the column's name (``#3`` for a column without a name), None when the problem is not in one cell.
    :ivar code: a stable machine-readable code (``share_range``, ``unknown_option`` …).
    :ivar message: an English explanation.
    """

    row: int | None
    column: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        prefix = ", ".join(where) or "file"
        return f"{prefix}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class ImportResult:
    """The outcome of an import: either errors, or a baseline (never both).

    :ivar errors: every problem found, in file order (empty when the file is valid).
    :ivar baseline: the imported baseline, or None when anything is wrong.
    :ivar exact_pct: per answer key and option, the exact share in percent.
    :ivar answered: per answer key, the base n (respondent-level: answered, ``dont_know`` excluded).
    :ivar dont_know: per answer key, respondents who answered "I don't know" (respondent-level only).
    :ivar distributions: per dimension id, the histogram ``{score: respondents}`` (respondent-level only).
    :ivar respondents: the number of respondent records (respondent-level only).
    """

    errors: list[ImportProblem]
    baseline: Baseline | None
    exact_pct: dict[str, dict[str, Fraction]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    dont_know: dict[str, int] = field(default_factory=dict)
    distributions: dict[str, dict[int, int]] = field(default_factory=dict)
    respondents: int = 0

    @property
    def ok(self) -> bool:
        """True when the file was valid and a baseline was built."""
        return not self.errors and self.baseline is not None


# --------------------------------------------------------------------------- CSV reading


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    bad_cells: set[tuple[int, int]]
    problems: list[ImportProblem]


def _clean(value: str, limit: int = 40) -> str:
    """Return a cell value safe to echo in a message (undecodable bytes as \\xNN, shortened)."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _column_name(header: list[str], index: int) -> str:
    if index < len(header) and header[index] and not _has_bad_bytes(header[index]):
        return header[index]
    if index < len(header) and header[index]:
        return _clean(header[index])
    return f"#{index + 1}"


def _read(data: bytes, max_bytes: int) -> _Table | list[ImportProblem]:
    """Decode and split the file; return whole-file problems instead when it cannot be read at all."""
    if len(data) > max_bytes:
        return [ImportProblem(None, None, "too_large", f"the file is {len(data)} bytes; the limit is {max_bytes}")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [ImportProblem(None, None, "encoding", "the file is UTF-16 or UTF-32; save it as UTF-8")]
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        return [ImportProblem(None, None, "empty", "the file is empty")]
    text = data.decode("utf-8", "surrogateescape")
    problems: list[ImportProblem] = []
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                ImportProblem(len(records) + 1, None, "csv_syntax", f"the file cannot be read as CSV here: {error}")
            )
            break
        records.append([cell.strip() for cell in record])
    header = records[0] if records else []
    table = _Table(header=header, rows=[], bad_cells=set(), problems=problems)
    for number, record in enumerate(records, start=1):
        for index, cell in enumerate(record):
            if _has_bad_bytes(cell):
                table.bad_cells.add((number, index))
                problems.append(
                    ImportProblem(
                        number,
                        _column_name(header, index),
                        "encoding",
                        f"the value '{_clean(cell)}' is not valid UTF-8 (save the file as UTF-8)",
                    )
                )
        if number > 1 and any(record):
            table.rows.append((number, record))
    return table


def _check_header(table: _Table) -> set[str]:
    """Report duplicate and nameless columns; return the set of (clean) column names."""
    seen: set[str] = set()
    for index, name in enumerate(table.header):
        if (1, index) in table.bad_cells:
            continue
        if not name:
            table.problems.append(ImportProblem(1, f"#{index + 1}", "unknown_column", "a column has no name"))
        elif name in seen:
            table.problems.append(ImportProblem(1, name, "duplicate_column", f"column {name!r} appears twice"))
        seen.add(name)
    return seen


def _cells(table: _Table, number: int, record: list[str]) -> Iterator[tuple[str, str]]:
    """Yield (column, value) for the good cells of a record of the right length."""
    for index, value in enumerate(record):
        if (number, index) not in table.bad_cells and table.header[index]:
            yield table.header[index], value


def _field_count_ok(table: _Table, number: int, record: list[str]) -> bool:
    if len(record) == len(table.header):
        return True
    table.problems.append(
        ImportProblem(
            number,
            None,
            "field_count",
            f"the row has {len(record)} values but the header has {len(table.header)} columns",
        )
    )
    return False


def _baseline_name(name: str | Text) -> Text:
    text = name if isinstance(name, Text) else Text(en=name, fr=name)
    if not text.en.strip() or not text.fr.strip():
        raise ValueError("the baseline needs a name")
    return text


def _display_pct(exact: Fraction) -> float:
    """Round an exact percentage half-up to one decimal, for display."""
    return float(Fraction(round_half_up(exact * 10), 10))


def _resolve_key(questionnaire: Questionnaire, key: str) -> tuple[Item | None, str]:
    """Return the item of an answer key, or None with the reason."""
    try:
        item, _row = questionnaire.item_for_key(key)
    except KeyError:
        base = questionnaire.items.get(key)
        if base is not None and base.type == "matrix":
            return None, f"{key} is a matrix: name one of its rows, e.g. {base.answer_keys()[0]}"
        return None, f"'{_clean(key)}' is not an item of the questionnaire"
    return item, ""


def _option_ids(item: Item) -> tuple[str, ...]:
    """Option ids a figure of ``item`` can attach to (scale points for a 0–10 scale; never "don't know")."""
    if item.type == "scale_0_10":
        return SCALE_POINTS
    return tuple(option.id for option in item.options if not option.missing)


# --------------------------------------------------------------------------- (a) per-option figures


@dataclass
class _OptionRow:
    row: int
    key: str
    option: str
    exact: Fraction
    given: str | None
    count: int | None
    n: int | None
    decimals: int


def parse_option_figures(
    data: bytes,
    questionnaire: Questionnaire,
    *,
    name: str | Text,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    year: int | None = None,
) -> ImportResult:
    """Validate a per-option CSV (format (a) of the module docstring) and build a ``per_option_shares`` baseline.

    :param data: the raw file.
    :param questionnaire: the items and options the figures must use.
    :param name: the baseline's display name (one string for both languages, or a :class:`Text`).
    :param source: where the data come from (stored on every figure and as ``derived_from``).
    :param max_bytes: files larger than this are refused without being read.
    :param year: the fieldwork year, if known.
    :return: errors, or the baseline with exact shares; never both.
    :raises ValueError: if ``name`` or ``source`` is blank (a caller error, not a file error).
    """
    title = _baseline_name(name)
    if not source.strip():
        raise ValueError("the baseline needs a source")
    read = _read(data, max_bytes)
    if isinstance(read, list):
        return ImportResult(errors=read, baseline=None)
    table = read
    columns = _check_header(table)
    for index, column in enumerate(table.header):
        if column and column not in OPTION_COLUMNS and (1, index) not in table.bad_cells:
            table.problems.append(
                ImportProblem(
                    1, column, "unknown_column", f"unknown column {column!r} (allowed: {', '.join(OPTION_COLUMNS)})"
                )
            )
    header_ok = True
    for required in ("item", "option"):
        if required not in columns:
            table.problems.append(ImportProblem(1, required, "missing_column", f"the column {required!r} is missing"))
            header_ok = False
    with_counts = "count" in columns
    if "share" in columns and with_counts:
        table.problems.append(
            ImportProblem(1, "count", "conflicting_columns", "give either share or count and n, not both")
        )
        header_ok = False
    elif not with_counts and "share" not in columns:
        table.problems.append(
            ImportProblem(
                1, "share", "missing_column", "the column 'share' (or the columns 'count' and 'n') is missing"
            )
        )
        header_ok = False
    elif with_counts and "n" not in columns:
        table.problems.append(ImportProblem(1, "n", "missing_column", "the column 'n' is missing (needed with count)"))
        header_ok = False
    if not header_ok:
        return ImportResult(errors=_sorted(table.problems), baseline=None)
    if not table.rows:
        table.problems.append(ImportProblem(2, None, "no_data", "the file has a header but no data rows"))

    parsed: list[_OptionRow] = []
    for number, record in table.rows:
        if not _field_count_ok(table, number, record):
            continue
        row = _parse_option_row(table, questionnaire, number, dict(_cells(table, number, record)), with_counts)
        if row is not None:
            parsed.append(row)
    _check_option_rows(table, questionnaire, parsed, with_counts)
    if table.problems:
        return ImportResult(errors=_sorted(table.problems), baseline=None)

    items: dict[str, dict[str, Figure]] = {}
    bases: dict[str, int | None] = {}
    exact: dict[str, dict[str, Fraction]] = {}
    for entry in parsed:
        bases.setdefault(entry.key, entry.n)
        pct = float(entry.given) if entry.given is not None else _display_pct(entry.exact)
        items.setdefault(entry.key, {})[entry.option] = Figure(
            item_id=entry.key,
            option_id=entry.option,
            pct=pct,
            status=IMPORTED_STATUS,
            n=entry.n,
            source=source,
            count=entry.count,
        )
        exact.setdefault(entry.key, {})[entry.option] = entry.exact
    baseline = _make_baseline(
        title,
        "per_option_shares",
        source,
        year,
        {key: BaselineItem(id=key, n=bases[key], figures=figures) for key, figures in items.items()},
    )
    return ImportResult(
        errors=[],
        baseline=baseline,
        exact_pct=exact,
        answered={key: n for key, n in bases.items() if n is not None},
    )


def _parse_option_row(
    table: _Table, questionnaire: Questionnaire, number: int, cells: Mapping[str, str], with_counts: bool
) -> _OptionRow | None:
    problems = table.problems
    before = len(problems)

    def problem(column: str, code: str, message: str) -> None:
        problems.append(ImportProblem(number, column, code, message))

    key = cells.get("item")
    option = cells.get("option")
    item: Item | None = None
    if key is not None:
        if not key:
            problem("item", "required", "the item is empty")
        else:
            item, reason = _resolve_key(questionnaire, key)
            if item is None:
                problem("item", "unknown_item", reason)
    if option is not None:
        if not option:
            problem("option", "required", "the option is empty")
        elif item is not None and option not in _option_ids(item):
            found = item.option(option)
            if found is not None and found.missing:
                problem("option", "dont_know_option", f"a figure cannot attach to the 'don't know' option {option!r}")
            else:
                problem("option", "unknown_option", f"'{_clean(option)}' is not an option of {key}")
    n = _parse_int(cells.get("n"), "n", number, problems, blank_ok=not with_counts)
    if n is not None and n <= 0:
        problem("n", "n_not_positive", f"n must be greater than 0 (got {n})")
        n = None
    count: int | None = None
    exact: Fraction | None = None
    given: str | None = None
    decimals = 0
    if with_counts:
        count = _parse_int(cells.get("count"), "count", number, problems, blank_ok=False)
        if count is not None and count < 0:
            problem("count", "count_negative", f"the count cannot be negative (got {count})")
            count = None
        elif count is not None and n is not None and count > n:
            problem("count", "count_above_n", f"the count {count} is larger than n = {n}")
            count = None
        if count is not None and n is not None:
            exact = Fraction(100 * count, n)
    else:
        raw = cells.get("share")
        if raw is not None:
            if not raw:
                problem("share", "required", "the share is empty")
            elif not _DECIMAL.match(raw):
                problem("share", "not_a_number", f"'{_clean(raw)}' is not a number (use a point: 40.7)")
            else:
                value = Fraction(raw)
                if not 0 <= value <= 100:
                    problem("share", "share_range", f"the share must be between 0 and 100 (got {raw})")
                else:
                    exact, given = value, raw
                    decimals = len(raw.partition(".")[2])
    if len(problems) > before or key is None or option is None or exact is None:
        return None
    return _OptionRow(number, key, option, exact, given, count, n, decimals)


def _parse_int(
    raw: str | None, column: str, number: int, problems: list[ImportProblem], *, blank_ok: bool
) -> int | None:
    if raw is None:
        return None
    if not raw:
        if not blank_ok:
            problems.append(ImportProblem(number, column, "required", f"the {column} is empty"))
        return None
    if not _INTEGER.match(raw):
        problems.append(ImportProblem(number, column, "not_a_number", f"'{_clean(raw)}' is not a whole number"))
        return None
    return int(raw)


def _check_option_rows(table: _Table, questionnaire: Questionnaire, rows: list[_OptionRow], with_counts: bool) -> None:
    """Cross-row checks: duplicates, one n per item, single-choice totals."""
    first_row: dict[tuple[str, str], int] = {}
    first_n: dict[str, tuple[int | None, int]] = {}
    clean_keys: set[str] = set()
    unique: list[_OptionRow] = []
    for row in rows:
        pair = (row.key, row.option)
        if pair in first_row:
            table.problems.append(
                ImportProblem(
                    row.row,
                    "option",
                    "duplicate_row",
                    f"{row.key} / {row.option} already appears in row {first_row[pair]}",
                )
            )
            continue
        first_row[pair] = row.row
        unique.append(row)
        if row.key not in first_n:
            first_n[row.key] = (row.n, row.row)
            clean_keys.add(row.key)
        elif first_n[row.key][0] != row.n:
            table.problems.append(
                ImportProblem(
                    row.row,
                    "n",
                    "n_mismatch",
                    f"n for {row.key} is {row.n} here but {first_n[row.key][0]} in row {first_n[row.key][1]}",
                )
            )
            clean_keys.discard(row.key)
    for key in sorted(clean_keys, key=lambda key: first_n[key][1]):
        item, _reason = _resolve_key(questionnaire, key)
        if item is None or item.type == "multi":
            continue
        key_rows = [row for row in unique if row.key == key]
        last = max(key_rows, key=lambda row: row.row)
        n = first_n[key][0]
        if with_counts:
            total = sum(row.count or 0 for row in key_rows)
            if n is not None and total > n:
                table.problems.append(
                    ImportProblem(
                        last.row,
                        "count",
                        "counts_exceed_n",
                        f"the counts of {key} add up to {total}, more than n = {n} (one answer per respondent)",
                    )
                )
        else:
            total_share = sum((row.exact for row in key_rows), Fraction(0))
            slack = sum((Fraction(1, 2 * 10**row.decimals) for row in key_rows), Fraction(0))
            if total_share > 100 + slack:
                table.problems.append(
                    ImportProblem(
                        last.row,
                        "share",
                        "shares_exceed_100",
                        f"the shares of {key} add up to {float(total_share):g}, more than 100 "
                        "(one answer per respondent)",
                    )
                )


# --------------------------------------------------------------------------- (b) respondent-level records


def parse_respondents(
    data: bytes,
    questionnaire: Questionnaire,
    rubric: Rubric,
    *,
    name: str | Text,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    year: int | None = None,
) -> ImportResult:
    """Validate respondent-level records (format (b)) and build a ``respondent_level`` baseline.

    :param data: the raw file.
    :param questionnaire: the answer keys, items and options the records must use.
    :param rubric: the rubric used for the dimension score histograms.
    :param name: the baseline's display name (one string for both languages, or a :class:`Text`).
    :param source: where the data come from.
    :param max_bytes: files larger than this are refused without being read.
    :param year: the fieldwork year, if known.
    :return: errors, or the baseline with exact shares, score histograms and the number of respondents.
    :raises ValueError: if ``name`` or ``source`` is blank.
    """
    title = _baseline_name(name)
    if not source.strip():
        raise ValueError("the baseline needs a source")
    read = _read(data, max_bytes)
    if isinstance(read, list):
        return ImportResult(errors=read, baseline=None)
    table = read
    _check_header(table)
    known_keys = set(questionnaire.answer_keys())
    answer_columns: list[str] = []
    for index, column in enumerate(table.header):
        if not column or (1, index) in table.bad_cells or column in answer_columns:
            continue
        if column == ID_COLUMN:
            continue
        if column in known_keys:
            answer_columns.append(column)
        else:
            _item, reason = _resolve_key(questionnaire, column)
            table.problems.append(ImportProblem(1, column, "unknown_column", f"unknown column: {reason}"))
    if not answer_columns:
        table.problems.append(
            ImportProblem(
                1, None, "missing_column", "no answer column: name the columns after answer keys (q6, q8.privacy …)"
            )
        )
        return ImportResult(errors=_sorted(table.problems), baseline=None)
    if not table.rows:
        table.problems.append(ImportProblem(2, None, "no_data", "the file has a header but no respondent rows"))

    records: list[dict[str, AnswerValue]] = []
    seen_ids: dict[str, int] = {}
    has_id = ID_COLUMN in table.header
    for number, record in table.rows:
        if not _field_count_ok(table, number, record):
            continue
        cells = dict(_cells(table, number, record))
        if has_id and (number, table.header.index(ID_COLUMN)) not in table.bad_cells:
            respondent_id = cells.get(ID_COLUMN, "")
            if not respondent_id:
                table.problems.append(ImportProblem(number, ID_COLUMN, "required", "the respondent id is empty"))
            elif respondent_id in seen_ids:
                table.problems.append(
                    ImportProblem(
                        number,
                        ID_COLUMN,
                        "duplicate_id",
                        f"respondent '{_clean(respondent_id)}' already appears in row {seen_ids[respondent_id]}",
                    )
                )
            else:
                seen_ids[respondent_id] = number
        answers: dict[str, AnswerValue] = {}
        for column in answer_columns:
            raw = cells.get(column, "")
            if not raw:
                continue
            item, _row = questionnaire.item_for_key(column)
            value = _parse_answer(item, raw, number, column, table.problems)
            if value is not None:
                answers[column] = value
        records.append(answers)
    if table.problems:
        return ImportResult(errors=_sorted(table.problems), baseline=None)

    exact: dict[str, dict[str, Fraction]] = {}
    answered: dict[str, int] = {}
    dont_know: dict[str, int] = {}
    items: dict[str, BaselineItem] = {}
    for column in answer_columns:
        item, _row = questionnaire.item_for_key(column)
        counts, base, missing = _tally(item, column, records)
        answered[column] = base
        dont_know[column] = missing
        if base == 0:
            continue
        exact[column] = {option: Fraction(100 * count, base) for option, count in counts.items()}
        items[column] = BaselineItem(
            id=column,
            n=base,
            figures={
                option: Figure(
                    item_id=column,
                    option_id=option,
                    pct=_display_pct(exact[column][option]),
                    status=IMPORTED_STATUS,
                    n=base,
                    source=source,
                    count=count,
                )
                for option, count in counts.items()
            },
        )
    distributions: dict[str, dict[int, int]] = {dimension: {} for dimension in rubric.dimension_ids()}
    for answers in records:
        for dimension_score in score(answers, rubric).dimensions:
            if dimension_score.score is not None:
                histogram = distributions[dimension_score.dimension.id]
                histogram[dimension_score.score] = histogram.get(dimension_score.score, 0) + 1
    distributions = {dimension: dict(sorted(histogram.items())) for dimension, histogram in distributions.items()}
    return ImportResult(
        errors=[],
        baseline=_make_baseline(title, "respondent_level", source, year, items),
        exact_pct=exact,
        answered=answered,
        dont_know=dont_know,
        distributions=distributions,
        respondents=len(records),
    )


def _parse_answer(item: Item, raw: str, number: int, column: str, problems: list[ImportProblem]) -> AnswerValue | None:
    def problem(code: str, message: str) -> None:
        problems.append(ImportProblem(number, column, code, message))

    if item.type == "scale_0_10":
        if not _INTEGER.match(raw):
            problem("not_a_number", f"'{_clean(raw)}' is not a whole number from 0 to 10")
            return None
        value = int(raw)
        if not 0 <= value <= 10:
            problem("scale_range", f"the answer must be from 0 to 10 (got {value})")
            return None
        return value
    if item.type == "multi":
        parts = [part.strip() for part in raw.split("|")]
        unknown = [part for part in parts if item.option(part) is None]
        if unknown:
            shown = ", ".join(repr(_clean(part)) for part in unknown)
            problem("unknown_option", f"not an option of {item.id}: {shown}")
            return None
        code = check_multi_selection(item, parts)
        if code == "duplicate":
            problem("duplicate_option", "an option is listed twice")
            return None
        if code == "exclusive":
            exclusive = [part for part in parts if (option := item.option(part)) is not None and option.exclusive]
            problem("exclusive_option", f"{', '.join(exclusive)} cannot be combined with other options")
            return None
        return parts
    if item.option(raw) is None:
        problem("unknown_option", f"'{_clean(raw)}' is not an option of {column}")
        return None
    return raw


def _tally(item: Item, key: str, records: list[dict[str, AnswerValue]]) -> tuple[dict[str, int], int, int]:
    """Count each option of one answer key; return (counts, base without 'don't know', 'don't know' count)."""
    counts = {option: 0 for option in _option_ids(item)}
    base = 0
    missing = 0
    for answers in records:
        value = answers.get(key)
        if value is None:
            continue
        chosen = [str(value)] if not isinstance(value, list) else value
        if any((option := item.option(choice)) is not None and option.missing for choice in chosen):
            missing += 1
            continue
        base += 1
        for choice in chosen:
            counts[choice] += 1
    return counts, base, missing


# --------------------------------------------------------------------------- shared


def _make_baseline(
    title: Text, kind: str, source: str, year: int | None, items: Mapping[str, BaselineItem]
) -> Baseline:
    return Baseline(
        name=title,
        kind=kind,
        year=year,
        study=title.en,
        fieldwork="not stated",
        sources={"import": source},
        derived_from=source,
        status_definitions=dict(STATUS_DEFINITIONS[kind]),
        items=dict(items),
    )


def _sorted(problems: list[ImportProblem]) -> list[ImportProblem]:
    """Return problems in file order (whole-file first, then by row; stable within a row)."""
    return sorted(problems, key=lambda problem: -1 if problem.row is None else problem.row)
