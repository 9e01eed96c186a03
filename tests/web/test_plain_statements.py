"""Statements run on the driver's cursor (store/plain.py): the same rows as SQLAlchemy, seen by its listeners."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmark.extensions import db
from benchmark.store.models import Participation, Workshop
from benchmark.store.plain import PlainStatement
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


def test_a_parameter_that_needs_a_conversion_is_refused_when_compiled(app: Flask, workshop: int) -> None:
    since = PlainStatement(COLUMNS.where(Participation.joined_at > sa.bindparam("since", type_=sa.DateTime)))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # SQLAlchemy writes SQLite's datetimes as text itself
            with pytest.raises(TypeError, match="since"):
                since.rows(since=dt.datetime(2000, 1, 1))
        else:  # PostgreSQL's driver takes a datetime as it is
            assert len(since.rows(since=dt.datetime(2000, 1, 1))) == 2
