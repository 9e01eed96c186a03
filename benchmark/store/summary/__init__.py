"""Summary counts, maintained in the transaction of every change they depend on.

Why: peer comparisons, the sector dashboard, cohort views and the API used to aggregate
over every assessment on every request, so their time and memory grew with the data
(10,000 → 1,000,000 assessments cost 107–179×; perf/RESULTS.md).  Each row of
``summary_count`` counts assessments under one key, so every page reads a few hundred
rows whatever the size of the pool.

What is counted (the *metric* of a row; every key starts with the pool, real or synthetic):

=============== ===================================== =========================================
metric          counts                                 grouped by
=============== ===================================== =========================================
started         every assessment, drafts included      month created; size, funding, region
submitted       every submission                       month submitted; size, funding, region
reassessed      submissions taken again                month submitted
score           every submission's component score     month submitted × dimension × score
latest_score    each organisation's latest submission  all/size/funding/region × dimension ×
                                                       rubric version × score
answered        latest submissions answering a key     answer key ("I don't know" alone is not
                                                       an answer, as in scoring)
chosen          latest submissions choosing an option  answer key × option
=============== ===================================== =========================================

How it stays right: every state change goes through :mod:`benchmark.store.assessments`,
which computes what the rows it changes contributed before and after (:func:`contributions`)
and applies the difference with one upsert (``count = count + delta``, keys in sorted order
so that concurrent transactions lock rows in the same order).  :func:`rebuild` recomputes
everything from the assessments with the same :func:`contributions`; ``flask summary check``
compares the two, and the test suite does so after every test that touches the database.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.dialects import postgresql, sqlite

from benchmark.extensions import db
from benchmark.store.models import Answer, Assessment, AssessmentRegion, SummaryCount

#: The component columns of :class:`Assessment`, by dimension id.
DIMENSION_COLUMNS = {"SK": "score_sk", "IN": "score_in", "AP": "score_ap", "PR": "score_pr"}
#: Group columns shared by the uptake and score breakdowns.
GROUPINGS = ("size", "funding", "region")
#: (is_synthetic, metric, grouping, group_value, dimension, version, bucket)
Key = tuple[bool, str, str, str, str, str, str]
KEY_COLUMNS = ("is_synthetic", "metric", "grouping", "group_value", "dimension", "version", "bucket")
#: Longest option id counted (longer values are not option ids and are not counted).
MAX_BUCKET = 40  # the length of SummaryCount.bucket


@dataclass(frozen=True)
class Facts:
    """What one assessment row contributes to the counts (its answers are read separately)."""

    id: int
    is_synthetic: bool
    status: str
    is_latest: bool
    has_previous: bool
    created_at: datetime
    submitted_at: datetime | None
    size_band: str | None
    funding: str | None
    rubric_version: str
    scores: tuple[tuple[str, int | None], ...]
    regions: tuple[str, ...] = ()


def month(moment: datetime) -> str:
    """``YYYY-MM`` of a timestamp in UTC (SQLite hands back naive values, stored in UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m")


def contributions(facts: Facts, answers: Mapping[str, Any] | None = None) -> Counter[Key]:
    """Every key one assessment counts under (1 each).

    :param answers: the assessment's answers; needed only for a latest submission (they
        feed ``answered`` and ``chosen``), ignored otherwise.
    """
    keys: Counter[Key] = Counter()
    pool = facts.is_synthetic
    groups = [("size", facts.size_band), ("funding", facts.funding)] + [("region", r) for r in facts.regions]
    groups = [(grouping, value) for grouping, value in groups if value]

    def add(
        metric: str, grouping: str, value: str = "", dimension: str = "", version: str = "", bucket: str = ""
    ) -> None:
        keys[(pool, metric, grouping, value, dimension, version, bucket)] += 1

    add("started", "month", month(facts.created_at))
    for grouping, value in groups:
        add("started", grouping, value)
    if facts.status != "submitted" or facts.submitted_at is None:
        return keys
    submitted = month(facts.submitted_at)
    add("submitted", "month", submitted)
    for grouping, value in groups:
        add("submitted", grouping, value)
    if facts.has_previous:
        add("reassessed", "month", submitted)
    for dimension, score in facts.scores:
        if score is not None:
            add("score", "month", submitted, dimension, bucket=str(score))
    if not facts.is_latest:
        return keys
    for dimension, score in facts.scores:
        if score is None:
            continue
        for grouping, value in [("all", ""), *groups]:
            add("latest_score", grouping, value, dimension, facts.rubric_version, str(score))
    for key, value in (answers or {}).items():
        options = [str(v) for v in (value if isinstance(value, list) else [value]) if _countable(v)]
        if not options or options == ["dont_know"]:
            continue
        add("answered", "all", dimension=key)
        for option in options:
            add("chosen", "all", dimension=key, bucket=option)
    return keys


def _countable(value: object) -> bool:
    """Option ids and scale points are counted; anything else a future item might store is not."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and 0 < len(value) <= MAX_BUCKET)


# --------------------------------------------------------------------------- reading the rows to count


def _facts_query() -> sa.Select[Any]:
    return sa.select(
        Assessment.id,
        Assessment.is_synthetic,
        Assessment.status,
        Assessment.is_latest,
        Assessment.previous_id,
        Assessment.created_at,
        Assessment.submitted_at,
        Assessment.size_band,
        Assessment.funding,
        Assessment.rubric_version,
        *(getattr(Assessment, column) for column in DIMENSION_COLUMNS.values()),
    )


def _facts_from_row(row: Any, regions: tuple[str, ...]) -> Facts:
    scores = tuple(zip(DIMENSION_COLUMNS, row[10:], strict=True))
    return Facts(
        id=row[0],
        is_synthetic=bool(row[1]),
        status=row[2],
        is_latest=bool(row[3]),
        has_previous=row[4] is not None,
        created_at=row[5],
        submitted_at=row[6],
        size_band=row[7],
        funding=row[8],
        rubric_version=row[9],
        scores=scores,
        regions=regions,
    )


def facts_of(assessment_ids: Iterable[int], session: Any = None) -> dict[int, Facts]:
    """Read the facts of some assessments (two queries)."""
    session = session or db.session
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    regions: dict[int, list[str]] = {}
    for assessment_id, region in session.execute(
        sa.select(AssessmentRegion.assessment_id, AssessmentRegion.region)
        .where(AssessmentRegion.assessment_id.in_(ids))
        .order_by(AssessmentRegion.assessment_id, AssessmentRegion.region)
    ):
        regions.setdefault(assessment_id, []).append(region)
    rows = session.execute(_facts_query().where(Assessment.id.in_(ids)))
    return {row[0]: _facts_from_row(row, tuple(regions.get(row[0], ()))) for row in rows}


def answers_of(assessment_ids: Iterable[int], session: Any = None) -> dict[int, dict[str, Any]]:
    """Read the answers of some assessments (one query)."""
    session = session or db.session
    ids = sorted(set(assessment_ids))
    result: dict[int, dict[str, Any]] = {assessment_id: {} for assessment_id in ids}
    if ids:
        for assessment_id, key, value in session.execute(
            sa.select(Answer.assessment_id, Answer.key, Answer.value).where(Answer.assessment_id.in_(ids))
        ):
            result[assessment_id][key] = value
    return result


def counted(facts: Iterable[Facts], session: Any = None) -> Counter[Key]:
    """What these assessments count for now (their answers are read for latest submissions)."""
    facts = list(facts)
    answers = answers_of([f.id for f in facts if f.is_latest and f.status == "submitted"], session)
    total: Counter[Key] = Counter()
    for one in facts:
        total.update(contributions(one, answers.get(one.id)))
    return total


def as_latest(facts: Facts, is_latest: bool) -> Facts:
    """The same facts with the latest flag set (what a row counted before or after a change)."""
    return replace(facts, is_latest=is_latest)


# --------------------------------------------------------------------------- writing


def apply(delta: Mapping[Key, int], session: Any = None) -> None:
    """Add ``delta`` to the stored counts (one upsert; zero entries are skipped)."""
    session = session or db.session
    rows = [
        {**dict(zip(KEY_COLUMNS, key, strict=True)), "count": change} for key, change in sorted(delta.items()) if change
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SummaryCount)
    statement = statement.on_conflict_do_update(
        index_elements=[getattr(SummaryCount, column) for column in KEY_COLUMNS],
        set_={"count": SummaryCount.count + statement.excluded["count"]},
    )
    session.execute(statement, rows)


def change(before: Iterable[Facts], after: Iterable[Facts], session: Any = None) -> None:
    """Apply what some rows count after a change minus what they counted before it."""
    apply(difference(counted(before, session), counted(after, session)), session)


def difference(before: Counter[Key], after: Counter[Key]) -> Counter[Key]:
    """``after − before`` key by key, negative changes kept (Counter subtraction would drop them)."""
    delta: Counter[Key] = Counter()
    for key in before.keys() | after.keys():
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            delta[key] = change
    return delta


# --------------------------------------------------------------------------- rebuilding and checking


def _month_sql(column: Any, dialect: str) -> Any:
    """``YYYY-MM`` of a timestamp column in UTC, in SQL (the counterpart of :func:`month`)."""
    # The format is a literal, not a bound parameter: PostgreSQL sees each bound parameter as a
    # different expression, so ``GROUP BY to_char(x, $2)`` would not match the SELECT's ``$1``.
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)


def _recount_groups(session: Any) -> Counter[Key]:
    """Every count but ``answered``/``chosen``, with ``GROUP BY`` queries (one scan each)."""
    dialect = session.get_bind().dialect.name
    A = Assessment
    submitted = sa.and_(A.status == "submitted", A.submitted_at.is_not(None))
    latest = sa.and_(submitted, A.is_latest.is_(True))
    created_month, submitted_month = _month_sql(A.created_at, dialect), _month_sql(A.submitted_at, dialect)
    groupings = {"size": A.size_band, "funding": A.funding, "region": AssessmentRegion.region}
    # GROUP BY the first four columns by position: they include bound literals ("" for "no
    # version"), which PostgreSQL would not match between SELECT and GROUP BY as expressions.
    by_position = [sa.literal_column(str(position)) for position in range(1, 5)]
    total: Counter[Key] = Counter()

    def count(metric: str, condition: Any, group: tuple[str, Any], dimension: str = "", score: Any = None) -> None:
        grouping, column = group
        version = A.rubric_version if metric == "latest_score" else sa.literal("")
        bucket = score if score is not None else sa.literal("")
        query = sa.select(A.is_synthetic, column, version, bucket, sa.func.count()).where(condition)
        if grouping == "region":
            query = query.join(AssessmentRegion, AssessmentRegion.assessment_id == A.id)
        if grouping in groupings:
            query = query.where(column.is_not(None), column != "")
        if score is not None:
            query = query.where(score.is_not(None))
        for pool, value, version_value, bucket_value, n in session.execute(query.group_by(*by_position)):
            key = (bool(pool), metric, grouping, value or "", dimension, version_value or "", str(bucket_value))
            total[key] += n  # type: ignore[index]

    everything = sa.true()
    count("started", everything, ("month", created_month))
    count("submitted", submitted, ("month", submitted_month))
    count("reassessed", sa.and_(submitted, A.previous_id.is_not(None)), ("month", submitted_month))
    for grouping, column in groupings.items():
        count("started", everything, (grouping, column))
        count("submitted", submitted, (grouping, column))
    for dimension, name in DIMENSION_COLUMNS.items():
        score = getattr(A, name)
        count("score", submitted, ("month", submitted_month), dimension, score)
        count("latest_score", latest, ("all", sa.literal("")), dimension, score)
        for grouping, column in groupings.items():
            count("latest_score", latest, (grouping, column), dimension, score)
    return total


def _recount_answers(session: Any) -> Counter[Key]:
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
        )
        .group_by(Assessment.is_synthetic, Answer.key, text)
    )
    for pool, key, raw, n in session.execute(query):
        value = decode(raw) if decode else json.loads(raw)
        options = [str(v) for v in (value if isinstance(value, list) else [value]) if _countable(v)]
        if not options or options == ["dont_know"]:
            continue
        total[(bool(pool), "answered", "all", "", key, "", "")] += n
        for option in options:
            total[(bool(pool), "chosen", "all", "", key, "", option)] += n
    return total


def recount(session: Any = None) -> Counter[Key]:
    """Count everything from scratch, independently of :func:`contributions`.

    Everything is counted with ``GROUP BY`` in the database (memory stays flat); being a
    second implementation of the same definitions, it also checks :func:`contributions`.
    """
    session = session or db.session
    total = _recount_groups(session)
    total.update(_recount_answers(session))
    return total


def stored(session: Any = None) -> Counter[Key]:
    """The counts as stored (zero rows left out)."""
    session = session or db.session
    rows = session.execute(
        sa.select(*(getattr(SummaryCount, column) for column in KEY_COLUMNS), SummaryCount.count).where(
            SummaryCount.count != 0
        )
    )
    return Counter({tuple(row[:-1]): row[-1] for row in rows})  # type: ignore[misc]


def rebuild(session: Any = None) -> int:
    """Replace the stored counts by a full recount (after a bulk load); return the number of rows."""
    session = session or db.session
    counts = recount(session)
    session.execute(sa.delete(SummaryCount))
    rows = [{**dict(zip(KEY_COLUMNS, key, strict=True)), "count": n} for key, n in sorted(counts.items())]
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(SummaryCount), rows[start : start + 5_000])
    return len(rows)


def mismatches(session: Any = None) -> dict[Key, tuple[int, int]]:
    """Keys whose stored count differs from a full recount: ``{key: (stored, recounted)}``."""
    have, want = stored(session), recount(session)
    return {key: (have.get(key, 0), want.get(key, 0)) for key in have.keys() | want.keys() if have[key] != want[key]}


# --------------------------------------------------------------------------- reading the counts


def read(
    pool: bool,
    metric: str,
    groupings: Iterable[str],
    *,
    version: str | None = None,
    dimension: str | None = None,
    groups: Iterable[tuple[str, str]] | None = None,
) -> list[tuple[str, str, str, str, int]]:
    """Rows ``(grouping, group_value, dimension, bucket, count)`` of one metric (one query).

    :param version: only this rubric version; every version summed when None.
    :param dimension: only this dimension (or answer key).
    :param groups: only these ``(grouping, group_value)`` pairs.
    """
    query = (
        sa.select(
            SummaryCount.grouping,
            SummaryCount.group_value,
            SummaryCount.dimension,
            SummaryCount.bucket,
            sa.func.sum(SummaryCount.count),
        )
        .where(
            SummaryCount.is_synthetic.is_(pool),
            SummaryCount.metric == metric,
            SummaryCount.grouping.in_(list(groupings)),
            SummaryCount.count != 0,
        )
        .group_by(SummaryCount.grouping, SummaryCount.group_value, SummaryCount.dimension, SummaryCount.bucket)
    )
    if version is not None:
        query = query.where(SummaryCount.version == version)
    if dimension is not None:
        query = query.where(SummaryCount.dimension == dimension)
    if groups is not None:
        query = query.where(
            sa.or_(
                *(
                    sa.and_(SummaryCount.grouping == grouping, SummaryCount.group_value == value)
                    for grouping, value in groups
                )
            )
        )
    return [(g, v, d, b, int(n)) for g, v, d, b, n in db.session.execute(query)]


# --------------------------------------------------------------------------- commands


@click.group("summary", cls=AppGroup)
def summary_command() -> None:
    """The summary counts behind peer, sector and cohort figures."""


@summary_command.command("check")
def check_command() -> None:
    """Compare the stored counts with a full recount; exit 1 if they differ."""
    wrong = mismatches()
    if wrong:
        for key, (have, want) in sorted(wrong.items())[:20]:
            click.echo(f"{' / '.join(str(part) for part in key)}: stored {have}, recounted {want}")
        raise click.ClickException(f"{len(wrong)} summary count(s) differ from a recount: run `flask summary rebuild`.")
    click.echo("The summary counts match a full recount.")


@summary_command.command("rebuild")
def rebuild_command() -> None:
    """Recount everything from the assessments (after a bulk load or a restore from elsewhere)."""
    rows = rebuild()
    db.session.commit()
    click.echo(f"{rows} summary count(s) written.")
