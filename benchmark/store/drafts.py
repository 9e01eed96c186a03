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
from functools import lru_cache
from types import TracebackType
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.util.typing import TupleAny

from benchmark.extensions import db
from benchmark.store.models import Answer, Assessment
from benchmark.store.plain import PlainStatement, PlainTransaction, release_kept_connection

ASSESSMENT = cast(sa.Table, Assessment.__table__)
ANSWER = cast(sa.Table, Answer.__table__)

#: The columns of an assessment a questionnaire page needs, by the SHA-256 of its private token.
BY_TOKEN = sa.select(
    ASSESSMENT.c.id, ASSESSMENT.c.status, ASSESSMENT.c.revision, ASSESSMENT.c.current_page, ASSESSMENT.c.page_ids
).where(ASSESSMENT.c.token_hash == sa.bindparam("token_hash"))

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


def _plain_upsert(insert: Callable[[sa.Table], Any]) -> PlainStatement:
    """The upsert with its four values named, as a plain statement runs it (one parameter set per key)."""
    values = {name: sa.bindparam(name, type_=ANSWER.c[name].type) for name in PLAIN_UPSERT_COLUMNS}
    return PlainStatement(_upsert(lambda table: insert(table).values(values)))


PLAIN_UPSERT_COLUMNS = ("assessment_id", "key", "value", "updated_at")
#: The statements of a save without facts, run on the driver's cursor (:class:`PlainWrites`).
PLAIN_DRAFT = PlainStatement(BY_TOKEN)
PLAIN_LOCK_AND_BUMP = PlainStatement(LOCK_AND_BUMP)
PLAIN_ANSWERS = PlainStatement(ANSWERS)
PLAIN_DELETE_ANSWER = PlainStatement(
    sa.delete(ANSWER).where(
        ANSWER.c.assessment_id == sa.bindparam("assessment_id"), ANSWER.c.key == sa.bindparam("key")
    )
)
PLAIN_UPSERT: Mapping[str, PlainStatement] = {
    "postgresql": _plain_upsert(postgresql.insert),
    "sqlite": _plain_upsert(sqlite.insert),
}


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
    """Return the assessment stored under a token's hash as a :class:`Draft` (submitted ones too), or None.

    Read on the driver's cursor, on the connection the save that follows writes on
    (:meth:`~benchmark.store.plain.PlainStatement.rows_then_write`).
    """
    rows = PLAIN_DRAFT.typed(PLAIN_DRAFT.rows_then_write(token_hash=token_hash))
    return Draft(*rows[0]) if rows else None


def find_draft_and_answers(token_hash: str, keys: list[str]) -> tuple[Draft, dict[str, Any]] | None:
    """The draft stored under a token's hash and its stored answers of ``keys`` (one statement), or None.

    A read of its own on the driver's cursor (:func:`plain_draft_and_answers`): a questionnaire page
    writes nothing unless its respondent moved to another page.
    """
    statement = plain_draft_and_answers(tuple(keys))
    rows = statement.typed(statement.rows(token_hash=token_hash))
    if not rows:
        return None
    return Draft(*rows[0][:5]), {row[5]: row[6] for row in rows if row[5] is not None}


@lru_cache(maxsize=256)
def plain_draft_and_answers(keys: tuple[str, ...]) -> PlainStatement:
    """A questionnaire page's read in one statement: the draft's columns and its answers of ``keys``, one row per
    answer (one row with key NULL when it has none of them); each key is a parameter with the key as its value.

    A plain statement takes no expanding ``IN``; a page's keys are fixed by the questionnaire, so
    there is one statement per page (and per screen of one item), each compiled once per dialect.
    """
    wanted = ANSWER.c.key.in_([sa.bindparam(f"key_{index}", key) for index, key in enumerate(keys)])
    answers = sa.and_(ANSWER.c.assessment_id == ASSESSMENT.c.id, wanted if keys else sa.false())
    return PlainStatement(
        sa.select(*BY_TOKEN.selected_columns, ANSWER.c.key, ANSWER.c.value)
        .select_from(ASSESSMENT.outerjoin(ANSWER, answers))
        .where(ASSESSMENT.c.token_hash == sa.bindparam("token_hash"))
    )


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


class SessionWrites:
    """A draft save's writes in the ORM session's transaction (a save that also updates facts and counts).

    Committed when the ``with`` ends, rolled back when it ends with an exception.
    """

    def __enter__(self) -> SessionWrites:
        release_kept_connection()  # the draft's read kept one for a plain save; this one writes in the session
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is None:
            db.session.commit()
        else:
            db.session.rollback()

    def lock_and_bump(self, draft_id: int, page_id: str, now: datetime) -> int | None:
        """:func:`lock_and_bump`."""
        return lock_and_bump(draft_id, page_id, now)

    def stored_answers(self, assessment_id: int, keys: list[str]) -> dict[str, Any]:
        """:func:`stored_answers` of these keys."""
        return stored_answers(assessment_id, keys)

    def write_answers(self, assessment_id: int, changes: Mapping[str, Any], now: datetime) -> None:
        """Clear the keys mapped to None, upsert the others."""
        to_clear = [key for key, value in changes.items() if value is None]
        if to_clear:
            delete_answers(assessment_id, to_clear)
        upsert_answers(assessment_id, {key: value for key, value in changes.items() if value is not None}, now)


class PlainWrites(PlainTransaction):
    """The same writes as :class:`SessionWrites`, on the driver's cursor, in a transaction of their own (issue 18).

    For a save that touches no organisation fact (most saves): no summary count can change, so
    nothing needs the ORM session.  The statements and their order are the same, so the same row
    lock is taken first (the revision bump) and two saves of one draft still never interleave.
    """

    def lock_and_bump(self, draft_id: int, page_id: str, now: datetime) -> int | None:
        """:func:`lock_and_bump`."""
        rows = self.rows(PLAIN_LOCK_AND_BUMP, draft_id=draft_id, page_id=page_id, now=now)
        return int(rows[0][0]) if rows else None

    def stored_answers(self, assessment_id: int, keys: list[str]) -> dict[str, Any]:
        """:func:`stored_answers` of these keys (every answer read, the others left out: no expanding IN here)."""
        wanted = set(keys)
        rows = PLAIN_ANSWERS.typed(self.rows(PLAIN_ANSWERS, assessment_id=assessment_id))
        return {key: value for key, value in rows if key in wanted}

    def write_answers(self, assessment_id: int, changes: Mapping[str, Any], now: datetime) -> None:
        """Clear the keys mapped to None, upsert the others."""
        cleared = [{"assessment_id": assessment_id, "key": key} for key, value in changes.items() if value is None]
        if cleared:
            self.run_many(PLAIN_DELETE_ANSWER, cleared)
        written = [
            {"assessment_id": assessment_id, "key": key, "value": value, "updated_at": now}
            for key, value in changes.items()
            if value is not None
        ]
        if written:
            self.run_many(PLAIN_UPSERT[self.dialect_name], written)
