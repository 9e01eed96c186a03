"""The cohort change counts the database keeps (migration 0017): every change the live view shows raises them.

Each change is made with plain SQL, as a command, an import or a cascade would make it, so the
test holds for every write path, not only the app's services (a change that moves the summary
counts is undone after it is checked, or made through the service that keeps them: the suite
checks the counts after every test).  A change elsewhere raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from benchmark.extensions import db
from benchmark.store.deletion import delete_assessment
from benchmark.store.models import Assessment, Participation, Team, TeamMember, Workshop
from tests.factories import (
    create_workshop,
    first_answers,
    make_app,
    reset,
    seed_participant,
    seed_submission,
    signed_in,
)


def counts(app: Flask) -> dict[int, int]:
    """Every workshop's count of cohort changes."""
    with app.app_context():
        return dict(db.session.execute(sa.select(Workshop.id, Workshop.cohort_changes)).all())  # type: ignore[arg-type]


def run(app: Flask, *statements: Any) -> None:
    """Run ``statements`` in one transaction (a callable: called in the app context)."""
    with app.app_context():
        for statement in statements:
            if callable(statement):
                statement()
            else:
                db.session.execute(statement)
        db.session.commit()


def _status(w: dict[str, int], status: str) -> Any:
    return sa.update(Assessment).where(Assessment.id == w["assessment"]).values(status=status)


def _delete_through_the_service(w: dict[str, int]) -> Callable[[], None]:
    def delete() -> None:
        assessment = db.session.get(Assessment, w["assessment"])
        assert assessment is not None
        delete_assessment(assessment)  # its participation goes by the foreign key's cascade or the service

    return delete


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Two workshops of one facilitator, each with one participant, and an outsider's submission."""
    facilitator = signed_in(app, "facilitator@example.org", "facilitator")
    first, _code = create_workshop(facilitator, title="First")
    second, _code = create_workshop(facilitator, title="Second")
    seed_participant(app, first, first_answers(app))
    seed_participant(app, second, first_answers(app))
    seed_submission(app, first_answers(app))
    with app.app_context():

        def participant(workshop_id: int) -> Assessment:
            found = db.session.scalars(
                sa.select(Assessment).join(Participation).where(Participation.workshop_id == workshop_id)
            ).one()
            return found

        outsider = db.session.scalars(
            sa.select(Assessment).where(~Assessment.id.in_(sa.select(Participation.assessment_id)))
        ).first()
        assert outsider is not None
        return {
            "first": first,
            "second": second,
            "assessment": participant(first).id,
            "organisation": participant(first).organisation_id,
            "outsider": outsider.organisation_id,
            "outsider_assessment": outsider.id,
        }


def _participation(w: dict[str, int]) -> Any:
    return sa.update(Participation).where(Participation.assessment_id == w["assessment"])


#: change -> (the statements that make it, those that undo what the summary counts would see)
CHANGES: dict[str, tuple[Callable[[dict[str, int]], list[Any]], Callable[[dict[str, int]], list[Any]]]] = {
    "consent given": (lambda w: [_participation(w).values(share_individual=True)], lambda w: []),
    "renamed": (lambda w: [_participation(w).values(display_name="Maple")], lambda w: []),
    "status changed": (lambda w: [_status(w, "draft")], lambda w: [_status(w, "submitted")]),
    "relabelled": (
        lambda w: [sa.update(Assessment).where(Assessment.id == w["assessment"]).values(label="Board")],
        lambda w: [],
    ),
    "data deleted": (lambda w: [_delete_through_the_service(w)], lambda w: []),
    "joined a team": (
        lambda w: [
            sa.insert(Team).values(id=900, organisation_id=w["outsider"]),
            sa.insert(TeamMember).values(organisation_id=w["organisation"], team_id=900),
        ],
        lambda w: [sa.delete(TeamMember).where(TeamMember.team_id == 900)],
    ),
    "a new participant": (
        lambda w: [sa.insert(Participation).values(workshop_id=w["first"], assessment_id=w["outsider_assessment"])],
        lambda w: [],
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_a_cohort_raises_its_workshops_count_and_no_other(
    app: Flask, world: dict[str, int], change: str
) -> None:
    make, undo = CHANGES[change]
    before = counts(app)
    run(app, *make(world))
    after = counts(app)
    run(app, *undo(world))
    assert after[world["first"]] > before[world["first"]]
    assert after[world["second"]] == before[world["second"]]


def test_team_changes_raise_the_count_of_their_members_workshops(app: Flask, world: dict[str, int]) -> None:
    run(
        app,
        sa.insert(Team).values(id=901, organisation_id=world["outsider"]),
        sa.insert(TeamMember).values(organisation_id=world["organisation"], team_id=901),
    )
    for statement in (
        sa.update(Team).where(Team.id == 901).values(organisation_id=world["organisation"]),
        sa.delete(TeamMember).where(TeamMember.team_id == 901),
    ):
        before = counts(app)
        run(app, statement)
        assert counts(app)[world["first"]] > before[world["first"]]


def test_changes_outside_every_cohort_raise_nothing(app: Flask, world: dict[str, int]) -> None:
    before = counts(app)
    run(
        app,
        sa.update(Assessment).where(Assessment.id == world["outsider_assessment"]).values(label="Elsewhere"),
        sa.update(Assessment).where(Assessment.id == world["assessment"]).values(current_page="review"),
        sa.insert(Team).values(id=902, organisation_id=world["outsider"]),
    )
    assert counts(app) == before


def test_migration_0017_adds_and_removes_the_counts_and_their_triggers(database_url: str, _schema: None) -> None:
    """Down to 0016 and up again (SQLite and PostgreSQL): the column and triggers go and come back."""
    app = make_app(database_url)
    try:
        facilitator = signed_in(app, "facilitator@example.org", "facilitator")
        workshop_id, _code = create_workshop(facilitator)
        with app.app_context():
            db.session.remove()
            downgrade(revision="0016")
            columns = {column["name"] for column in sa.inspect(db.engine).get_columns("workshop")}
            assert "cohort_changes" not in columns
            upgrade()
            db.session.remove()
        seed_participant(app, workshop_id, first_answers(app))
        assert counts(app)[workshop_id] >= 1
    finally:
        reset(app)
