"""A draft as the questionnaire page reads and writes it: SQL statements built once per process.

A questionnaire page (GET) and a draft save (POST) are the busiest requests of the site, so
every statement they run is built here, once, at import, with :func:`sqlalchemy.bindparam` for
what changes between requests, and executed on the session's connection (``_run``: the session's
transaction, without the ORM's execution layer, which cost as much as the statement for these Core
statements; issue 18).  SQLAlchemy then finds each one's compiled form in the engine's cache (the cache key of an
unchanged statement object is cheap to compute and always the same; no value is ever written
into the SQL).  The statements use the tables' Core columns, not the mapped classes: the rows
come back as plain tuples, nothing enters the session's identity map and no ORM object is kept
in sync with a write (see :mod:`benchmark.store.assessments` for the writes' rules).
``tests/web/test_draft_statements.py`` checks that a second save or page view compiles nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.util.typing import TupleAny

from benchmark.extensions import db
from benchmark.store.models import Answer, Assessment

ASSESSMENT = cast(sa.Table, Assessment.__table__)
ANSWER = cast(sa.Table, Answer.__table__)

#: The columns of an assessment a questionnaire page needs, by the SHA-256 of its private token.
BY_TOKEN = sa.select(
    ASSESSMENT.c.id, ASSESSMENT.c.status, ASSESSMENT.c.revision, ASSESSMENT.c.current_page, ASSESSMENT.c.page_ids
).where(ASSESSMENT.c.token_hash == sa.bindparam("token_hash"))

#: A questionnaire page's read in one statement: the draft's columns and its answers of some keys, one row per
#: answer (one row with key NULL when it has none of them).
DRAFT_AND_ANSWERS = (
    sa.select(*BY_TOKEN.selected_columns, ANSWER.c.key, ANSWER.c.value)
    .select_from(
        ASSESSMENT.outerjoin(
            ANSWER,
            sa.and_(
                ANSWER.c.assessment_id == ASSESSMENT.c.id,
                ANSWER.c.key.in_(sa.bindparam("keys", expanding=True)),
            ),
        )
    )
    .where(ASSESSMENT.c.token_hash == sa.bindparam("token_hash"))
)

#: Every stored answer of one assessment: (key, value) rows.
ANSWERS = sa.select(ANSWER.c.key, ANSWER.c.value).where(ANSWER.c.assessment_id == sa.bindparam("assessment_id"))

#: The stored answers of some keys (an expanding IN: one compiled form for any number of keys).
ANSWERS_OF_KEYS = ANSWERS.where(ANSWER.c.key.in_(sa.bindparam("keys", expanding=True)))

#: Clear some answers of one assessment.
DELETE_ANSWERS = sa.delete(ANSWER).where(
    ANSWER.c.assessment_id == sa.bindparam("assessment_id"), ANSWER.c.key.in_(sa.bindparam("keys", expanding=True))
)

#: Bump a draft's revision (locking its row until commit) and return the new one; no row once submitted.
LOCK_AND_BUMP = (
    sa.update(ASSESSMENT)
    .where(ASSESSMENT.c.id == sa.bindparam("draft_id"), ASSESSMENT.c.status == "draft")
    .values(
        revision=ASSESSMENT.c.revision + 1,
        current_page=sa.bindparam("page_id"),
        updated_at=sa.bindparam("now"),
    )
    .returning(ASSESSMENT.c.revision)
)

#: Remember the page a draft's respondent is on.
REMEMBER_PAGE = (
    sa.update(ASSESSMENT)
    .where(ASSESSMENT.c.id == sa.bindparam("draft_id"), ASSESSMENT.c.status == "draft")
    .values(current_page=sa.bindparam("page_id"))
)


def _upsert(insert: Callable[[sa.Table], Any]) -> Any:
    """Insert answers, or on a key already stored, replace its value (executed with one parameter set per key)."""
    statement = insert(ANSWER)
    return statement.on_conflict_do_update(
        index_elements=[ANSWER.c.assessment_id, ANSWER.c.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )


#: The answers' upsert, by dialect name (PostgreSQL and SQLite spell ``ON CONFLICT`` the same way).
UPSERT_ANSWERS: Mapping[str, Any] = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


@dataclass(frozen=True)
class Draft:
    """An assessment as a questionnaire page reads it: a plain row, not an ORM object (nothing tracked)."""

    id: int
    status: str
    revision: int
    current_page: str
    page_ids: list[str] | None

    @property
    def is_submitted(self) -> bool:
        """True once the assessment has been submitted (it can no longer change)."""
        return self.status == "submitted"


def _run(statement: Any, parameters: Mapping[str, Any] | list[dict[str, Any]]) -> sa.Result[*TupleAny]:
    """Execute a Core statement in the session's transaction (its connection), bypassing the ORM layer.

    Pending ORM changes are flushed first, as the session's own ``execute`` would (nothing to flush
    on a questionnaire page or a save: the check is cheap).
    """
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, parameters)


def find_draft(token_hash: str) -> Draft | None:
    """Return the assessment stored under a token's hash as a :class:`Draft` (submitted ones too), or None."""
    row = _run(BY_TOKEN, {"token_hash": token_hash}).first()
    return None if row is None else Draft(*row)


def find_draft_and_answers(token_hash: str, keys: list[str]) -> tuple[Draft, dict[str, Any]] | None:
    """The draft stored under a token's hash and its stored answers of ``keys`` (one statement), or None."""
    rows = _run(DRAFT_AND_ANSWERS, {"token_hash": token_hash, "keys": keys}).all()
    if not rows:
        return None
    return Draft(*rows[0][:5]), {row[5]: row[6] for row in rows if row[5] is not None}


def stored_answers(assessment_id: int, keys: list[str] | None = None) -> dict[str, Any]:
    """Return an assessment's stored answers as ``{answer key: value}`` (only ``keys`` when given)."""
    if keys is None:
        rows = _run(ANSWERS, {"assessment_id": assessment_id})
    else:
        rows = _run(ANSWERS_OF_KEYS, {"assessment_id": assessment_id, "keys": keys})
    return {key: value for key, value in rows}


def remember_page(draft_id: int, page_id: str) -> None:
    """Store the page a draft is on (the caller commits)."""
    _run(REMEMBER_PAGE, {"draft_id": draft_id, "page_id": page_id})


def lock_and_bump(draft_id: int, page_id: str, now: datetime) -> int | None:
    """Bump a draft's revision under its row lock; return the new revision, or None if it is not a draft."""
    revision = _run(LOCK_AND_BUMP, {"draft_id": draft_id, "page_id": page_id, "now": now}).scalar()
    return None if revision is None else int(revision)


def delete_answers(assessment_id: int, keys: list[str]) -> None:
    """Clear these answers of an assessment."""
    _run(DELETE_ANSWERS, {"assessment_id": assessment_id, "keys": keys})


def upsert_answers(assessment_id: int, values: Mapping[str, Any], now: datetime) -> None:
    """Write these answers of an assessment, each replacing the stored value of its key (one statement)."""
    if not values:
        return
    connection = db.session.connection()
    rows = [
        {"assessment_id": assessment_id, "key": key, "value": value, "updated_at": now} for key, value in values.items()
    ]
    connection.execute(UPSERT_ANSWERS[connection.dialect.name], rows)
