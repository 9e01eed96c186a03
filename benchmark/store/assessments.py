"""State changes of an assessment: start, save a page, submit (deletion: :mod:`benchmark.store.deletion`).

Views stay thin.  Private links carry a random token of 256 bits; only its SHA-256 is
stored, so a copy of the database does not open anyone's assessment.  Every change runs
inside :func:`benchmark.store.summary.tracking`, which keeps the summary counts right in
the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from benchmark.core.questionnaire import Page, Questionnaire
from benchmark.extensions import db
from benchmark.store import drafts, summary
from benchmark.store.content import content
from benchmark.store.deletion import DeletionPreview as DeletionPreview
from benchmark.store.deletion import delete_assessment as delete_assessment
from benchmark.store.deletion import deletion_preview as deletion_preview
from benchmark.store.deletion import lock_organisation
from benchmark.store.deletion import purge_drafts as purge_drafts
from benchmark.store.deletion import stale_drafts as stale_drafts
from benchmark.store.drafts import Draft as Draft
from benchmark.store.facts import fact_keys, write_facts
from benchmark.store.models import Assessment, Organisation, TeamMember, utcnow
from benchmark.store.scores import write_scores

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: An assessment as the ORM loads it, or as a questionnaire page reads it (:class:`Draft`, a plain row).
AnyAssessment = Assessment | Draft


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


def find_draft(token: str) -> Draft | None:
    """Return what a questionnaire page needs of the assessment a token opens (no ORM object), or None."""
    if not TOKEN_PATTERN.match(token):
        return None
    return drafts.find_draft(hash_token(token))


def find_draft_and_answers(token: str, keys: list[str]) -> tuple[Draft, dict[str, Any]] | None:
    """:func:`find_draft` and the draft's stored answers of ``keys``, read together (a questionnaire page's GET)."""
    if not TOKEN_PATTERN.match(token):
        return None
    return drafts.find_draft_and_answers(hash_token(token), keys)


def extract_token(text: str) -> str | None:
    """Find a token in a pasted private link or code."""
    candidate: str
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
    colleague: bool = False,
) -> tuple[Assessment, str]:
    """Create a draft (pre-filled from ``previous`` when taking the questionnaire again).

    :param page_ids: the pages to answer (a workshop's selection); all pages when None.
    :param synthetic: generated data (demonstrations, benchmarks, tests), never pooled with
        real submissions; a draft taken again from a synthetic one is synthetic too.
    :param colleague: answered by a colleague through a team link (never pooled); a draft taken
        again by a respondent who is still a team member is a colleague's too.

    :return: the assessment and its private token (shown once, never stored).
    """
    token = new_token()
    synthetic = synthetic or bool(previous and previous.is_synthetic)
    organisation = previous.organisation if previous else Organisation(is_synthetic=synthetic)
    if previous is not None and not colleague:
        member = sa.select(TeamMember.organisation_id).where(TeamMember.organisation_id == previous.organisation_id)
        colleague = db.session.scalar(member) is not None
    assessment = Assessment(
        organisation=organisation,
        token_hash=hash_token(token),
        questionnaire_version=questionnaire.version,
        rubric_version=content().rubric.version,
        language=lang,
        current_page=next(p.id for p in questionnaire.pages if not page_ids or p.id in page_ids),
        label=label or None,
        page_ids=list(page_ids) if page_ids else None,
        previous_id=previous.id if previous else None,
        is_synthetic=synthetic,
        is_colleague=colleague,
    )
    with summary.tracking(db.session) as track:
        db.session.add(assessment)
        db.session.flush()
        track.created(assessment.id)
        if previous is not None:
            _copy_answers(questionnaire, previous, assessment)
    db.session.commit()
    return assessment, token


def _copy_answers(questionnaire: Questionnaire, source: Assessment, target: Assessment) -> None:
    valid_keys = set(questionnaire.answer_keys())
    values = {key: value for key, value in source.answer_map().items() if key in valid_keys}
    drafts.upsert_answers(target.id, values, utcnow())
    write_facts(questionnaire, target.id, values)


def save_answers(assessment: AnyAssessment, changes: Mapping[str, Any], current_page: str) -> None:
    """Save one page's answers as given: each key maps to its new value, or to None to clear it.

    Only the given keys are written (an upsert per key), so saves of other pages —
    from another window, say — are never overwritten.  A page form from the web goes
    through :func:`save_page`, which also protects answers of the *same* page.

    :raises AlreadySubmitted: if the assessment was submitted meanwhile.
    """
    with drafts.SessionWrites() as writes:  # committed through the session: the caller's ORM objects are expired
        _save(writes, assessment, changes, current_page, None)


@dataclass(frozen=True)
class Base:
    """What a page form was loaded with: the draft's revision then and, when known, the page's values then.

    ``read_values``, when given, reads the values only if a merge needs them (a stale save): checking
    a signed base costs more than a save's own statements, and most saves are not stale.
    """

    revision: int
    values: Mapping[str, Any] | None = None
    read_values: Callable[[], Mapping[str, Any] | None] | None = None

    def loaded(self) -> Mapping[str, Any] | None:
        """The page's values when the form was loaded (None: unknown)."""
        return self.values if self.read_values is None else self.read_values()


@dataclass
class SaveOutcome:
    """What :func:`save_page` did besides writing the person's own changes."""

    #: The draft's revision after this save.
    revision: int
    #: Keys where a value saved in another window was kept (the person had not changed them here).
    kept: dict[str, Any] = field(default_factory=dict)
    #: Keys changed both here and elsewhere, differently: key → (stored, posted); neither was written.
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def save_page(
    assessment: AnyAssessment, posted: Mapping[str, Any], current_page: str, base: Base | None
) -> SaveOutcome:
    """Save a page form without ever dropping an answer saved meanwhile in another window.

    ``base`` says what the form was loaded with.  When nothing was saved since
    (``base.revision`` is the revision before this save) or ``base`` is None (a client
    that sends no revision), the posted values are written as given.  Otherwise each key
    is merged three ways by :func:`merge_answers`: what this window changed is written,
    what only the other window changed is kept, and a key both changed differently is a
    conflict, left as stored until the person chooses.  It all runs under the row lock
    taken by the revision bump, so two saves of one draft never interleave.

    A save that touches no organisation fact runs on the driver's cursor
    (:class:`~benchmark.store.drafts.PlainWrites`); one that does runs in the ORM session, where the
    facts and the summary counts they feed follow the answers in the same transaction.

    :raises AlreadySubmitted: if the assessment was submitted meanwhile.
    """
    plain = fact_keys(content().questionnaire).isdisjoint(posted)
    with drafts.PlainWrites() if plain else drafts.SessionWrites() as writes:
        return _save(writes, assessment, posted, current_page, base)


def _save(
    writes: drafts.PlainWrites | drafts.SessionWrites,
    assessment: AnyAssessment,
    posted: Mapping[str, Any],
    current_page: str,
    base: Base | None,
) -> SaveOutcome:
    """A page's save in ``writes``' transaction: the revision bump (the row lock), the merge when stale, the writes
    and the facts they change (:func:`save_page`).  An exception leaves it to the ``with`` to roll back."""
    questionnaire = content().questionnaire
    facts = fact_keys(questionnaire)
    now = utcnow()
    revision = writes.lock_and_bump(assessment.id, current_page, now)
    if revision is None:
        raise AlreadySubmitted
    changes: Mapping[str, Any] = posted
    outcome = SaveOutcome(revision)
    if base is not None and base.revision != revision - 1:
        stored = writes.stored_answers(assessment.id, list(posted))
        changes, outcome.kept, outcome.conflicts = merge_answers(posted, stored, base.loaded())
    writes.write_answers(assessment.id, changes, now)
    if facts.intersection(changes):
        _write_facts(questionnaire, assessment.id, sorted(facts))
    return outcome


def merge_answers(
    posted: Mapping[str, Any], stored: Mapping[str, Any], loaded: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, tuple[Any, Any]]]:
    """Merge a stale page save by key: return (changes to write, stored values kept, conflicts).

    For each posted key: ``loaded`` is the value the form showed, ``stored`` the value now.
    Changed only here → written; changed only in the store → kept; changed in both, to
    different values → a conflict.  When ``loaded`` is unknown (None), any difference
    between posted and stored is a conflict: nothing is dropped on a guess.
    """
    changes: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for key, mine in posted.items():
        theirs = stored.get(key)
        if same_answer(mine, theirs):
            continue
        if loaded is not None:
            before = loaded.get(key)
            if same_answer(theirs, before):
                changes[key] = mine
                continue
            if same_answer(mine, before):
                kept[key] = theirs
                continue
        conflicts[key] = (theirs, mine)
    return changes, kept, conflicts


def same_answer(a: Any, b: Any) -> bool:
    """Two stored answers are the same (a multiple choice is a set: its order does not matter)."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b and type(a) is type(b))


def _write_facts(questionnaire: Questionnaire, assessment_id: int, keys: list[str]) -> None:
    # Still under the row lock taken by the revision bump: concurrent saves of this draft
    # wait, so the facts and the counts they feed follow the answers exactly.
    with summary.tracking(db.session, [assessment_id]):
        facts = drafts.stored_answers(assessment_id, keys)
        write_facts(questionnaire, assessment_id, facts)


def set_page(assessment: Draft, page_id: str) -> None:
    """Remember the page the respondent is on (restored when the link is opened again)."""
    if assessment.current_page != page_id and not assessment.is_submitted:
        drafts.remember_page(assessment.id, page_id)
        db.session.commit()


def flow_pages(questionnaire: Questionnaire, assessment: AnyAssessment) -> list[Page]:
    """Return the pages of this assessment's flow, in questionnaire order (a workshop may choose fewer)."""
    if not assessment.page_ids:
        return list(questionnaire.pages)
    chosen = set(assessment.page_ids)
    return [page for page in questionnaire.pages if page.id in chosen] or list(questionnaire.pages)


def missing_required(questionnaire: Questionnaire, assessment: AnyAssessment, answers: Mapping[str, Any]) -> list[str]:
    """Return the ids of required items in the assessment's flow that have no answer."""
    return [
        item.id
        for page in flow_pages(questionnaire, assessment)
        for item in questionnaire.page_items(page)
        if item.required and not answers.get(item.id)
    ]


def submit(assessment: Assessment, scores: Mapping[str, int | None] | None = None) -> None:
    """Submit a draft: it becomes read-only and the organisation's latest assessment.

    The draft's row is locked by a conditional UPDATE, so two concurrent submits of one
    draft give exactly one submission.

    :param scores: the component scores to store, by dimension of the rubric (see
        :func:`benchmark.store.scores.stored_scores`); a dimension left out is stored as None.
    :raises AlreadySubmitted: if it was already submitted.
    """
    lock_organisation(assessment.organisation_id)
    # Lock the draft's row (a no-op UPDATE) before its counts are read: a concurrent save
    # of its facts commits first or waits for this transaction.
    locked = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == "draft")
        .values(status=Assessment.status)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadySubmitted
    # Under the organisation's lock: no other submit or delete changes its latest meanwhile.
    with summary.tracking(db.session, [assessment.id]) as track:
        db.session.execute(
            sa.update(Assessment)
            .where(Assessment.id == assessment.id)
            .values(status="submitted", submitted_at=utcnow(), is_latest=True)
        )
        write_scores(assessment.id, scores or {})
        replaced = Assessment.is_latest.is_(True), Assessment.id != assessment.id
        track.watch(
            *db.session.scalars(
                sa.select(Assessment.id)
                .where(Assessment.organisation_id == assessment.organisation_id, *replaced)
                .with_for_update()
            )
        )
        db.session.execute(
            sa.update(Assessment)
            .where(Assessment.organisation_id == assessment.organisation_id, *replaced)
            .values(is_latest=False)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    db.session.refresh(assessment)
