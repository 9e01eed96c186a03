"""State changes of an assessment: start, save a page, submit, delete.  Views stay thin.

Private links carry a random token of 256 bits; only its SHA-256 is stored, so a
copy of the database does not open anyone's assessment.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from benchmark.core.questionnaire import Page, Questionnaire
from benchmark.extensions import db
from benchmark.store import summary
from benchmark.store.models import Answer, Assessment, AssessmentRegion, Organisation, Participation, Workshop, utcnow

log = logging.getLogger("benchmark.privacy")

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: Answer keys copied into indexed columns for grouping (see benchmark.store.models.assessments).
FACT_COLUMNS = {"q25": "size_band", "q23": "funding", "q24": "age_band", "q22": "role"}
REGION_ITEM = "q26"
FACT_KEYS = frozenset([*FACT_COLUMNS, REGION_ITEM])


class AlreadySubmitted(Exception):
    """Raised when a change is attempted on a submitted assessment."""


def new_token() -> str:
    """Return a new private-link token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def find_by_token(token: str) -> Assessment | None:
    """Return the assessment a token opens, or None (malformed or unknown token)."""
    if not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(sa.select(Assessment).where(Assessment.token_hash == hash_token(token)))


def extract_token(text: str) -> str | None:
    """Find a token in a pasted private link or code."""
    for candidate in re.findall(r"[A-Za-z0-9_-]{43}", text or ""):
        if TOKEN_PATTERN.match(candidate):
            return candidate
    return None


def start_assessment(
    questionnaire: Questionnaire,
    lang: str,
    label: str | None,
    previous: Assessment | None = None,
    page_ids: list[str] | None = None,
    synthetic: bool = False,
) -> tuple[Assessment, str]:
    """Create a draft (pre-filled from ``previous`` when taking the questionnaire again).

    :param page_ids: the pages to answer (a workshop's selection); all pages when None.
    :param synthetic: generated data (demonstrations, benchmarks, tests), never pooled with
        real submissions; a draft taken again from a synthetic one is synthetic too.

    :return: the assessment and its private token (shown once, never stored).
    """
    token = new_token()
    synthetic = synthetic or bool(previous and previous.is_synthetic)
    organisation = previous.organisation if previous else Organisation(is_synthetic=synthetic)
    assessment = Assessment(
        organisation=organisation,
        token_hash=hash_token(token),
        questionnaire_version=questionnaire.version,
        rubric_version=str(questionnaire.meta.get("rubric_version", "v1")),
        language=lang,
        current_page=next(p.id for p in questionnaire.pages if not page_ids or p.id in page_ids),
        label=label or None,
        page_ids=list(page_ids) if page_ids else None,
        previous_id=previous.id if previous else None,
        is_synthetic=synthetic,
    )
    db.session.add(assessment)
    db.session.flush()
    if previous is not None:
        _copy_answers(questionnaire, previous, assessment)
    summary.apply(summary.counted(summary.facts_of([assessment.id]).values()))
    db.session.commit()
    return assessment, token


def _copy_answers(questionnaire: Questionnaire, source: Assessment, target: Assessment) -> None:
    valid_keys = set(questionnaire.answer_keys())
    values = {key: value for key, value in source.answer_map().items() if key in valid_keys}
    _upsert_answers(target.id, values)
    _write_facts(target.id, values)


def save_answers(assessment: Assessment, changes: Mapping[str, Any], current_page: str) -> None:
    """Save one page's answers: each key maps to its new value, or to None to clear it.

    Only the given keys are written (an upsert per key), so saves of other pages —
    from another window, say — are never overwritten.

    :raises AlreadySubmitted: if the assessment was submitted meanwhile.
    """
    bumped = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == "draft")
        .values(revision=Assessment.revision + 1, current_page=current_page, updated_at=utcnow())
    )
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadySubmitted
    to_clear = [key for key, value in changes.items() if value is None]
    if to_clear:
        db.session.execute(sa.delete(Answer).where(Answer.assessment_id == assessment.id, Answer.key.in_(to_clear)))
    _upsert_answers(assessment.id, {key: value for key, value in changes.items() if value is not None})
    if FACT_KEYS.intersection(changes):
        # Still under the row lock taken by the revision bump: concurrent saves of this draft
        # wait, so the facts and the counts they feed follow the answers exactly.
        before = summary.facts_of([assessment.id])
        facts = db.session.execute(
            sa.select(Answer.key, Answer.value).where(Answer.assessment_id == assessment.id, Answer.key.in_(FACT_KEYS))
        )
        _write_facts(assessment.id, {key: value for key, value in facts})
        summary.change(before.values(), summary.facts_of([assessment.id]).values())
    db.session.commit()


def _upsert_answers(assessment_id: int, values: Mapping[str, Any]) -> None:
    if not values:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(Answer).values(
        [
            {"assessment_id": assessment_id, "key": key, "value": value, "updated_at": now}
            for key, value in values.items()
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Answer.assessment_id, Answer.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    db.session.execute(statement)


def _write_facts(assessment_id: int, answers: Mapping[str, Any]) -> None:
    """Copy the organisation facts from the answers into their indexed columns and region rows."""
    values = {
        column: (answers.get(key) if isinstance(answers.get(key), str) else None)
        for key, column in FACT_COLUMNS.items()
    }
    db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    regions = answers.get(REGION_ITEM)
    wanted = {r for r in regions if isinstance(r, str)} if isinstance(regions, list) else set()
    current = set(
        db.session.scalars(sa.select(AssessmentRegion.region).where(AssessmentRegion.assessment_id == assessment_id))
    )
    if current - wanted:
        db.session.execute(
            sa.delete(AssessmentRegion)
            .where(AssessmentRegion.assessment_id == assessment_id, AssessmentRegion.region.in_(current - wanted))
            .execution_options(synchronize_session=False)
        )
    if wanted - current:
        db.session.execute(
            sa.insert(AssessmentRegion),
            [{"assessment_id": assessment_id, "region": r} for r in sorted(wanted - current)],
        )


def set_page(assessment: Assessment, page_id: str) -> None:
    """Remember the page the respondent is on (restored when the link is opened again)."""
    if assessment.current_page != page_id and not assessment.is_submitted:
        assessment.current_page = page_id
        db.session.commit()


def flow_pages(questionnaire: Questionnaire, assessment: Assessment) -> list[Page]:
    """Return the pages of this assessment's flow, in questionnaire order (a workshop may choose fewer)."""
    if not assessment.page_ids:
        return list(questionnaire.pages)
    chosen = set(assessment.page_ids)
    return [page for page in questionnaire.pages if page.id in chosen] or list(questionnaire.pages)


def missing_required(questionnaire: Questionnaire, assessment: Assessment, answers: Mapping[str, Any]) -> list[str]:
    """Return the ids of required items in the assessment's flow that have no answer."""
    return [
        item.id
        for page in flow_pages(questionnaire, assessment)
        for item in questionnaire.page_items(page)
        if item.required and not answers.get(item.id)
    ]


def submit(assessment: Assessment, scores: Mapping[str, int | None] | None = None) -> None:
    """Submit a draft: it becomes read-only and the organisation's latest assessment.

    The status change is a conditional UPDATE, so two concurrent submits of one
    draft give exactly one submission.

    :raises AlreadySubmitted: if it was already submitted.
    """
    values: dict[str, Any] = {"status": "submitted", "submitted_at": utcnow(), "is_latest": True}
    for dimension, score in (scores or {}).items():
        values[summary.DIMENSION_COLUMNS[dimension]] = score
    _lock_organisation(assessment.organisation_id)
    done = db.session.execute(
        sa.update(Assessment).where(Assessment.id == assessment.id, Assessment.status == "draft").values(**values)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadySubmitted
    replaced = db.session.scalars(
        sa.update(Assessment)
        .where(
            Assessment.organisation_id == assessment.organisation_id,
            Assessment.id != assessment.id,
            Assessment.is_latest.is_(True),
        )
        .values(is_latest=False)
        .returning(Assessment.id)
        .execution_options(synchronize_session=False)
    ).all()
    now = summary.facts_of([assessment.id, *replaced])
    submitted = now[assessment.id]
    # Only status, date, scores and the latest flags changed: the rows' other facts are as they were.
    as_draft = replace(submitted, status="draft", is_latest=False, submitted_at=None)
    summary.change(
        [as_draft, *(summary.as_latest(now[i], True) for i in replaced)],
        [submitted, *(now[i] for i in replaced)],
    )
    db.session.commit()
    db.session.refresh(assessment)


# --------------------------------------------------------------------------- deletion and retention


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
        _newest_submission(assessment.organisation_id, exclude=assessment.id) if assessment.is_latest else None
    )
    return DeletionPreview(int(answers), workshops, counts_again, int(others))


def delete_assessment(assessment: Assessment) -> None:
    """Delete an assessment for good, at its owner's request (its private link).

    Removes its answers, provinces/territories and workshop participations; the
    organisation's previous submission (if any) becomes its latest again, so peer,
    workshop and sector figures count that one instead; the organisation row goes
    when it has no assessment left.  Afterwards the token opens nothing.
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
    _lock_organisation(organisation_id)
    locked = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment_id, only_if if only_if is not None else sa.true())
        .values(status=Assessment.status)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        return False
    previous_id = db.session.scalar(sa.select(Assessment.previous_id).where(Assessment.id == assessment_id))
    followers = list(db.session.scalars(sa.select(Assessment.id).where(Assessment.previous_id == assessment_id)))
    facts = summary.facts_of([assessment_id, *followers])
    # What changes in the counts: the row goes, and its followers count as re-assessments only
    # while they still follow something.
    before = summary.counted([facts[assessment_id], *(facts[i] for i in followers)])
    after = summary.counted(replace(facts[i], has_previous=previous_id is not None) for i in followers)
    # A later assessment started from this one ("take again", a workshop join) now follows its predecessor.
    db.session.execute(
        sa.update(Assessment)
        .where(Assessment.previous_id == assessment_id)
        .values(previous_id=previous_id)
        .execution_options(synchronize_session=False)
    )
    for child in (Participation, Answer, AssessmentRegion):
        db.session.execute(
            sa.delete(child)
            .where(child.assessment_id == assessment_id)  # type: ignore[attr-defined]
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        sa.delete(Assessment).where(Assessment.id == assessment_id).execution_options(synchronize_session=False)
    )
    restored = _restore_latest(organisation_id)
    if restored is not None:
        now = summary.facts_of([restored])[restored]
        before.update(summary.counted([summary.as_latest(now, False)]))
        after.update(summary.counted([now]))
    summary.apply(summary.difference(before, after))
    remaining = db.session.scalar(sa.select(sa.func.count()).where(Assessment.organisation_id == organisation_id))
    if not remaining:
        db.session.execute(
            sa.delete(Organisation)
            .where(Organisation.id == organisation_id)
            .execution_options(synchronize_session=False)
        )
    return True


def _newest_submission(organisation_id: int, exclude: int | None = None) -> Assessment | None:
    query = sa.select(Assessment).where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
    if exclude is not None:
        query = query.where(Assessment.id != exclude)
    return db.session.scalar(query.order_by(Assessment.submitted_at.desc(), Assessment.id.desc()).limit(1))


def _lock_organisation(organisation_id: int) -> None:
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


def _restore_latest(organisation_id: int) -> int | None:
    """Make the organisation's newest remaining submission its latest, if none is marked; return its id."""
    has_latest = db.session.scalar(
        sa.select(sa.func.count()).where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == "submitted",
            Assessment.is_latest.is_(True),
        )
    )
    if has_latest:
        return None
    newest = db.session.scalar(
        sa.select(Assessment.id)
        .where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    if newest is not None:
        db.session.execute(
            sa.update(Assessment)
            .where(Assessment.id == newest)
            .values(is_latest=True)
            .execution_options(synchronize_session=False)
        )
    return newest


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
