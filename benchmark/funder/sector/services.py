"""Sector aggregates for IRCC: uptake, component levels over time and by group, today against 2017.

Every table goes through :func:`benchmark.core.suppression.suppress_table`: no cell
under k organisations (``SECTOR_MIN_CELL``, 10 by default) and complementary
suppression so that no hidden cell can be recovered from published totals.  A share
of organisations choosing an option is shown only when both its count and the
remainder reach k (:func:`benchmark.core.suppression.share_or_none`).  The
same tables feed the dashboard, the CSV/JSON exports, the open-data release and
the API.  Only this deployment's pool counts (real data, or synthetic data in a
demonstration; never both).  Every count comes from the latest *release* of the summary
counts (:mod:`benchmark.store.summary.releases`): a frozen copy cut only after enough
organisations changed and enough time passed, so that the figures cannot be differenced around
one organisation's change; a table costs one small query whatever the number of assessments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from benchmark.core.baseline import format_figure
from benchmark.core.questionnaire import Item
from benchmark.core.suppression import SuppressedTable, share_or_none, suppress_table
from benchmark.store import summary
from benchmark.store.aggregates import pool_option_counts
from benchmark.store.content import content
from benchmark.store.models import pool_is_synthetic

STAGES = ("started", "submitted", "reassessed")
#: The breakdown shown when none is asked for (the first of the questionnaire's if it has no such one).
DEFAULT_BREAKDOWN = "province"


def breakdowns() -> Mapping[str, Item]:
    """The breakdowns of the dashboard and the API ``?by=``, by public name (``province``, ``size``, ``funding``).

    They are the questionnaire's (``fact: {breakdown: …}``), each counted under its fact's grouping.
    """
    return content().questionnaire.breakdowns


def default_breakdown() -> str:
    """The breakdown of the dashboard and the API when the request names none."""
    names = breakdowns()
    return DEFAULT_BREAKDOWN if DEFAULT_BREAKDOWN in names else next(iter(names), DEFAULT_BREAKDOWN)


def k_min() -> int:
    """The smallest count shown in sector tables."""
    return int(current_app.config["SECTOR_MIN_CELL"])


def release() -> tuple[int, datetime] | None:
    """The id and cut time (UTC) of the release every figure comes from, or None before the first."""
    return summary.released_at(pool_is_synthetic())


def quarter_of(month: str) -> str:
    """``2026-11`` → ``2026-Q4``."""
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


@dataclass(frozen=True)
class Table:
    """A published table: its id, title, row variable and the suppressed counts."""

    id: str
    title: str
    row_label: str
    column_labels: dict[str, str]
    row_labels: dict[str, str]
    table: SuppressedTable


# --------------------------------------------------------------------------- uptake


def _counts(metric: str, groupings: list[str], **filters: Any) -> list[tuple[str, str, str, str, int]]:
    """Summary rows of one metric in this deployment's pool (benchmark.store.summary; one query)."""
    return summary.read(pool_is_synthetic(), metric, groupings, **filters)


def uptake_by_month(lang: str, titles: dict[str, str]) -> Table:
    """Started, submitted and re-assessed assessments per month (column totals published)."""
    counts: Counter[tuple[str, str]] = Counter()
    for stage in STAGES:
        for _grouping, month, _dimension, _bucket, count in _counts(stage, ["month"]):
            counts[(month, stage)] += count
    for month, _stage in list(counts):
        for stage in STAGES:
            counts.setdefault((month, stage), 0)
    table = suppress_table(
        dict(sorted(counts.items())), k_min(), row_totals=False, column_totals=True, grand_total=False
    )
    return Table("uptake_month", titles["uptake_month"], titles["month"], _stage_labels(titles), {}, table)


#: The stages counted by group: submissions only. A draft's organisation facts are never released
#: (benchmark.store.summary.releases), so saving the organisation page of a draft moves no figure.
GROUP_STAGES = ("submitted", "reassessed")


def uptake_by(breakdown: str, lang: str, titles: dict[str, str]) -> Table:
    """Submitted and re-assessed assessments by province/territory, size band or IRCC funding (drafts: by month)."""
    counts: Counter[tuple[str, str]] = Counter()
    for stage in GROUP_STAGES:
        for _grouping, value, _dimension, _bucket, count in _counts(stage, [_grouping_of(breakdown)]):
            counts[(value, stage)] += count
    cells = _complete(counts, _breakdown_values(breakdown), GROUP_STAGES)
    table = suppress_table(cells, k_min(), row_totals=False, column_totals=True, grand_total=False)
    return Table(
        f"uptake_{breakdown}",
        titles[f"uptake_{breakdown}"],
        titles[breakdown],
        {s: titles[s] for s in GROUP_STAGES},
        _value_labels(breakdown, lang),
        table,
    )


# --------------------------------------------------------------------------- component levels


def levels_by_quarter(dimension: str, lang: str, titles: dict[str, str]) -> Table:
    """Levels of one component among submissions, by quarter of submission (all margins published)."""
    rubric = content().rubric
    counts: Counter[tuple[str, str]] = Counter()
    for _grouping, month_value, _dimension, score, count in _counts("score", ["month"], dimension=dimension):
        counts[(quarter_of(month_value), str(rubric.level_for(int(score)).number))] += count
    cells = _complete(counts, sorted({q for q, _ in counts}), _level_ids())
    table = suppress_table(cells, k_min())
    return Table(
        f"levels_quarter_{dimension}",
        titles["levels_quarter"].format(component=rubric.dimension(dimension).name.get(lang)),
        titles["quarter"],
        _level_labels(lang),
        {},
        table,
    )


def levels_by(dimension: str, breakdown: str, lang: str, titles: dict[str, str]) -> Table:
    """Levels of one component by group, each organisation's latest submission (all margins published)."""
    rubric = content().rubric
    counts: Counter[tuple[str, str]] = Counter()
    for _grouping, value, _dimension, score, count in _counts(
        "latest_score", [_grouping_of(breakdown)], dimension=dimension
    ):
        counts[(value, str(rubric.level_for(int(score)).number))] += count
    cells = _complete(counts, _breakdown_values(breakdown), _level_ids())
    table = suppress_table(cells, k_min())
    return Table(
        f"levels_{breakdown}_{dimension}",
        titles["levels_by"].format(component=rubric.dimension(dimension).name.get(lang), group=titles[breakdown]),
        titles[breakdown],
        _level_labels(lang),
        _value_labels(breakdown, lang),
        table,
    )


# --------------------------------------------------------------------------- today against 2017


def items_against_baseline(lang: str) -> list[dict[str, Any]]:
    """Today's share choosing each option with a 2017 figure, beside that figure, with both n's.

    Today's share counts each organisation's latest submission; it is shown only when
    at least k organisations chose the option AND at least k did not (else None; see
    :func:`benchmark.core.suppression.share_or_none`): 11 of 12 would give away the twelfth's answer.
    """
    data = content()
    figures = data.baseline.all_figures()
    item_ids = sorted({figure.item_id for figure in figures})
    answered, chosen = pool_option_counts(item_ids)
    k = k_min()
    result = []
    for figure in figures:
        id_2017 = data.versions.item_2017(figure.item_id)
        if id_2017 is None:
            continue  # the crosswalk does not map this item to the 2017 question: no trend
        item = data.questionnaire.items[figure.item_id]
        option = item.option(figure.option_id)
        n_today = answered[figure.item_id]
        count = chosen[(figure.item_id, figure.option_id)]
        share = share_or_none(count, n_today, k)
        result.append(
            {
                "item": figure.item_id,
                "option": figure.option_id,
                "question_2017": id_2017,
                "question": item.label(lang),
                "option_label": option.label.get(lang) if option else figure.option_id,
                "today_pct": None if share is None else round(float(share) * 100, 1),
                "today_n": n_today if n_today >= k else None,
                "pct_2017": figure.pct,
                "n_2017": figure.n,
                "status_2017": figure.status,
                "formatted_2017": figure.format(lang),
            }
        )
    return result


# --------------------------------------------------------------------------- helpers


def _grouping_of(breakdown: str) -> str:
    """The summary grouping of a dashboard breakdown (``province`` → ``region``)."""
    item = breakdowns().get(breakdown)
    if item is None or item.fact is None or item.fact.grouping is None:
        raise ValueError(breakdown)
    return item.fact.grouping


def _breakdown_values(breakdown: str) -> list[str]:
    return [option.id for option in breakdowns()[breakdown].options]


def _value_labels(breakdown: str, lang: str) -> dict[str, str]:
    return {option.id: option.label.get(lang) for option in breakdowns()[breakdown].options}


def _level_ids() -> list[str]:
    return [str(level.number) for level in content().rubric.levels]


def _level_labels(lang: str) -> dict[str, str]:
    return {str(level.number): f"{level.number}. {level.name.get(lang)}" for level in content().rubric.levels}


def _stage_labels(titles: dict[str, str]) -> dict[str, str]:
    return {stage: titles[stage] for stage in STAGES}


def _complete(counts: Counter[tuple[str, str]], rows: list[str], columns: Any) -> dict[tuple[str, str], int]:
    """Every (row, column) pair, zeros included, in a stable order."""
    return {(row, column): counts.get((row, column), 0) for row in rows for column in columns}


def items_against_imported(record: Any, lang: str) -> list[dict[str, Any]]:
    """Today's share beside an imported baseline's figures (the same count-and-remainder rule as for 2017)."""

    q = content().questionnaire
    keys = sorted(record.figures)
    answered, chosen = pool_option_counts(keys)
    k = k_min()
    result = []
    for key in keys:
        try:
            item, row = q.item_for_key(key)
        except KeyError:
            continue
        data = record.figures[key]
        for option_id, figure in data.get("options", {}).items():
            option = item.option(option_id) if item.kind.has_options else None
            n_today = answered[key]
            count = chosen[(key, option_id)]
            share = share_or_none(count, n_today, k)
            question = item.label(lang)
            result.append(
                {
                    "item": key,
                    "option": option_id,
                    "question": question if row is None else f"{question} — {row.label.get(lang)}",
                    "option_label": option.label.get(lang) if option else option_id,
                    "today_pct": None if share is None else round(float(share) * 100, 1),
                    "today_n": n_today if n_today >= k else None,
                    "pct_2017": figure.get("pct"),
                    "n_2017": data.get("n"),
                    "status_2017": "imported",
                    "formatted_2017": format_figure(figure.get("pct") or 0, data.get("n"), "imported", lang),
                }
            )
    return result
