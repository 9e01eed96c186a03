"""Deleting assessments: at their owner's request, and drafts past retention.

Every child row goes with its assessment (answers, fact rows, scores, workshop
participations, board shares), the organisation's action plan and funding lines go with its last assessment,
the organisation's previous submission becomes its latest again, and the
summary counts follow in the same transaction (:func:`benchmark.store.summary.tracking`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from benchmark.extensions import db
from benchmark.store import summary
from benchmark.store.content import content
from benchmark.store.facts import multiple_tables
from benchmark.store.models import (
    ActionPlanStep,
    Answer,
    Assessment,
    AssessmentScore,
    BoardShare,
    FundingLine,
    Organisation,
    Participation,
    Team,
    TeamMember,
    Workshop,
    utcnow,
)

log = logging.getLogger("benchmark.privacy")


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting an assessment removes and changes, shown before the respondent confirms."""

    answers: int
    workshops: list[str]
    #: The organisation's previous submission, which counts again in comparisons once this one is gone.
    counts_again: Assessment | None
    #: The organisation's other assessments (drafts or submissions), which are kept.
    others: int


def deletion_preview(assessment: Assessment) -> DeletionPreview:
    """Describe what :func:`delete_assessment` would remove (reads only)."""
    answers = db.session.scalar(sa.select(sa.func.count()).where(Answer.assessment_id == assessment.id)) or 0
    workshops = list(
        db.session.scalars(
            sa.select(Workshop.title)
            .join(Participation, Participation.workshop_id == Workshop.id)
            .where(Participation.assessment_id == assessment.id)
            .order_by(Workshop.id)
        )
    )
    others = (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Assessment.organisation_id == assessment.organisation_id, Assessment.id != assessment.id
            )
        )
        or 0
    )
    counts_again = (
        newest_submission(assessment.organisation_id, exclude=assessment.id) if assessment.is_latest else None
    )
    return DeletionPreview(int(answers), workshops, counts_again, int(others))


def delete_assessment(assessment: Assessment) -> None:
    """Delete an assessment for good, at its owner's request (its private link).

    Removes its answers, provinces/territories, scores, workshop participations and board shares; the
    organisation's previous submission (if any) becomes its latest again, so peer,
    workshop and sector figures count that one instead; the organisation row, with its
    action plan and funding lines, goes when it has no assessment left.  Afterwards the token opens nothing.
    """
    assessment_id = assessment.id
    _delete_rows(assessment_id)
    db.session.commit()
    if assessment in db.session:
        db.session.expunge(assessment)  # its row is gone: the object must not be used again
    log.info("Assessment %s deleted at its owner's request", assessment_id)


def _delete_rows(assessment_id: int, only_if: sa.ColumnElement[bool] | None = None) -> bool:
    """Delete one assessment and everything hanging off it, without committing.

    :param only_if: delete it only if its row still meets this condition.  The row is
        locked first (a no-op UPDATE), so a concurrent save or submit waits for this
        transaction and then finds nothing to change, instead of losing answers half-way.
    :return: False when there was nothing to delete.
    """
    organisation_id = db.session.scalar(sa.select(Assessment.organisation_id).where(Assessment.id == assessment_id))
    if organisation_id is None:
        return False
    lock_organisation(organisation_id)
    locked = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment_id, only_if if only_if is not None else sa.true())
        .values(status=Assessment.status)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        return False
    with summary.tracking(db.session, [assessment_id]) as track:
        previous_id = db.session.scalar(sa.select(Assessment.previous_id).where(Assessment.id == assessment_id))
        # A later assessment started from this one ("take again", a workshop join) now follows its
        # predecessor, and counts as a re-assessment only while it follows something.
        # Their rows are locked before they are read (a draft's save of its facts waits).
        followers = sa.select(Assessment.id).where(Assessment.previous_id == assessment_id).with_for_update()
        track.watch(*db.session.scalars(followers))
        db.session.execute(
            sa.update(Assessment)
            .where(Assessment.previous_id == assessment_id)
            .values(previous_id=previous_id)
            .execution_options(synchronize_session=False)
        )
        models = (Participation, Answer, AssessmentScore, BoardShare)
        children = [db.metadata.tables[model.__tablename__] for model in models]
        children += multiple_tables(content().questionnaire)
        for child in children:
            db.session.execute(sa.delete(child).where(child.c.assessment_id == assessment_id))
        db.session.execute(
            sa.delete(Assessment).where(Assessment.id == assessment_id).execution_options(synchronize_session=False)
        )
        _restore_latest(organisation_id, track)
    remaining = db.session.scalar(sa.select(sa.func.count()).where(Assessment.organisation_id == organisation_id))
    if not remaining:
        _delete_team_rows(organisation_id)
        for plan_table in (ActionPlanStep, FundingLine):
            db.session.execute(
                sa.delete(plan_table)
                .where(plan_table.organisation_id == organisation_id)
                .execution_options(synchronize_session=False)
            )
        db.session.execute(
            sa.delete(Organisation)
            .where(Organisation.id == organisation_id)
            .execution_options(synchronize_session=False)
        )
    return True


def _delete_team_rows(organisation_id: int) -> None:
    """An organisation with no assessment left leaves its team, and its own team goes (colleagues stay, teamless)."""
    own_team = sa.select(Team.id).where(Team.organisation_id == organisation_id).scalar_subquery()
    db.session.execute(
        sa.delete(TeamMember)
        .where(sa.or_(TeamMember.organisation_id == organisation_id, TeamMember.team_id == own_team))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(Team).where(Team.organisation_id == organisation_id).execution_options(synchronize_session=False)
    )


def delete_organisation(organisation_id: int) -> int:
    """Delete every assessment of one organisation anchor (a colleague leaving with their answers); commit.

    :return: how many assessments were deleted.
    """
    ids = list(db.session.scalars(sa.select(Assessment.id).where(Assessment.organisation_id == organisation_id)))
    deleted = sum(1 for assessment_id in ids if _delete_rows(assessment_id))
    db.session.commit()
    log.info("%s assessment(s) of one organisation deleted at their owner's request", deleted)
    return deleted


def newest_submission(organisation_id: int, exclude: int | None = None) -> Assessment | None:
    """The organisation's most recent submission (but ``exclude``), if any."""
    query = sa.select(Assessment).where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
    if exclude is not None:
        query = query.where(Assessment.id != exclude)
    return db.session.scalar(query.order_by(Assessment.submitted_at.desc(), Assessment.id.desc()).limit(1))


def lock_organisation(organisation_id: int) -> None:
    """Lock the organisation's row until commit (a no-op UPDATE).

    Submitting and deleting change which assessment is an organisation's latest; taking
    this lock first makes them wait for each other (PostgreSQL row lock; SQLite's write lock),
    so there is always one latest submission and the counts follow it.
    """
    db.session.execute(
        sa.update(Organisation)
        .where(Organisation.id == organisation_id)
        .values(id=Organisation.id)
        .execution_options(synchronize_session=False)
    )


def _restore_latest(organisation_id: int, track: summary.Tracker) -> None:
    """Make the organisation's newest remaining submission its latest, if none is marked."""
    has_latest = db.session.scalar(
        sa.select(sa.func.count()).where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == "submitted",
            Assessment.is_latest.is_(True),
        )
    )
    if has_latest:
        return
    newest = db.session.scalar(
        sa.select(Assessment.id)
        .where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    if newest is not None:
        track.watch(newest)
        db.session.execute(
            sa.update(Assessment)
            .where(Assessment.id == newest)
            .values(is_latest=True)
            .execution_options(synchronize_session=False)
        )


def stale_drafts(days: int, now: datetime | None = None) -> list[int]:
    """Return the ids of drafts (never submitted) not saved for ``days`` days, oldest first."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return list(
        db.session.scalars(
            sa.select(Assessment.id)
            .where(Assessment.status == "draft", Assessment.updated_at < cutoff)
            .order_by(Assessment.updated_at, Assessment.id)
        )
    )


def purge_drafts(days: int, now: datetime | None = None, batch: int = 200) -> int:
    """Delete the drafts not saved for ``days`` days (retention), as :func:`delete_assessment` does.

    Submitted assessments are never touched.  Commits every ``batch`` drafts.

    :return: how many drafts were deleted.
    """
    cutoff = (now or utcnow()) - timedelta(days=days)
    still_stale = sa.and_(Assessment.status == "draft", Assessment.updated_at < cutoff)
    deleted = 0
    for index, assessment_id in enumerate(stale_drafts(days, now), start=1):
        # A draft saved or submitted since the list was read is kept.
        if _delete_rows(assessment_id, only_if=still_stale):
            deleted += 1
        if index % batch == 0:
            db.session.commit()
    db.session.commit()
    log.info("Retention: %s draft(s) not saved for %s days deleted", deleted, days)
    return deleted
