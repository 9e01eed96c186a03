"""Where the organisation facts live in the database, as the questionnaire declares them.

An item with ``fact: {column: …}`` (q22–q26) has its answer copied out of the answers so that
peer, sector and cohort figures group by an indexed column instead of a JSON look-up:

- a single choice fact goes to the column of that name on ``assessment`` (``size_band`` …);
- a multiple choice fact goes to the table ``assessment_<column>``, one row
  ``(assessment_id, <column>)`` per selected option (``assessment_region``).

Nothing outside the questionnaire names a fact: adding one takes the item's ``fact:``, a
migration for its column or table (with the model's matching line) and the translations.
:func:`check_storage` stops the app at start when a declared fact has nowhere to go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from benchmark.core.questionnaire import Fact, Item, Questionnaire
from benchmark.extensions import db
from benchmark.store.models import Assessment, SummaryCount


class FactStorageError(Exception):
    """A fact of the questionnaire has no column or table to go to, or names too long to count."""


def fact_of(item: Item) -> Fact:
    """The fact of an item that carries one."""
    if item.fact is None:
        raise ValueError(f"item {item.id} carries no organisation fact")
    return item.fact


def column_of(fact: Fact) -> sa.ColumnElement[Any]:
    """The column holding a single choice fact (on ``assessment``), or the value column of a multiple one."""
    if fact.multiple:
        return table_of(fact).c[fact.column]
    return Assessment.__table__.c[fact.column]


def table_of(fact: Fact) -> sa.Table:
    """The table ``assessment_<column>`` of a multiple choice fact."""
    return db.metadata.tables[f"assessment_{fact.column}"]


def check_storage(questionnaire: Questionnaire) -> None:
    """Raise :class:`FactStorageError` unless every fact of the questionnaire can be stored and counted."""
    grouping_length, value_length = _length(SummaryCount.grouping), _length(SummaryCount.group_value)
    for item in questionnaire.facts:
        fact = fact_of(item)
        where = f"item {item.id}: fact column {fact.column!r}"
        if fact.multiple:
            table = db.metadata.tables.get(f"assessment_{fact.column}")
            if table is None or fact.column not in table.c or "assessment_id" not in table.c:
                raise FactStorageError(f"{where}: no table assessment_{fact.column} (assessment_id, {fact.column})")
        elif fact.column not in Assessment.__table__.c:
            raise FactStorageError(f"{where}: no such column on assessment")
        if (fact.breakdown or fact.peer_group) and not fact.grouping:
            raise FactStorageError(f"item {item.id}: a breakdown or peer group needs a grouping (summary counts)")
        if fact.grouping and len(fact.grouping) > grouping_length:
            raise FactStorageError(f"item {item.id}: grouping {fact.grouping!r} is over {grouping_length} characters")
        too_long = [option.id for option in item.options if len(option.id) > value_length]
        if fact.grouping and too_long:
            raise FactStorageError(f"item {item.id}: option ids over {value_length} characters: {too_long}")
    for name, combined in questionnaire.combined_groupings.items():
        if len(name) > grouping_length:
            raise FactStorageError(f"combined grouping {name!r} is over {grouping_length} characters")
        parts = [questionnaire.groupings[part] for part in combined.parts]
        longest = sum(max(len(option.id) for option in item.options) for item in parts) + len(parts) - 1
        if longest > value_length:
            raise FactStorageError(
                f"combined grouping {name!r}: its longest value ({longest} characters) is over {value_length}"
            )


def _length(column: Any) -> int:
    """The length of a string column."""
    kind = column.type
    if not isinstance(kind, sa.String) or kind.length is None:
        raise TypeError(f"{column} is not a string column of fixed length")
    return kind.length


def fact_keys(questionnaire: Questionnaire) -> frozenset[str]:
    """The answer keys copied into fact columns and tables."""
    return frozenset(item.id for item in questionnaire.facts)


def write_facts(questionnaire: Questionnaire, assessment_id: int, answers: Mapping[str, Any]) -> None:
    """Copy the organisation facts from the answers into their columns and tables (other keys are ignored)."""
    session = db.session
    values: dict[str, Any] = {}
    for item in questionnaire.facts:
        fact = fact_of(item)
        answer = answers.get(item.id)
        if not fact.multiple:
            values[fact.column] = answer if isinstance(answer, str) else None
            continue
        wanted = {v for v in answer if isinstance(v, str)} if isinstance(answer, list) else set()
        table, column = table_of(fact), column_of(fact)
        current = set(session.scalars(sa.select(column).where(table.c.assessment_id == assessment_id)))
        if current - wanted:
            session.execute(
                sa.delete(table).where(table.c.assessment_id == assessment_id, column.in_(sorted(current - wanted)))
            )
        if wanted - current:
            session.execute(
                sa.insert(table), [{"assessment_id": assessment_id, fact.column: v} for v in sorted(wanted - current)]
            )
    if values:
        session.execute(
            sa.update(Assessment)
            .where(Assessment.id == assessment_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def values_of(item: Item, assessment: Assessment) -> list[str]:
    """The values of one fact of an assessment (a multiple choice fact costs one query), sorted."""
    fact = fact_of(item)
    if not fact.multiple:
        value = getattr(assessment, fact.column)
        return [value] if value else []
    table = table_of(fact)
    query = sa.select(column_of(fact)).where(table.c.assessment_id == assessment.id).order_by(column_of(fact))
    return list(db.session.scalars(query))


def multiple_tables(questionnaire: Questionnaire) -> list[sa.Table]:
    """The tables of the multiple choice facts (deleted with their assessment)."""
    return [table_of(fact_of(item)) for item in questionnaire.facts if fact_of(item).multiple]
