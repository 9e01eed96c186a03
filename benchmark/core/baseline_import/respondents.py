"""Format (b): respondent-level records (see :mod:`benchmark.core.baseline_import`). Pure Python."""

from __future__ import annotations

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
from benchmark.core.item_types import AnswerValue
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.scoring import Rubric, score
from benchmark.core.text import Text

ID_COLUMN = "id"


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
    title = baseline_name(name, source)
    read = Table.read(data, max_bytes)
    if isinstance(read, list):
        return ImportResult(errors=read, baseline=None)
    table = read
    table.check_header()
    known_keys = set(questionnaire.answer_keys())
    answer_columns: list[str] = []
    for index, column in enumerate(table.header):
        if not column or table.is_bad(1, index) or column in answer_columns:
            continue
        if column == ID_COLUMN:
            continue
        if column in known_keys:
            answer_columns.append(column)
        else:
            _item, reason = resolve_key(questionnaire, column)
            table.problem(1, column, "unknown_column", f"unknown column: {reason}")
    if not answer_columns:
        table.problem(
            1, None, "missing_column", "no answer column: name the columns after answer keys (q6, q8.privacy …)"
        )
        return ImportResult(errors=table.sorted_problems(), baseline=None)
    if not table.rows:
        table.problem(2, None, "no_data", "the file has a header but no respondent rows")

    records: list[dict[str, AnswerValue]] = []
    seen_ids: dict[str, int] = {}
    has_id = ID_COLUMN in table.header
    for number, cells in table.records():
        if has_id and not table.is_bad(number, table.header.index(ID_COLUMN)):
            respondent_id = cells.get(ID_COLUMN, "")
            if not respondent_id:
                table.problem(number, ID_COLUMN, "required", "the respondent id is empty")
            elif respondent_id in seen_ids:
                table.problem(
                    number,
                    ID_COLUMN,
                    "duplicate_id",
                    f"respondent '{clean(respondent_id)}' already appears in row {seen_ids[respondent_id]}",
                )
            else:
                seen_ids[respondent_id] = number
        answers: dict[str, AnswerValue] = {}
        row = RowCells(table, number, cells)
        for column in answer_columns:
            item, _row = questionnaire.item_for_key(column)
            value = row.answer(item, column)
            if value is not None:
                answers[column] = value
        records.append(answers)
    if table.problems:
        return ImportResult(errors=table.sorted_problems(), baseline=None)

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
                    pct=display_pct(exact[column][option]),
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
        baseline=make_baseline(title, "respondent_level", source, year, items),
        exact_pct=exact,
        answered=answered,
        dont_know=dont_know,
        distributions=distributions,
        respondents=len(records),
    )


def _tally(item: Item, key: str, records: list[dict[str, AnswerValue]]) -> tuple[dict[str, int], int, int]:
    """Count each option of one answer key; return (counts, base without 'don't know', 'don't know' count)."""
    counts = {option: 0 for option in item.kind.countable_values(item)}
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
