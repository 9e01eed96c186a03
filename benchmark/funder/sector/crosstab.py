"""Two groupings at once and a date range on the sector dashboard (issue 17, item 2).

*Two groupings*: the summary counts keep one key per pair of values of the questionnaire's
``combined_groupings`` (``size_reg``: size band and province or territory, …), for the latest
submission of each organisation and each component (``latest_score``).  A pair of breakdowns is
offered only when the questionnaire declares its combined grouping: a documented limit (the counts'
value column holds 16 characters, so size band × IRCC funding, ``51_plus.yes_current``, is not kept).
The two-way table publishes its row and column totals and goes through
:func:`benchmark.core.suppression.suppress_table` (cells under k, and complementary suppression); its
row totals are the organisations of each group with a level of the component, the very totals the
one-grouping table of levels publishes, so the other table gives an attacker nothing new
(``tests/web/test_sector_two_groupings.py`` checks it with the recovery engine).

*Date range*: the month and quarter tables are suppressed over every month first, then only the
rows in the range are kept, without totals.  A range never recomputes a figure: every value it shows
is the same value of the full table, so no two ranges can be differenced around a hidden cell.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping

from benchmark.core.questionnaire import COMBINED_SEPARATOR
from benchmark.core.suppression import TOTAL, suppress_table
from benchmark.funder.sector import services as sector
from benchmark.funder.sector.services import Table
from benchmark.store import summary
from benchmark.store.content import content
from benchmark.store.models import pool_is_synthetic

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def pairs() -> dict[tuple[str, str], tuple[str, bool]]:
    """``(breakdown, second breakdown)`` → (combined grouping, True when the parts are declared the other way)."""
    by_grouping = {_grouping(name): name for name in sector.breakdowns()}
    result: dict[tuple[str, str], tuple[str, bool]] = {}
    for name, combined in content().questionnaire.combined_groupings.items():
        first, second = (by_grouping.get(part) for part in combined.parts)
        if first is None or second is None:
            continue
        result[(first, second)] = (name, False)
        result[(second, first)] = (name, True)
    return result


def second_breakdowns(by: str) -> list[str]:
    """The breakdowns that can go with ``by`` in a two-way table (questionnaire order)."""
    known = pairs()
    return [name for name in sector.breakdowns() if (by, name) in known]


def two_way(dimension: str, by: str, by2: str, lang: str, titles: Mapping[str, str]) -> Table:
    """Organisations (latest submission with a level of ``dimension``) by two groupings, suppressed."""
    combined, swapped = pairs()[(by, by2)]
    counts: Counter[tuple[str, str]] = Counter()
    for _grouping, value, _dimension, _bucket, count in summary.read(
        pool_is_synthetic(), "latest_score", [combined], dimension=dimension
    ):
        first, _, second = value.partition(COMBINED_SEPARATOR)
        counts[(second, first) if swapped else (first, second)] += count
    rows = [o.id for o in sector.breakdowns()[by].options]
    columns = [o.id for o in sector.breakdowns()[by2].options]
    cells = {(row, column): counts.get((row, column), 0) for row in rows for column in columns}
    table = suppress_table(cells, sector.k_min(), public=_public_margins(cells, dimension, by, by2, titles))
    rubric = content().rubric
    return Table(
        f"two_way_{by}_{by2}_{dimension}",
        titles["two_way"].format(
            group=titles[by], group2=titles[by2], component=rubric.dimension(dimension).name.get(lang)
        ),
        titles[by],
        {o.id: o.label.get(lang) for o in sector.breakdowns()[by2].options},
        {o.id: o.label.get(lang) for o in sector.breakdowns()[by].options},
        table,
    )


def _public_margins(
    cells: Mapping[tuple[str, str], int], dimension: str, by: str, by2: str, titles: Mapping[str, str]
) -> set[tuple[str, str]]:
    """The two-way table's margins that the one-grouping tables of levels publish anyway (the same count).

    A margin over a single-choice grouping counts organisation × value pairs of the other (multiple-choice)
    fact, so it is public only where the numbers agree; the suppression may then not count on hiding it.
    """
    public: set[tuple[str, str]] = set()
    for breakdown, side in ((by, 0), (by2, 1)):
        levels = sector.levels_by(dimension, breakdown, "en", dict(titles)).table
        for value, total in levels.row_totals.items():
            mine = sum(n for key, n in cells.items() if key[side] == value)
            if total is not None and total == mine:
                public.add((value, TOTAL) if side == 0 else (TOTAL, value))
        if levels.grand_total is not None and levels.grand_total == sum(cells.values()):
            public.add((TOTAL, TOTAL))
    return public


def in_range(table: Table, start: str | None, end: str | None) -> Table:
    """The rows of ``table`` (months or quarters) within the range, without totals; the table itself if none."""
    if start is None and end is None:
        return table
    low, high = _bound(start or "0000-01", table), _bound(end or "9999-12", table)
    rows = tuple(row for row in table.table.rows if low <= row <= high)
    cells = {(row, column): table.table.cells[(row, column)] for row in rows for column in table.table.columns}
    kept = dataclasses.replace(
        table.table,
        rows=rows,
        cells=cells,
        row_totals={},
        column_totals={},
        grand_total=None,
        shows_row_totals=False,
        shows_column_totals=False,
        shows_grand_total=False,
    )
    return dataclasses.replace(table, table=kept)


def _bound(month: str, table: Table) -> str:
    """A month as the table's rows are labelled (``2026-11``, or ``2026-Q4`` for a quarter table)."""
    quarterly = table.id.startswith("levels_quarter")
    return sector.quarter_of(month) if quarterly else month


def check_range(start: str, end: str) -> tuple[str | None, str | None, str | None]:
    """``(start, end, error code)`` from the form: months ``YYYY-MM`` (either may be blank), start ≤ end."""
    start, end = start.strip()[:20], end.strip()[:20]
    for value in (start, end):
        if value and not MONTH.match(value):
            return None, None, "bad_month"
    if start and end and start > end:
        return None, None, "reversed"
    return start or None, end or None, None


def group_charts(tables: list[Table]) -> dict[str, dict[str, object]]:
    """Chart.js specs (``data-chart-specs``): one bar chart per grouping's uptake table, hidden values null."""
    charts: dict[str, dict[str, object]] = {}
    for table in tables:
        if not table.id.startswith("uptake_") or table.id == "uptake_month":
            continue
        rows = list(table.table.rows)
        charts[table.id] = {
            "labels": [table.row_labels.get(row, row) for row in rows],
            "datasets": [
                {"label": table.column_labels[column], "data": [table.table.cell(row, column) for row in rows]}
                for column in table.table.columns
            ],
        }
    return charts


def _grouping(breakdown: str) -> str:
    item = sector.breakdowns()[breakdown]
    assert item.fact is not None and item.fact.grouping is not None
    return item.fact.grouping
