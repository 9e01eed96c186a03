"""Format (a): per-option figures (see :mod:`benchmark.core.baseline_import`). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from benchmark.core.baseline import BaselineItem, Figure
from benchmark.core.baseline_import.cells import RowCells, resolve_key
from benchmark.core.baseline_import.result import (
    IMPORTED_STATUS,
    ImportResult,
    baseline_name,
    display_pct,
    make_baseline,
)
from benchmark.core.baseline_import.table import DEFAULT_MAX_BYTES, Table, clean
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.text import Text

OPTION_COLUMNS = ("item", "option", "share", "count", "n")


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
    title = baseline_name(name, source)
    read = Table.read(data, max_bytes)
    if isinstance(read, list):
        return ImportResult(errors=read, baseline=None)
    table = read
    columns = table.check_header()
    for index, column in enumerate(table.header):
        if column and column not in OPTION_COLUMNS and not table.is_bad(1, index):
            table.problem(
                1, column, "unknown_column", f"unknown column {column!r} (allowed: {', '.join(OPTION_COLUMNS)})"
            )
    header_ok = True
    for required in ("item", "option"):
        if required not in columns:
            table.problem(1, required, "missing_column", f"the column {required!r} is missing")
            header_ok = False
    with_counts = "count" in columns
    if "share" in columns and with_counts:
        table.problem(1, "count", "conflicting_columns", "give either share or count and n, not both")
        header_ok = False
    elif not with_counts and "share" not in columns:
        table.problem(1, "share", "missing_column", "the column 'share' (or the columns 'count' and 'n') is missing")
        header_ok = False
    elif with_counts and "n" not in columns:
        table.problem(1, "n", "missing_column", "the column 'n' is missing (needed with count)")
        header_ok = False
    if not header_ok:
        return ImportResult(errors=table.sorted_problems(), baseline=None)
    if not table.rows:
        table.problem(2, None, "no_data", "the file has a header but no data rows")

    parsed: list[_OptionRow] = []
    for number, cells in table.records():
        row = _parse_option_row(RowCells(table, number, cells), questionnaire, with_counts)
        if row is not None:
            parsed.append(row)
    _check_option_rows(table, questionnaire, parsed, with_counts)
    if table.problems:
        return ImportResult(errors=table.sorted_problems(), baseline=None)

    items: dict[str, dict[str, Figure]] = {}
    bases: dict[str, int | None] = {}
    exact: dict[str, dict[str, Fraction]] = {}
    for entry in parsed:
        bases.setdefault(entry.key, entry.n)
        pct = float(entry.given) if entry.given is not None else display_pct(entry.exact)
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
    baseline = make_baseline(
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


def _parse_option_row(row: RowCells, questionnaire: Questionnaire, with_counts: bool) -> _OptionRow | None:
    before = len(row.table.problems)
    key = row.get("item")
    option = row.get("option")
    item: Item | None = None
    if key is not None:
        if not key:
            row.problem("item", "required", "the item is empty")
        else:
            item, reason = resolve_key(questionnaire, key)
            if item is None:
                row.problem("item", "unknown_item", reason)
    if option is not None:
        if not option:
            row.problem("option", "required", "the option is empty")
        elif item is not None and option not in item.kind.countable_values(item):
            found = item.option(option)
            if found is not None and found.missing:
                message = f"a figure cannot attach to the 'don't know' option {option!r}"
                row.problem("option", "dont_know_option", message)
            else:
                row.problem("option", "unknown_option", f"'{clean(option)}' is not an option of {key}")
    n = row.integer("n", blank_ok=not with_counts)
    if n is not None and n <= 0:
        row.problem("n", "n_not_positive", f"n must be greater than 0 (got {n})")
        n = None
    count: int | None = None
    exact: Fraction | None = None
    given: str | None = None
    if with_counts:
        count = row.integer("count", blank_ok=False)
        if count is not None and count < 0:
            row.problem("count", "count_negative", f"the count cannot be negative (got {count})")
            count = None
        elif count is not None and n is not None and count > n:
            row.problem("count", "count_above_n", f"the count {count} is larger than n = {n}")
            count = None
        if count is not None and n is not None:
            exact = Fraction(100 * count, n)
    elif (share := row.share("share")) is not None:
        exact, given = share
    if len(row.table.problems) > before or key is None or option is None or exact is None:
        return None
    decimals = len(given.partition(".")[2]) if given is not None else 0
    return _OptionRow(row.number, key, option, exact, given, count, n, decimals)


def _check_option_rows(table: Table, questionnaire: Questionnaire, rows: list[_OptionRow], with_counts: bool) -> None:
    """Cross-row checks: duplicates, one n per item, single-choice totals."""
    first_row: dict[tuple[str, str], int] = {}
    first_n: dict[str, tuple[int | None, int]] = {}
    clean_keys: set[str] = set()
    unique: list[_OptionRow] = []
    for row in rows:
        pair = (row.key, row.option)
        if pair in first_row:
            table.problem(
                row.row, "option", "duplicate_row", f"{row.key} / {row.option} already appears in row {first_row[pair]}"
            )
            continue
        first_row[pair] = row.row
        unique.append(row)
        if row.key not in first_n:
            first_n[row.key] = (row.n, row.row)
            clean_keys.add(row.key)
        elif first_n[row.key][0] != row.n:
            table.problem(
                row.row,
                "n",
                "n_mismatch",
                f"n for {row.key} is {row.n} here but {first_n[row.key][0]} in row {first_n[row.key][1]}",
            )
            clean_keys.discard(row.key)
    for key in sorted(clean_keys, key=lambda key: first_n[key][1]):
        item, _reason = resolve_key(questionnaire, key)
        if item is None or item.kind.multiple:
            continue
        key_rows = [row for row in unique if row.key == key]
        last = max(key_rows, key=lambda row: row.row)
        n = first_n[key][0]
        if with_counts:
            total = sum(row.count or 0 for row in key_rows)
            if n is not None and total > n:
                table.problem(
                    last.row,
                    "count",
                    "counts_exceed_n",
                    f"the counts of {key} add up to {total}, more than n = {n} (one answer per respondent)",
                )
        else:
            total_share = sum((row.exact for row in key_rows), Fraction(0))
            slack = sum((Fraction(1, 2 * 10**row.decimals) for row in key_rows), Fraction(0))
            if total_share > 100 + slack:
                table.problem(
                    last.row,
                    "share",
                    "shares_exceed_100",
                    f"the shares of {key} add up to {float(total_share):g}, more than 100 (one answer per respondent)",
                )
