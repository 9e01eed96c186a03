"""What a results page reads of an organisation's assessments: statements built once per process, no ORM object.

A results page is read-only, so its reads need no ORM object kept in sync with a write: the
statements here use the tables' Core columns (the pattern of :mod:`benchmark.store.drafts`) and
are built once, at import, with bind parameters for what changes between requests; SQLAlchemy
finds each one's compiled form in the engine's cache.  Rows come back as plain tuples, turned
into small frozen records.  Every statement is bounded by the ids it is given: one
organisation's assessments, or the answers of the assessments asked for, never another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from benchmark.core.questionnaire import Item
from benchmark.extensions import db
from benchmark.store.facts import column_of, fact_of, table_of
from benchmark.store.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ImportedBaseline,
    Participation,
    Workshop,
    as_utc,
)
from benchmark.store.scores import dimensions

ASSESSMENT = cast(sa.Table, Assessment.__table__)
ANSWER = cast(sa.Table, Answer.__table__)
SCORE = cast(sa.Table, AssessmentScore.__table__)

#: The stored component scores of some assessments: (assessment id, dimension, score).
SCORES_OF = sa.select(SCORE.c.assessment_id, SCORE.c.dimension, SCORE.c.score).where(
    SCORE.c.assessment_id.in_(sa.bindparam("assessment_ids", expanding=True))
)
PARTICIPATION = cast(sa.Table, Participation.__table__)
WORKSHOP = cast(sa.Table, Workshop.__table__)
BASELINE = cast(sa.Table, ImportedBaseline.__table__)

#: The workshops one assessment takes part in, with the consent given in each (by participation id).
PARTICIPATIONS_OF = (
    sa.select(
        PARTICIPATION.c.id,
        PARTICIPATION.c.workshop_id,
        PARTICIPATION.c.share_individual,
        PARTICIPATION.c.display_name,
        WORKSHOP.c.title,
    )
    .join_from(PARTICIPATION, WORKSHOP, WORKSHOP.c.id == PARTICIPATION.c.workshop_id)
    .where(PARTICIPATION.c.assessment_id == sa.bindparam("assessment_id"))
    .order_by(PARTICIPATION.c.id)
)
#: The names and versions of the published imported baselines, as the page's choice lists them.
PUBLISHED_BASELINES = (
    sa.select(BASELINE.c.name, BASELINE.c.version)
    .where(BASELINE.c.published.is_(True))
    .order_by(BASELINE.c.name, BASELINE.c.version)
)
#: Per multiple choice fact (by its column): the values of one assessment, sorted; built on first use.
_FACT_VALUES: dict[str, Any] = {}

#: The stored answers of some assessments: (assessment id, key, value), in key order (an expanding IN).
ANSWERS_OF = (
    sa.select(ANSWER.c.assessment_id, ANSWER.c.key, ANSWER.c.value)
    .where(ANSWER.c.assessment_id.in_(sa.bindparam("assessment_ids", expanding=True)))
    .order_by(ANSWER.c.assessment_id, ANSWER.c.key)
)

#: Every assessment of one organisation, submissions in the order they were made, then drafts.
ASSESSMENTS_OF_ORGANISATION = (
    sa.select(
        ASSESSMENT.c.id,
        ASSESSMENT.c.status,
        ASSESSMENT.c.label,
        ASSESSMENT.c.created_at,
        ASSESSMENT.c.submitted_at,
    )
    .where(ASSESSMENT.c.organisation_id == sa.bindparam("organisation_id"))
    .order_by(ASSESSMENT.c.submitted_at, ASSESSMENT.c.id)
)


@dataclass(frozen=True)
class Dated:
    """One assessment of an organisation as its history sees it: id, status, private label and dates."""

    id: int
    status: str
    label: str | None
    created_at: datetime
    submitted_at: datetime | None

    @property
    def is_submitted(self) -> bool:
        """True for a submission."""
        return self.status == "submitted"


@dataclass(frozen=True)
class WorkshopTitle:
    """The one thing of a workshop a participant's results page shows: its title."""

    title: str


@dataclass(frozen=True)
class Participated:
    """A workshop participation as the results page shows it (the attributes of the model it reads)."""

    id: int
    workshop_id: int
    share_individual: bool
    display_name: str | None
    workshop: WorkshopTitle


@dataclass(frozen=True)
class BaselineName:
    """A published imported baseline as the results page's choice lists it."""

    name: str
    version: int


def participations_of(assessment_id: int) -> list[Participated]:
    """The workshops an assessment was answered in, with its consent in each (one statement, no ORM object)."""
    rows = db.session.execute(PARTICIPATIONS_OF, {"assessment_id": assessment_id})
    return [
        Participated(pid, workshop_id, share, name, WorkshopTitle(title))
        for pid, workshop_id, share, name, title in rows
    ]


def published_baselines() -> list[BaselineName]:
    """The published imported baselines' names and versions (the order of ``aggregates.published_baselines``)."""
    return [BaselineName(name, version) for name, version in db.session.execute(PUBLISHED_BASELINES)]


def answers_of(assessment_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{assessment id: {answer key: value}}`` of the assessments asked for (one statement); every id is a key."""
    result: dict[int, dict[str, Any]] = {assessment_id: {} for assessment_id in assessment_ids}
    if assessment_ids:
        for assessment_id, key, value in db.session.execute(ANSWERS_OF, {"assessment_ids": assessment_ids}):
            result[assessment_id][key] = value
    return result


class AnswerReads:
    """The answers of an organisation's submissions up to one, read in one statement when first asked for.

    A results page needs the answers of the assessment and of its previous submission (its own
    part) and of every submission up to it (its history): one read serves both.  Nothing is read
    when nothing asks (the own part kept, no history).
    """

    def __init__(self, assessment_ids: list[int]) -> None:
        self._wanted = list(assessment_ids)
        self._read: dict[int, dict[str, Any]] | None = None

    def of(self, assessment_ids: list[int]) -> dict[int, dict[str, Any]]:
        """``{assessment id: {answer key: value}}`` of ``assessment_ids`` (as :func:`answers_of`)."""
        if self._read is None:
            self._read = answers_of(sorted({*self._wanted, *assessment_ids}))
        missing = [i for i in assessment_ids if i not in self._read]
        if missing:
            self._read.update(answers_of(missing))
        return {i: self._read[i] for i in assessment_ids}


def scores_of(assessment_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """``{assessment id: {dimension: score}}`` as :func:`benchmark.store.scores.scores_of` (a statement built once)."""
    result: dict[int, dict[str, int | None]] = {i: dict.fromkeys(dimensions()) for i in sorted(set(assessment_ids))}
    if result:
        for assessment_id, dimension, score in db.session.execute(SCORES_OF, {"assessment_ids": sorted(result)}):
            result[assessment_id][dimension] = score
    return result


def fact_values(item: Item, assessment: Assessment) -> list[str]:
    """The values of one fact of an assessment, sorted, as :func:`benchmark.store.facts.values_of` (built once)."""
    fact = fact_of(item)
    if not fact.multiple:
        value = getattr(assessment, fact.column)
        return [value] if value else []
    statement = _FACT_VALUES.get(fact.column)
    if statement is None:
        table, column = table_of(fact), column_of(fact)
        query = sa.select(column).where(table.c.assessment_id == sa.bindparam("assessment_id")).order_by(column)
        statement = _FACT_VALUES.setdefault(fact.column, query)
    return list(db.session.scalars(statement, {"assessment_id": assessment.id}))


def assessments_of(organisation_id: int) -> list[Dated]:
    """Every assessment of one organisation (one statement): submissions oldest first (by date, then id)."""
    rows = db.session.execute(ASSESSMENTS_OF_ORGANISATION, {"organisation_id": organisation_id})
    return [Dated(*row) for row in rows]


def submissions_in_order(assessments: list[Dated]) -> list[Dated]:
    """The submissions among ``assessments``, oldest first (the order of ``submissions_of`` in the history)."""
    return [a for a in assessments if a.is_submitted]


def shown_until(assessments: list[Dated], assessment_id: int) -> list[Dated]:
    """The submissions up to ``assessment_id``, oldest first, that one included (none when it is not a submission)."""
    submissions = submissions_in_order(assessments)
    ids = [s.id for s in submissions]
    return submissions[: ids.index(assessment_id) + 1] if assessment_id in ids else []


def previous_of(assessments: list[Dated], assessment_id: int, submitted_at: datetime | None) -> Dated | None:
    """The organisation's submission before ``assessment_id`` (submitted at ``submitted_at``), if any.

    The latest by submission date (then by id) among the other submissions made at or before it:
    what ``ORDER BY submitted_at DESC, id DESC LIMIT 1`` gives.
    """
    since = as_utc(submitted_at)
    if since is None:
        return None
    earlier = [
        (when, a.id, a)
        for a in assessments
        if a.is_submitted and a.id != assessment_id and (when := as_utc(a.submitted_at)) is not None and when <= since
    ]
    return max(earlier, key=lambda entry: entry[:2])[2] if earlier else None
