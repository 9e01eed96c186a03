"""Counting everything from scratch with ``GROUP BY`` (rebuild after a bulk load; check the stored counts)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import sqlalchemy as sa

from benchmark.core.questionnaire import COMBINED_SEPARATOR, Fact
from benchmark.extensions import db
from benchmark.store.facts import column_of, table_of
from benchmark.store.models import Answer, Assessment, AssessmentScore, SummaryCount
from benchmark.store.summary.contributions import KEY_COLUMNS, Key, combined_groupings, countable_options, groupings


def _month_sql(column: Any, dialect: str) -> Any:
    """``YYYY-MM`` of a timestamp column in UTC, in SQL (the counterpart of ``contributions.month``)."""
    # The format is a literal, not a bound parameter: PostgreSQL sees each bound parameter as a
    # different expression, so ``GROUP BY to_char(x, $2)`` would not match the SELECT's ``$1``.
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)


def stored_groupings(session: Any) -> dict[str, Fact]:
    """The questionnaire's groupings whose column or table exists in the database now.

    A migration that recounts (0007) runs before later migrations add the columns of newer
    facts (0011: n2); it counts only what its schema holds (the newer facts are all empty then).
    """
    inspector = sa.inspect(session.get_bind())
    columns = {column["name"] for column in inspector.get_columns("assessment")}
    tables = set(inspector.get_table_names())
    return {
        name: fact
        for name, fact in groupings().items()
        if (f"assessment_{fact.column}" in tables if fact.multiple else fact.column in columns)
    }


def not_colleague(session: Any, present_only: bool = False) -> sa.ColumnElement[bool]:
    """Colleagues' assessments (team links) count for nothing: the team organisation's own stands for it.

    Before migration 0013 (a recount inside an older migration, ``present_only``) there are none.
    """
    if present_only:
        columns = {column["name"] for column in sa.inspect(session.get_bind()).get_columns("assessment")}
        if "is_colleague" not in columns:
            return sa.true()
    return Assessment.is_colleague.is_(False)


def _recount_groups(session: Any, present_only: bool = False) -> Counter[Key]:
    """Every count but ``answered``/``chosen``, with ``GROUP BY`` queries (one scan each).

    :param present_only: count only the groupings whose storage exists (see :func:`stored_groupings`).
    """
    dialect = session.get_bind().dialect.name
    A, S = Assessment, AssessmentScore
    counted = not_colleague(session, present_only)
    submitted = sa.and_(counted, A.status == "submitted", A.submitted_at.is_not(None))
    latest = sa.and_(submitted, A.is_latest.is_(True))
    created_month, submitted_month = _month_sql(A.created_at, dialect), _month_sql(A.submitted_at, dialect)
    # GROUP BY the first five columns by position: they include bound literals ("" for "no
    # version"), which PostgreSQL would not match between SELECT and GROUP BY as expressions.
    by_position: list[sa.ColumnElement[Any]] = [sa.literal_column(str(position)) for position in range(1, 6)]
    total: Counter[Key] = Counter()

    def count(
        metric: str, condition: Any, grouping: str, column: Any, fact: Fact | None = None, scored: bool = False
    ) -> None:
        version = A.rubric_version if metric == "latest_score" else sa.literal("")
        dimension = S.dimension if scored else sa.literal("")
        bucket = S.score if scored else sa.literal("")
        query = sa.select(A.is_synthetic, column, version, dimension, bucket, sa.func.count()).where(condition)
        if fact is not None:
            if fact.multiple:
                table = table_of(fact)
                query = query.join(table, table.c.assessment_id == A.id)
            query = query.where(column.is_not(None), column != "")
        if scored:
            query = query.join(S, S.assessment_id == A.id).where(S.score.is_not(None))
        for pool, value, version_value, dimension_value, bucket_value, n in session.execute(
            query.group_by(*by_position)
        ):
            key = (
                bool(pool),
                metric,
                grouping,
                value or "",
                dimension_value or "",
                version_value or "",
                str(bucket_value),
            )
            total[key] += n

    everything = counted
    facts = stored_groupings(session) if present_only else groupings()
    count("started", everything, "month", created_month)
    count("submitted", submitted, "month", submitted_month)
    count("reassessed", sa.and_(submitted, A.previous_id.is_not(None)), "month", submitted_month)
    # (re-assessed by group: below, with started and submitted)
    reassessed = sa.and_(submitted, A.previous_id.is_not(None))
    for name, fact in facts.items():
        count("started", everything, name, column_of(fact), fact)
        count("submitted", submitted, name, column_of(fact), fact)
        count("reassessed", reassessed, name, column_of(fact), fact)
    count("score", submitted, "month", submitted_month, scored=True)
    count("latest_score", latest, "all", sa.literal(""), scored=True)
    for name, fact in facts.items():
        count("latest_score", latest, name, column_of(fact), fact, scored=True)
    return total


def recount_combined(
    session: Any, present_only: bool = False, pool: bool | None = None, leave_out: Any = None
) -> Counter[Key]:
    """``latest_score`` by each combined grouping (``size_reg``): one ``GROUP BY`` over the facts' columns joined.

    Its own query, not :func:`contributions`: the value is the facts' columns concatenated in SQL,
    a multiple choice fact joined row by row (one key per province or territory).

    :param present_only: skip a combined grouping whose facts have no storage yet (migrations).
    :param pool: only this pool (None: both).
    :param leave_out: a SELECT of organisation ids whose submissions are not counted (migration 0013).
    """
    A, S = Assessment, AssessmentScore
    facts = stored_groupings(session) if present_only else groupings()
    by_position: list[sa.ColumnElement[Any]] = [sa.literal_column(str(position)) for position in range(1, 6)]
    total: Counter[Key] = Counter()
    for name, parts in combined_groupings().items():
        if not all(part in facts for part in parts):
            continue
        columns = [column_of(facts[part]) for part in parts]
        value = columns[0]
        for column in columns[1:]:
            value = value + sa.literal(COMBINED_SEPARATOR, sa.String) + column
        query = (
            sa.select(A.is_synthetic, value, A.rubric_version, S.dimension, S.score, sa.func.count())
            .join(S, S.assessment_id == A.id)
            .where(
                A.status == "submitted",
                A.submitted_at.is_not(None),
                A.is_latest.is_(True),
                S.score.is_not(None),
                not_colleague(session, present_only),
            )
        )
        for part, column in zip(parts, columns, strict=True):
            if facts[part].multiple:
                table = table_of(facts[part])
                query = query.join(table, table.c.assessment_id == A.id)
            query = query.where(column.is_not(None), column != "")
        if pool is not None:
            query = query.where(A.is_synthetic.is_(pool))
        if leave_out is not None:
            query = query.where(A.organisation_id.not_in(leave_out))
        for synthetic, group_value, version, dimension, score, n in session.execute(query.group_by(*by_position)):
            total[(bool(synthetic), "latest_score", name, group_value, dimension, version, str(score))] += n
    return total


def _recount_answers(session: Any, present_only: bool = False) -> Counter[Key]:
    """``answered`` and ``chosen``: the answers of latest submissions, grouped in the database.

    Identical stored values are counted together in SQL (their JSON text), so Python decodes
    each distinct value once instead of every answer row.
    """
    total: Counter[Key] = Counter()
    decode = Answer.__table__.c.value.type.result_processor(session.get_bind().dialect, None)
    text = sa.cast(Answer.value, sa.Text)
    query = (
        sa.select(Assessment.is_synthetic, Answer.key, text, sa.func.count())
        .join(Assessment, Assessment.id == Answer.assessment_id)
        .where(
            Assessment.status == "submitted",
            Assessment.submitted_at.is_not(None),
            Assessment.is_latest.is_(True),
            not_colleague(session, present_only),
        )
        .group_by(Assessment.is_synthetic, Answer.key, text)
    )
    for pool, key, raw, n in session.execute(query):
        options = countable_options(decode(raw) if decode else json.loads(raw))
        if not options:
            continue
        total[(bool(pool), "answered", "all", "", key, "", "")] += n
        for option in options:
            total[(bool(pool), "chosen", "all", "", key, "", option)] += n
    return total


def recount(session: Any = None, present_only: bool = False) -> Counter[Key]:
    """Count everything from scratch, independently of ``contributions``.

    Everything is counted with ``GROUP BY`` in the database (memory stays flat); being a
    second implementation of the same definitions, it also checks ``contributions``.
    ``present_only`` is for migrations (:func:`stored_groupings`).
    """
    session = session or db.session
    total = _recount_groups(session, present_only)
    total.update(recount_combined(session, present_only))
    total.update(_recount_answers(session, present_only))
    return total


def stored(session: Any = None) -> Counter[Key]:
    """The counts as stored (zero rows left out)."""
    session = session or db.session
    rows = session.execute(
        sa.select(*(getattr(SummaryCount, column) for column in KEY_COLUMNS), SummaryCount.count).where(
            SummaryCount.count != 0
        )
    )
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def rebuild(session: Any = None, present_only: bool = False) -> int:
    """Replace the stored counts by a full recount (after a bulk load); return the number of rows.

    ``present_only``: a migration's recount, over the groupings its schema already holds.
    """
    session = session or db.session
    counts = recount(session, present_only)
    session.execute(sa.delete(SummaryCount))
    rows = [{**dict(zip(KEY_COLUMNS, key, strict=True)), "count": n} for key, n in sorted(counts.items())]
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(SummaryCount), rows[start : start + 5_000])
    return len(rows)


def mismatches(session: Any = None) -> dict[Key, tuple[int, int]]:
    """Keys whose stored count differs from a full recount: ``{key: (stored, recounted)}``."""
    have, want = stored(session), recount(session)
    return {key: (have.get(key, 0), want.get(key, 0)) for key in have.keys() | want.keys() if have[key] != want[key]}
