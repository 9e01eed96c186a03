"""The results page kept whole (web/page_cache.py, store/page_state.py): never stale after anything it shows changes."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.organisations.results import cache as results_cache
from benchmark.store import page_state
from benchmark.store.assessments import find_by_token
from benchmark.store.models import ImportedBaseline, Workshop
from tests.factories import create_workshop, first_answers, seed_participant, seed_submission, signed_in
from tests.web.test_results_cache import fresh, page

TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
#: A statement's own named subqueries (``WITH found AS (…)``): not tables.
CTE = re.compile(r'(?:\bWITH|,)\s+"?(\w+)"?\s+AS\s*\(', re.IGNORECASE)


@pytest.fixture
def world(app: Flask) -> tuple[FlaskClient, str, int]:
    """A participant's submission in a workshop (the facilitator's client, the participant's token, the workshop)."""
    facilitator = signed_in(app, "facilitator@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    token = seed_participant(app, workshop_id, first_answers(app))
    return facilitator, token, workshop_id


def test_every_table_a_render_reads_is_in_the_fingerprint_or_fixed_once_submitted(
    app: Flask, client: FlaskClient, world: tuple[FlaskClient, str, int]
) -> None:
    _facilitator, token, _workshop = world
    client.post(f"/en/results/{token}/shares", data={"label": "Board"})
    client.post(
        f"/en/results/{token}/plan/step/new",
        data={"custom_text": "Laptops", "owner": "ED", "due_on": "2030-01-01", "status": "todo"},
    )
    read: set[str] = set()

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        named = {name.lower() for name in CTE.findall(statement)}
        read.update(name.lower() for name in TABLE.findall(statement) if name.lower() not in named)

    with app.app_context():
        results_cache.clear(app)
        sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page(client, token)
        assert client.get(f"/fr/results/{token}?peers=size").status_code == 200
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert {"participation", "board_share", "action_plan_step", "assessment"} <= read  # the recorder saw the page
    unexplained = read - page_state.READ_TABLES - page_state.FIXED_ONCE_SUBMITTED
    assert not unexplained, f"the results page reads {unexplained}: add them to store/page_state.py"


def test_a_kept_page_is_never_stale(app: Flask, client: FlaskClient, world: tuple[FlaskClient, str, int]) -> None:
    facilitator, token, workshop_id = world
    seen = [page(client, token)]
    with app.app_context():
        organisation_id = find_by_token(token).organisation_id  # type: ignore[union-attr]

    def consent() -> None:
        response = client.post(
            f"/en/workshops/consent/{token}/{workshop_id}", data={"share": "y", "name": "Maple Centre"}
        )
        assert response.status_code in {302, 303}

    def rename_workshop() -> None:
        with app.app_context():
            db.session.get(Workshop, workshop_id).title = "Renamed workshop"  # type: ignore[union-attr]
            db.session.commit()

    def close_workshop() -> None:
        assert facilitator.post(f"/en/workshops/{workshop_id}/status", data={"status": "closed"}).status_code in {
            302,
            303,
        }

    def make_share() -> None:
        assert client.post(f"/en/results/{token}/shares", data={"label": "Finance committee"}).status_code in {302, 303}

    def revoke_share() -> None:
        with app.app_context():
            share_id = db.session.scalar(sa.text("SELECT max(id) FROM board_share"))
        assert client.post(f"/en/results/{token}/shares/{share_id}/revoke").status_code in {302, 303}

    def add_step() -> None:
        step = {"custom_text": "Buy laptops", "owner": "ED", "due_on": "2030-01-01", "status": "todo"}
        assert client.post(f"/en/results/{token}/plan/step/new", data=step).status_code in {302, 303}

    def take_again() -> None:
        assert client.post(f"/en/results/{token}/again").status_code in {302, 303}

    def import_baseline() -> None:
        with app.app_context():
            figures = {"q7": {"n": 120, "options": {"yes": {"pct": 33.3}, "no": {"pct": 66.7}}}}
            db.session.add(
                ImportedBaseline(
                    name="survey", version=1, kind="per_option_shares", source="Test 2024", figures=figures
                )
            )
            db.session.commit()

    def new_release() -> None:
        seed_submission(app, first_answers(app))  # the tests' release rules cut a release on each submission

    changes: list[Callable[[], None]] = [
        consent,
        rename_workshop,
        close_workshop,
        make_share,
        revoke_share,
        add_step,
        take_again,
        import_baseline,
        new_release,
    ]
    for change in changes:
        with app.app_context():
            before = page_state.results_page(token)
        change()
        with app.app_context():
            after = page_state.results_page(token)
        assert before is not None and after is not None and before.organisation_id == organisation_id
        assert after.state != before.state, f"{change.__name__} left the fingerprint unchanged"
        kept = page(client, token)
        assert kept == fresh(app, client, token), f"a stale page was served after {change.__name__}"
        seen.append(kept)
    assert len(set(seen)) >= 6  # most changes show on the page itself


def test_the_kept_page_carries_each_visitors_own_token_and_is_compressed(csrf_app: Flask) -> None:
    token = seed_submission(csrf_app, first_answers(csrf_app))
    first, second = csrf_app.test_client(), csrf_app.test_client()
    one = first.get(f"/en/results/{token}", headers={"Accept-Encoding": "gzip"})
    two = second.get(f"/en/results/{token}", headers={"Accept-Encoding": "gzip"})
    assert one.headers["Content-Encoding"] == two.headers["Content-Encoding"] == "gzip"
    assert one.headers["Cache-Control"] == "private, no-store"  # the results blueprint's headers still apply
    assert one.data != two.data
    tokens = [
        set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', gzip.decompress(r.data).decode()))
        for r in (one, two)
    ]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    again = second.post(f"/en/results/{token}/again", data={"csrf_token": tokens[1].pop()})
    assert again.status_code in {302, 303}
