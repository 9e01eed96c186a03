"""The questionnaire page and the draft save run statements built once, found in SQLAlchemy's cache (issue 18, item 2).

Every statement a page view or a save sends (through the session or its connection) is one of the objects built at
import in :mod:`benchmark.store.drafts` (same object, not an equal copy), and from the second
request on, every statement sent to the database is a hit in the engine's compiled cache (no
compilation, no statement whose SQL depends on a value) or one of the plain statements of
:mod:`benchmark.store.drafts`, compiled once per process (``store/plain.py``: the listeners see
them with no execution context).  The save round trip keeps every
behaviour of before: facts and their counts, clears, the conflict page, "already submitted".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy.engine.default import CACHE_HIT

from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store import drafts, plain
from benchmark.store.models import Assessment
from tests.factories import first_answers, start_assessment
from tests.web.test_page_rendering import hidden_inputs

BUILT_ONCE = {
    id(statement)
    for statement in (
        drafts.BY_TOKEN,
        drafts.ANSWERS,
        drafts.ANSWERS_OF_KEYS,
        drafts.DELETE_ANSWERS,
        drafts.LOCK_AND_BUMP,
        drafts.REMEMBER_PAGE,
        *drafts.UPSERT_ANSWERS.values(),
    )
}


PLAIN_STATEMENTS = (
    drafts.PLAIN_DRAFT,
    drafts.PLAIN_LOCK_AND_BUMP,
    drafts.PLAIN_ANSWERS,
    drafts.PLAIN_DELETE_ANSWER,
)
#: The cache outcome recorded for a statement run on the driver's cursor (no execution context).
PLAIN = "plain"


class Recorded:
    """What one request sent: the statement objects given to the session, and each SQL's cache outcome."""

    def __init__(self, plain_sql: set[str]) -> None:
        self.statements: list[Any] = []
        self.sql: list[tuple[str, Any]] = []
        self.plain_sql = plain_sql

    def not_built_once(self) -> list[str]:
        through_session = [str(statement) for statement in self.statements if id(statement) not in BUILT_ONCE]
        return through_session + [sql for sql, outcome in self.sql if outcome == PLAIN and sql not in self.plain_sql]

    def compiled(self) -> list[str]:
        return [sql for sql, outcome in self.sql if outcome is not CACHE_HIT and outcome != PLAIN]

    def plain(self) -> list[str]:
        return [sql for sql, outcome in self.sql if outcome == PLAIN]


@contextmanager
def recording(app: Flask) -> Iterator[Recorded]:
    with app.app_context():
        engine = db.engine
        upsert = drafts.PLAIN_UPSERT[engine.dialect.name]  # each dialect's own construct
        questionnaire = app.extensions["content"].questionnaire
        pages = [
            drafts.plain_draft_and_answers(tuple(questionnaire.page_answer_keys(page))) for page in questionnaire.pages
        ]
        plain_sql = {statement.compiled_for(engine).sql for statement in (*PLAIN_STATEMENTS, upsert, *pages)}
    recorded = Recorded(plain_sql)

    def statement(conn: Any, clauseelement: Any, multiparams: Any, params: Any, execution_options: Any) -> None:
        recorded.statements.append(clauseelement)

    def cursor(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, executemany: bool) -> None:
        recorded.sql.append((sql, PLAIN if context is None else context.cache_hit))

    sa.event.listen(engine, "before_execute", statement)  # the session's statements and its connection's
    sa.event.listen(engine, "before_cursor_execute", cursor)
    try:
        yield recorded
    finally:
        sa.event.remove(engine, "before_execute", statement)
        sa.event.remove(engine, "before_cursor_execute", cursor)


def stored(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.answer_map()


def row(app: Flask, token: str) -> Assessment:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        db.session.expunge(assessment)
        return assessment


def twice(app: Flask, request: Callable[[int], None]) -> Recorded:
    """Run a request once (it may compile), then again under recording."""
    request(0)
    with recording(app) as recorded:
        request(1)
    return recorded


def test_a_page_view_reads_through_statements_built_once_and_cached(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/importance", data={"q1": "7", "action": "save"})

    def view(n: int) -> None:
        pages = ("capacity-communication", "importance") if n == 0 else ("capacity-communication",)
        for page in pages:  # each view remembers its page (the draft was on another)
            assert client.get(f"/en/assessment/{token}/{page}").status_code == 200

    recorded = twice(app, view)
    assert len(recorded.statements) == 1  # the page remembered (the draft with its answers: one plain statement)
    assert len(recorded.plain()) == 1
    assert recorded.not_built_once() == []
    assert recorded.sql and recorded.compiled() == []
    assert row(app, token).current_page == "capacity-communication"


@pytest.mark.parametrize("page", ["capacity-communication", "organisation"])
def test_a_second_save_compiles_nothing(app: Flask, client: FlaskClient, page: str) -> None:
    token = start_assessment(client)
    url = f"/en/assessment/{token}/{page}"
    answers = first_answers(app, page)
    keys = list(answers)

    def save(clear: bool) -> None:
        shown = hidden_inputs(client.get(url).text)
        data: dict[str, Any] = {key: answers[key] for key in keys[1 if clear else 0 :]}  # clear: the first key
        assert client.post(url, data={**shown, **data, "action": "save"}).status_code == 302

    for clear in (False, True, False):  # every statement once (the first save of a process compiles)
        save(clear)
    with recording(app) as recorded:
        save(True)
    if page != "organisation":  # a fact's save also runs the facts' and summary counts' own statements
        assert recorded.not_built_once() == []
    assert recorded.compiled() == [], "statements compiled again on a second save"
    # A save without facts runs on the driver's cursor (its own transaction); a fact's save in the ORM session.
    bumped_plainly = any(sql.lstrip().upper().startswith("UPDATE ASSESSMENT") for sql in recorded.plain())
    assert bumped_plainly is (page != "organisation")
    assert stored(app, token) == {key: answers[key] for key in keys[1:]}
    if page == "organisation":  # the facts follow the answers, the cleared one (q22, role) included
        assessment = row(app, token)
        assert keys[:2] == ["q22", "q23"]
        assert (assessment.role, assessment.funding) == (None, answers["q23"])


def test_the_save_round_trip_with_quotes_and_a_conflict(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    start = client.get("/en/assessment/").text
    response = client.post("/en/assessment/", data={"csrf_token": hidden_inputs(start)["csrf_token"]})
    token = response.headers["Location"].split("/")[3]
    url = f"/en/assessment/{token}/capacity-communication"
    first, second = hidden_inputs(client.get(url).text), hidden_inputs(client.get(url).text)
    assert set(first) == {"csrf_token", "revision", "base", "layout", "task", "return_to"}

    # A value with quotes and an ampersand is refused with the page again; nothing is lost or written.
    response = client.post(url, data={**first, "q4": ['x" onfocus="a&b', "contractor"], "action": "save"})
    assert response.status_code == 400
    assert 'x" onfocus' not in response.text and "a&b" not in response.text
    again = hidden_inputs(response.text)
    assert int(again["revision"]) == int(first["revision"]) + 1
    assert again["csrf_token"].split(".")[0] == first["csrf_token"].split(".")[0]  # same token, maybe a later stamp
    assert stored(csrf_app, token) == {}

    # The hidden fields posted back as a browser reads them validate (CSRF, revision, signed base).
    assert client.post(url, data={**again, "q4": ["contractor"], "action": "save"}).status_code == 302
    assert stored(csrf_app, token) == {"q4": ["contractor"]}

    # The second window, loaded before both saves, changes the same answer: the conflict page, nothing lost.
    response = client.post(url, data={**second, "q4": ["volunteers"], "action": "save"})
    assert response.status_code == 409
    assert stored(csrf_app, token) == {"q4": ["contractor"]}
    choice = hidden_inputs(response.text)
    response = client.post(url, data={**choice, "choice-q4": "mine", "action": "resolve"})
    assert response.status_code == 302
    assert stored(csrf_app, token) == {"q4": ["volunteers"]}


def test_a_submitted_draft_refuses_a_save_from_an_open_page(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    url = f"/en/assessment/{token}/importance"
    shown = hidden_inputs(client.get(url).text)
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        services.submit(assessment)
    response = client.post(url, data={**shown, "q1": "3", "action": "save"})
    assert response.status_code == 409
    assert stored(app, token) == {}
    with app.app_context():
        draft = services.find_draft(token)
        assert draft is not None and draft.is_submitted
        with pytest.raises(services.AlreadySubmitted):
            services.save_page(draft, {"q1": 3}, "importance", None)
    assert row(app, token).revision == 0


@contextmanager
def checkouts(app: Flask) -> Iterator[list[int]]:
    """Count the pooled connections checked out while the block runs."""
    with app.app_context():
        pool = db.engine.pool
    counted: list[int] = []

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        counted.append(1)

    sa.event.listen(pool, "checkout", checkout)
    try:
        yield counted
    finally:
        sa.event.remove(pool, "checkout", checkout)


def checked_out(app: Flask) -> int:
    with app.app_context():
        return int(db.engine.pool.checkedout())  # type: ignore[attr-defined]  # QueuePool's own count


def test_a_save_reads_its_draft_and_writes_on_one_pooled_connection(app: Flask, client: FlaskClient) -> None:
    """One checkout for the read and the write (on PostgreSQL, one pre-ping); nothing left checked out."""
    token = start_assessment(client)
    url = f"/en/assessment/{token}/importance"
    shown = hidden_inputs(client.get(url).text)
    with checkouts(app) as counted:
        assert client.post(url, data={**shown, "q1": "4", "action": "save"}).status_code == 302
    assert len(counted) == 1
    assert checked_out(app) == 0
    assert stored(app, token) == {"q1": 4}


def test_a_request_that_does_not_save_gives_the_read_connection_back(app: Flask, client: FlaskClient) -> None:
    """The draft read for a save that never comes (no such page; a fact's save in the session) is not kept."""
    token = start_assessment(client)
    assert client.post(f"/en/assessment/{token}/no-such-page", data={"q1": "4"}).status_code == 404
    assert checked_out(app) == 0
    url = f"/en/assessment/{token}/organisation"
    answers = first_answers(app, "organisation")
    shown = hidden_inputs(client.get(url).text)
    assert client.post(url, data={**shown, **answers, "action": "save"}).status_code == 302
    assert checked_out(app) == 0
    assert stored(app, token) == answers
    with app.app_context():  # a read kept outside a request goes back when its app context ends
        assert services.find_draft(token) is not None
        assert db.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        kept = g.get(plain._KEPT)  # held here: given back by the teardown, not by the garbage collector
        assert kept is not None
        if db.engine.dialect.name == "sqlite":  # the read holds no transaction (no lock) until the write's
            assert not kept[1].dbapi_connection.in_transaction
    assert checked_out(app) == 0
