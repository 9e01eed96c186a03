"""The history of an organisation's submissions, the answers that moved each component, and newer assessments.

A private link opens one assessment; its history runs from the organisation's first submission
up to that one, never beyond it: a newer submission's date is said (:func:`newer_than`), its
scores and answers are not, and its link cannot be derived from anything shown.  Component
scores are the stored ones (:func:`benchmark.store.scores.scores_of`); the answers that moved a
component are found with the rubric (:func:`benchmark.core.scoring.contributions.moved_keys`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date

from benchmark.core.questionnaire import Questionnaire
from benchmark.core.scoring.contributions import moved_keys
from benchmark.extensions import db
from benchmark.organisations.results import fragments
from benchmark.store import results_reads
from benchmark.store.content import content
from benchmark.store.models import Assessment, as_utc
from benchmark.store.results_reads import Dated

#: From this many submissions on, each component's scores are also drawn as a line chart.
CHART_FROM = 3


@dataclass(frozen=True)
class Entry:
    """One submission in the history: its date, private label and stored component scores."""

    assessment_id: int
    submitted_at: datetime
    label: str | None
    scores: Mapping[str, int | None]
    current: bool  # the assessment the link opens


@dataclass(frozen=True)
class MovedAnswer:
    """An answer that moved a component's score: the question, both answers and the points each gave."""

    key: str
    question: str
    before: str | None
    after: str | None
    points_before: int | None
    points_after: int | None
    max_points: int


@dataclass(frozen=True)
class ComponentMove:
    """One component between two consecutive submissions: both scores and the answers that moved it."""

    dimension_id: str
    name: str
    before: int | None
    after: int | None
    answers: list[MovedAnswer]

    @property
    def change(self) -> int | None:
        """The change of score (None when either score is missing)."""
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Step:
    """Two consecutive submissions and, per component, what moved between them."""

    before: Entry
    after: Entry
    components: list[ComponentMove]


@dataclass(frozen=True)
class History:
    """The submissions up to the one the link opens (oldest first) and the steps between them (newest first)."""

    entries: list[Entry]
    steps: list[Step]
    dimensions: list[tuple[str, str]]  # (dimension id, name in the page's language), rubric order

    @property
    def has_chart(self) -> bool:
        """True from :data:`CHART_FROM` submissions on."""
        return len(self.entries) >= CHART_FROM

    @property
    def charts(self) -> dict[str, dict[str, Any]]:
        """The line charts' data (empty below :data:`CHART_FROM` submissions)."""
        return chart_specs(self)


@dataclass(frozen=True)
class Newer:
    """What the holder of an older link may learn of newer assessments: that they exist, and their dates."""

    submitted_at: datetime | None  # the latest submission after this one
    draft_started_at: datetime | None  # the newest draft started after this submission


def submissions_of(organisation_id: int) -> list[Assessment]:
    """The organisation's submissions, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
            .order_by(Assessment.submitted_at, Assessment.id)
        )
    )


def latest_submission(organisation_id: int) -> Assessment | None:
    """The organisation's most recent submission ("take again" starts from its answers)."""
    submissions = submissions_of(organisation_id)
    return submissions[-1] if submissions else None


def newer_than(assessment: Assessment, assessments: list[Dated] | None = None) -> Newer | None:
    """Whether the organisation has a submission or a draft newer than ``assessment`` (None when not).

    ``assessments``: the organisation's (:func:`benchmark.store.results_reads.assessments_of`), read when not given.
    """
    every = results_reads.assessments_of(assessment.organisation_id) if assessments is None else assessments
    submissions = results_reads.submissions_in_order(every)
    ids = [s.id for s in submissions]
    later = submissions[ids.index(assessment.id) + 1 :] if assessment.id in ids else []
    since = as_utc(assessment.submitted_at)
    if since is None:
        return None
    started = [when for a in every if a.status == "draft" and (when := as_utc(a.created_at)) and when > since]
    draft = max(started, default=None)
    if not later and draft is None:
        return None
    return Newer(as_utc(later[-1].submitted_at) if later else None, draft)


def history_until(
    assessment: Assessment,
    lang: str,
    assessments: list[Dated] | None = None,
    answers: results_reads.AnswerReads | None = None,
) -> History | None:
    """The organisation's submissions up to ``assessment``, with what moved between them (None for a first one).

    ``assessments``: the organisation's (:func:`benchmark.store.results_reads.assessments_of`), read when not given;
    ``answers``: where their answers are read (one statement shared with the results page's own part).
    """
    every = results_reads.assessments_of(assessment.organisation_id) if assessments is None else assessments
    shown = results_reads.shown_until(every, assessment.id)
    if len(shown) < 2:
        return None
    scores = results_reads.scores_of([s.id for s in shown])
    ids = [s.id for s in shown]
    stored = results_reads.answers_of(ids) if answers is None else answers.of(ids)
    entries = [
        Entry(s.id, as_utc(s.submitted_at) or s.created_at, s.label, scores[s.id], s.id == assessment.id) for s in shown
    ]
    rubric = content().rubric
    dimensions = [(d.id, d.name.get(lang)) for d in rubric.dimensions]
    steps = [
        Step(before, after, _components(dimensions, before, after, stored, lang))
        for before, after in zip(entries, entries[1:], strict=False)
    ]
    return History(entries, steps[::-1], dimensions)


def _components(
    dimensions: list[tuple[str, str]], before: Entry, after: Entry, answers: dict[int, dict[str, Any]], lang: str
) -> list[ComponentMove]:
    data = content()
    describe = fragments.describer(lang)  # option labels from a table made once per content and language
    then, now = answers[before.assessment_id], answers[after.assessment_id]
    components = []
    for dimension_id, name in dimensions:
        moved = [
            MovedAnswer(
                key=m.key,
                question=key_label(data.questionnaire, m.key, lang),
                before=describe(data.questionnaire.item_for_key(m.key)[0], then.get(m.key)),
                after=describe(data.questionnaire.item_for_key(m.key)[0], now.get(m.key)),
                points_before=m.before,
                points_after=m.after,
                max_points=m.max,
            )
            for m in moved_keys(data.rubric, dimension_id, then, now)
        ]
        components.append(
            ComponentMove(dimension_id, name, before.scores.get(dimension_id), after.scores.get(dimension_id), moved)
        )
    return components


def key_label(questionnaire: Questionnaire, key: str, lang: str) -> str:
    """The question of an answer key: the item's short label (else its text), then the matrix row's label."""
    item, row = questionnaire.item_for_key(key)
    question = item.short_label.get(lang) if item.short_label else item.text.get(lang)
    return question if row is None else f"{question} — {row.label.get(lang)}"


def chart_specs(history: History) -> dict[str, dict[str, Any]]:
    """One line chart per component (drawn by static/js/charts.js); the history table holds the same numbers."""
    if not history.has_chart:
        return {}
    labels = [format_date(entry.submitted_at, "medium") for entry in history.entries]
    return {
        f"history-{dimension_id}": {
            "type": "line",
            "labels": labels,
            "datasets": [{"label": name, "data": [entry.scores.get(dimension_id) for entry in history.entries]}],
            "max": 100,
        }
        for dimension_id, name in history.dimensions
    }
