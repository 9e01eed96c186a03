"""What one assessment counts for: its facts as stored, and the keys they count under."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from benchmark.core.questionnaire import COMBINED_SEPARATOR, Fact
from benchmark.extensions import db
from benchmark.store.content import content
from benchmark.store.facts import column_of, fact_of, table_of
from benchmark.store.models import Answer, Assessment
from benchmark.store.scores import scores_of

#: (is_synthetic, metric, grouping, group_value, dimension, version, bucket)
Key = tuple[bool, str, str, str, str, str, str]
KEY_COLUMNS = ("is_synthetic", "metric", "grouping", "group_value", "dimension", "version", "bucket")
#: Longest option id counted (longer values are not option ids and are not counted).
MAX_BUCKET = 40  # the length of SummaryCount.bucket


@dataclass(frozen=True)
class Facts:
    """What one assessment row contributes to the counts, as stored (its answers are read separately).

    :ivar groups: ``(grouping, value)`` of every fact with a grouping (one pair per value of a
        multiple choice fact; none for an unanswered fact).
    :ivar scores: ``(dimension, score)`` of every stored score, None included.
    """

    id: int
    is_synthetic: bool
    status: str
    is_latest: bool
    has_previous: bool
    created_at: datetime
    submitted_at: datetime | None
    rubric_version: str
    groups: tuple[tuple[str, str], ...] = ()
    scores: tuple[tuple[str, int | None], ...] = ()
    #: The organisation it belongs to (releases count changed organisations; 0 when unknown).
    organisation_id: int = 0
    #: Answered by a colleague through a team link: counts for nothing (the team organisation's own does).
    is_colleague: bool = False


def groupings() -> dict[str, Fact]:
    """The summary groupings of the app's questionnaire (``size``, ``funding``, ``region``), by name."""
    return {name: fact_of(item) for name, item in content().questionnaire.groupings.items()}


def combined_groupings() -> dict[str, tuple[str, ...]]:
    """The questionnaire's groupings by two facts together (``size_reg``: size and region), by name → their parts."""
    return {name: grouping.parts for name, grouping in content().questionnaire.combined_groupings.items()}


def combined_groups(groups: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(combined grouping, value)`` of every pair of the facts' values (none when a part is unanswered).

    The value is the parts' values joined in the declared order (``6_10.qc``); a multiple choice
    part gives one pair per value (one key per province or territory).
    """
    result = []
    for name, parts in combined_groupings().items():
        values = [[value for grouping, value in groups if grouping == part and value] for part in parts]
        result += [(name, COMBINED_SEPARATOR.join(combo)) for combo in itertools.product(*values)]
    return result


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
    if facts.is_colleague:
        return keys  # an organisation counts once: colleagues' assessments are never pooled
    pool = facts.is_synthetic
    groups = [(grouping, value) for grouping, value in facts.groups if value]

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
        for grouping, value in groups:
            add("reassessed", grouping, value)
    for dimension, score in facts.scores:
        if score is not None:
            add("score", "month", submitted, dimension, bucket=str(score))
    if not facts.is_latest:
        return keys
    latest_groups = [("all", ""), *groups, *combined_groups(groups)]
    for dimension, score in facts.scores:
        if score is None:
            continue
        for grouping, value in latest_groups:
            add("latest_score", grouping, value, dimension, facts.rubric_version, str(score))
    for key, value in (answers or {}).items():
        options = countable_options(value)
        if not options:
            continue
        add("answered", "all", dimension=key)
        for option in options:
            add("chosen", "all", dimension=key, bucket=option)
    return keys


def countable_options(value: object) -> list[str]:
    """The options an answer counts under (none for "I don't know" alone, as in scoring)."""
    options = [str(v) for v in (value if isinstance(value, list) else [value]) if _countable(v)]
    return [] if options == ["dont_know"] else options


def _countable(value: object) -> bool:
    """Option ids and scale points are counted; anything else a future item might store is not."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and 0 < len(value) <= MAX_BUCKET)


# --------------------------------------------------------------------------- reading the rows to count


def facts_of(assessment_ids: Iterable[int], session: Any = None) -> dict[int, Facts]:
    """Read the facts of some assessments as stored (two queries, and one per multiple choice grouping).

    Ids without a row (deleted, or not inserted yet) are left out: they count for nothing.
    """
    session = session or db.session
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    facts = groupings()
    single = {name: column_of(fact) for name, fact in facts.items() if not fact.multiple}
    groups: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    query = sa.select(
        Assessment.id,
        Assessment.is_synthetic,
        Assessment.status,
        Assessment.is_latest,
        Assessment.previous_id,
        Assessment.created_at,
        Assessment.submitted_at,
        Assessment.rubric_version,
        Assessment.organisation_id,
        Assessment.is_colleague,
        *single.values(),
    ).where(Assessment.id.in_(ids))
    rows = list(session.execute(query))
    for row in rows:
        groups[row[0]] += [(name, value) for name, value in zip(single, row[10:], strict=True) if value]
    for name, fact in facts.items():
        if fact.multiple:
            table, column = table_of(fact), column_of(fact)
            values = sa.select(table.c.assessment_id, column).where(table.c.assessment_id.in_(ids))
            for assessment_id, value in session.execute(values.order_by(table.c.assessment_id, column)):
                groups[assessment_id].append((name, value))
    scores = scores_of([row[0] for row in rows if row[2] == "submitted"], session) if rows else {}
    return {
        row[0]: Facts(
            id=row[0],
            is_synthetic=bool(row[1]),
            status=row[2],
            is_latest=bool(row[3]),
            has_previous=row[4] is not None,
            created_at=row[5],
            submitted_at=row[6],
            rubric_version=row[7],
            groups=tuple(groups[row[0]]),
            scores=tuple(sorted(scores.get(row[0], {}).items())),
            organisation_id=row[8],
            is_colleague=bool(row[9]),
        )
        for row in rows
    }


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
    total: Counter[Key] = Counter()
    for keys in counted_each(facts, session).values():
        total.update(keys)
    return total


def counted_each(facts: Iterable[Facts], session: Any = None) -> dict[int, Counter[Key]]:
    """What each of these assessments counts for now, by assessment id (one query for answers)."""
    facts = list(facts)
    answers = answers_of(
        [f.id for f in facts if f.is_latest and f.status == "submitted" and not f.is_colleague], session
    )
    return {one.id: contributions(one, answers.get(one.id)) for one in facts}
