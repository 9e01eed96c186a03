"""Statements run on the driver's cursor (store/plain.py): the same rows as SQLAlchemy, seen by its listeners."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmark.extensions import db
from benchmark.store.models import Participation, Workshop
from benchmark.store.plain import PlainStatement, PlainTransaction
from tests.factories import create_workshop, first_answers, seed_participant, signed_in

COLUMNS = sa.select(
    Participation.id,
    Participation.joined_at,
    Participation.share_individual,
    Participation.display_name,
    Workshop.title,
    Workshop.held_on,
).join(Workshop, Workshop.id == Participation.workshop_id)
BY_WORKSHOP = PlainStatement(
    COLUMNS.where(Participation.workshop_id == sa.bindparam("workshop_id", type_=sa.Integer)).order_by(Participation.id)
)


@pytest.fixture
def workshop(app: Flask) -> int:
    """A workshop with two participants, one sharing a name with a quote and an ampersand in it."""
    facilitator = signed_in(app, "facilitator@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator, title="Café & « atelier » 'one'")
    for _ in range(2):
        seed_participant(app, workshop_id, first_answers(app))
    with app.app_context():
        first = db.session.scalars(sa.select(Participation).where(Participation.workshop_id == workshop_id)).first()
        assert first is not None
        first.share_individual, first.display_name = True, "O'Neil & Daughters <Centre>"
        db.session.commit()
    return workshop_id


def test_typed_rows_equal_what_sqlalchemy_returns(app: Flask, workshop: int) -> None:
    with app.app_context():
        expected = [tuple(row) for row in db.session.execute(BY_WORKSHOP.statement, {"workshop_id": workshop})]
        raw = BY_WORKSHOP.rows(workshop_id=workshop)
        typed = BY_WORKSHOP.typed(raw)
        assert BY_WORKSHOP.rows(workshop_id=workshop + 1000) == []
    assert len(expected) == 2
    assert [tuple(row) for row in typed] == expected
    assert isinstance(typed[0].joined_at, dt.datetime) and isinstance(typed[0].share_individual, bool)
    assert typed[0].display_name == "O'Neil & Daughters <Centre>" and typed[0].title == "Café & « atelier » 'one'"


def test_the_engine_listeners_see_the_statement_and_its_parameters(app: Flask, workshop: int) -> None:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        sa.event.listen(db.engine, "after_cursor_execute", record)
        try:
            BY_WORKSHOP.rows(workshop_id=workshop)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
            sa.event.remove(db.engine, "after_cursor_execute", record)
    assert len(seen) == 2 and "FROM participation" in seen[0][0]
    parameters = seen[0][1]
    assert workshop in (parameters.values() if isinstance(parameters, dict) else parameters)


def test_a_parameter_is_converted_as_sqlalchemy_converts_it(app: Flask, workshop: int) -> None:
    """A datetime is written as SQLite's text by SQLAlchemy (the driver would compare it as something else)."""
    since = PlainStatement(COLUMNS.where(Participation.joined_at > sa.bindparam("since", type_=sa.DateTime)))
    with app.app_context():
        joined = sorted(row.joined_at for row in BY_WORKSHOP.typed(BY_WORKSHOP.rows(workshop_id=workshop)))
        for moment in (dt.datetime(2000, 1, 1), joined[0], joined[-1] + dt.timedelta(days=1)):
            expected = db.session.execute(since.statement, {"since": moment}).all()
            assert [tuple(row) for row in since.typed(since.rows(since=moment))] == [tuple(row) for row in expected]
        assert len(since.rows(since=dt.datetime(2000, 1, 1))) == 2
        assert since.rows(since=joined[-1] + dt.timedelta(days=1)) == []


NAMES = PlainStatement(
    sa.update(Participation)
    .where(Participation.workshop_id == sa.bindparam("workshop_id"))
    .values(display_name=sa.bindparam("name"))
    .returning(Participation.id)
)


def names(workshop: int) -> set[str | None]:
    return {row.display_name for row in BY_WORKSHOP.typed(BY_WORKSHOP.rows(workshop_id=workshop))}


def test_a_transaction_commits_at_the_end_of_its_with(app: Flask, workshop: int) -> None:
    with app.app_context():
        with PlainTransaction() as transaction:
            returned = transaction.rows(NAMES, workshop_id=workshop, name="Renamed")
            assert names(workshop) != {"Renamed"}  # another connection does not see it before the commit
        assert len(returned) == 2 and all(isinstance(row[0], int) for row in returned)
        assert names(workshop) == {"Renamed"}


def test_a_transaction_ending_with_an_exception_writes_nothing(app: Flask, workshop: int) -> None:
    with app.app_context():
        before = names(workshop)
        with pytest.raises(LookupError), PlainTransaction() as transaction:
            transaction.rows(NAMES, workshop_id=workshop, name="Never")
            raise LookupError
        assert names(workshop) == before


def test_a_drivers_error_is_raised_as_sqlalchemy_raises_it(app: Flask, workshop: int) -> None:
    """The app's error pages (a 503 for a database that is down or locked) see SQLAlchemy's exceptions."""
    broken = PlainStatement(sa.select(sa.literal_column("no_such_column")).select_from(Workshop.__table__))
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError) as raised:
            broken.rows()
        assert isinstance(raised.value.orig, db.engine.dialect.loaded_dbapi.Error)
        assert names(workshop)  # the pool's connection still works


def test_a_drivers_error_hides_the_parameters_as_the_engine_does(app: Flask, workshop: int) -> None:
    """The app's engine hides parameters (answers, addresses) from errors and logs: a plain statement's too.

    The error is a foreign key refused, whose message (PostgreSQL's detail included) names the
    missing key, not the other values written.
    """
    refused = PlainStatement(
        sa.update(Workshop.__table__)
        .where(Workshop.id == sa.bindparam("id"))
        .values(title=sa.bindparam("title"), facilitator_id=sa.bindparam("facilitator"))
    )
    with app.app_context():
        assert db.engine.hide_parameters
        with pytest.raises(sa.exc.IntegrityError) as raised, PlainTransaction() as transaction:
            transaction.rows(refused, id=workshop, title="Secret answer 4821", facilitator=10**9)
        assert "Secret answer 4821" not in str(raised.value)
        assert "hidden due to hide_parameters" in str(raised.value)
        title = db.session.scalar(sa.select(Workshop.title).where(Workshop.id == workshop))
        assert title == "Café & « atelier » 'one'"  # nothing written
