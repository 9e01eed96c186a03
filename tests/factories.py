"""Shared test helpers: the test app, a live server, and factories of answers, submissions, staff and workshops.

Test modules import helpers from here (never from one another, nor from a conftest); the
fixtures that use them are in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from hypothesis import strategies as st
from werkzeug.serving import make_server

from benchmark.app import create_app
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.organisations.assessment.forms import field_name
from benchmark.organisations.results import cache as results_cache
from benchmark.staff.accounts.services import create_user
from benchmark.store import assessments as services
from benchmark.store import summary
from benchmark.store.models import Workshop
from benchmark.store.scores import profile_of, stored_scores

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Files the tests read, inside this repository (tests/fixtures/README.md says where they come from).
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
#: The 2017 source figures: a copy of the steering repository's shared/sources/baseline-2017.json.
BASELINE_2017_SOURCE = FIXTURES / "baseline-2017.json"

TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")
#: The password of the staff accounts the tests create.
PASSWORD = "a long enough passphrase"

#: The configuration of every test app; ``make_app``'s overrides replace it.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "ASSETS_AUTO_BUILD": True,
    "SERVER_NAME": None,
    # A release of the summary counts after every change, so figures follow a submission at once;
    # tests/web/test_attack_differencing.py uses the production rules (10 organisations, a day).
    "RELEASE_MIN_CHANGES": 1,
    "RELEASE_INTERVAL_MINUTES": 0,
    "RATELIMIT_ENABLED": False,  # tests/web/test_accounts.py turns it on where it is tested
    # The cheapest argon2id parameters argon2-cffi accepts: hashing is not what the tests measure.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}


# --------------------------------------------------------------------------- the app


_engines: dict[str, sa.Engine] = {}
_make_engine = getattr(SQLAlchemy, "_make_engine", None)


def _shared_engine(self: SQLAlchemy, bind_key: str | None, options: dict[str, Any], app: Flask) -> sa.Engine:
    """One engine per database URL and engine options for the whole run.

    SQLAlchemy caches compiled statements per engine: with an engine per test app, every test
    compiled its queries (and the summary recount of ``reset``) afresh, which took most of the
    time of a database test. Each test still gets a fresh app, and ``reset`` still empties the
    database and closes every connection after it.
    """
    key = repr(sorted((name, repr(value)) for name, value in options.items()))
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = _make_engine(self, bind_key, options, app)  # type: ignore[misc]
    return engine


# Flask-SQLAlchemy's engine factory is private ("its signature may change"): without it, tests are only slower.
if callable(_make_engine):
    SQLAlchemy._make_engine = _shared_engine  # type: ignore[method-assign]


def make_app(database_url: str, **overrides: object) -> Flask:
    """Create an app configured for tests."""
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


@contextlib.contextmanager
def database_down(app: Flask) -> Iterator[None]:
    """Refuse every new connection to the app's database (the pool is emptied first)."""
    with app.app_context():
        engine = db.engine
    dbapi = engine.dialect.loaded_dbapi

    def refuse(*_args: object) -> None:
        raise dbapi.OperationalError("connection refused: the test took the database down")

    engine.dispose()
    sa.event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        sa.event.remove(engine, "do_connect", refuse)
        engine.dispose()


def reset(app: Flask) -> None:
    """Check the summary counts, empty the database and close the app's connections.

    Every test that touches the database ends with the summary counts maintained on each
    change compared with a full recount (benchmark.store.summary), so any path that forgets to
    keep them is caught by the test that takes it.
    """
    with app.app_context():
        db.session.remove()
        wrong = summary.mismatches()
        db.session.remove()
        empty_tables()
        db.engine.dispose()
    assert not wrong, f"summary counts differ from a recount (stored, recounted): {sorted(wrong.items())[:5]}"


def empty_tables() -> None:
    """Delete every row (children first), keeping the schema."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(sa.delete(table))


def buffered(app: Flask) -> Any:
    """Wrap a WSGI app so each response body is read and closed before the server sends it.

    When a browser drops a connection (a favicon or a download it no longer wants), Werkzeug's
    development server can stop before closing the response, leaving a static file open until
    garbage collection, and the ResourceWarning then fails whichever test is running
    (``filterwarnings = error``). Tests never need streamed responses.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """The app served by Werkzeug in a thread, on a free loopback port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# --------------------------------------------------------------------------- answers


#: A plausible organisation's answers, in the stored form (answer key -> value).
BASE_ANSWERS: dict[str, Any] = {
    "q23": "yes_current",
    "q25": "6_10",
    "q26": ["on"],
    "q4": ["shared_roles"],
    "q2_2": ["video"],
    "q10.train_staff": "well",
    "q8.staff_literacy": "minor",
    "q8.internet_access": "minor",
    "q8.hardware": "minor",
    "q8.it_maintenance": "minor",
    "n1": ["backups"],
    "q7": "yes",
    "q2_1": ["cloud"],
    "q2_4": ["cloud"],
    "q3_1": ["sms"],
    "q3_3": ["videoconf"],
    "q6": "yes",
    "q10.identify_needs": "well",
    "q10.plan": "well",
    "q8.privacy": "minor",
    "q3_2": ["social_media"],
    "q3_4": ["online_forms"],
    "q3_5": ["social_media"],
}

#: The worked example of design §3.8 (tests/core/test_scoring.py and test_rules.py).
WORKED_EXAMPLE: dict[str, object] = {
    "q4": ["shared_roles"],
    "q2_1": ["email", "cloud"],
    "q2_2": ["email", "video"],
    # q2_3 skipped
    "q2_4": ["email", "cloud"],
    "q3_1": ["email", "sms"],
    "q3_2": ["website", "social_media"],
    # q3_3 skipped
    "q3_4": ["email"],
    "q3_5": ["website", "social_media", "newsletter"],
    "q6": "in_progress",
    "q7": "yes",
    "q8.privacy": "major",
    "q8.internet_access": "not_concern",
    "q8.data_quality": "moderate",
    "q8.data_management": "dont_know",
    "q8.staff_literacy": "minor",
    "q8.understanding_needs": "minor",
    "q8.evaluating_impact": "moderate",
    "q8.hardware": "minor",
    "q8.it_maintenance": "moderate",
    "q9": "not_shared",
    "q10.identify_needs": "well",
    "q10.plan": "neutral",
    "q10.choose_tools": "dont_know",
    "q10.implement": "some_improvement",
    "q10.train_staff": "some_improvement",
    "q10.evaluate": "great_need",
    "q1": 8,
    "q25": "11_20",
    # q15, q16 skipped
}

#: The task items of the task grids.
TASKS = ["q2_1", "q2_2", "q2_3", "q2_4", "q3_1", "q3_2", "q3_3", "q3_4", "q3_5"]


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: Questionnaire) -> dict[str, object]:
    """Random valid answers to every item (each one possibly skipped)."""
    answers: dict[str, object] = {}
    for item in questionnaire.iter_items():
        for key in item.answer_keys():
            if draw(st.booleans()) and draw(st.booleans()):
                continue  # skipped (about a quarter of the time)
            if item.type == "scale_0_10":
                answers[key] = draw(st.integers(0, 10))
            elif item.type == "multi":
                exclusive = [o.id for o in item.options if o.exclusive]
                regular = [o.id for o in item.options if not o.exclusive]
                if exclusive and draw(st.integers(0, 4)) == 0:
                    answers[key] = [draw(st.sampled_from(exclusive))]
                else:
                    answers[key] = draw(st.lists(st.sampled_from(regular), min_size=1, unique=True))
            else:
                answers[key] = draw(st.sampled_from([o.id for o in item.options]))
    return answers


def page_answers(app: Flask, page_id: str) -> dict[str, object]:
    """Valid form data answering every item of a page (first options, a 7 on scales)."""
    return {
        field_name(key): str(value) if isinstance(value, int) else value
        for key, value in first_answers(app, page_id).items()
    }


def first_answers(app: Flask, page_id: str | None = None) -> dict[str, object]:
    """Stored answers to every item of a page, or of the questionnaire (first options, a 7 on scales)."""
    q = app.extensions["content"].questionnaire
    page = q.page(page_id) if page_id is not None else None
    assert page_id is None or page is not None, page_id
    return answers_to(q.page_items(page) if page is not None else q.iter_items())


def answers_to(items: Iterable[Item]) -> dict[str, object]:
    """Stored answers to these items: a 7 on scales, two plain options of a multiple choice, else the first."""
    answers: dict[str, object] = {}
    for item in items:
        plain = [o.id for o in item.options if not o.exclusive and not o.missing]
        if item.kind.numeric:
            answers[item.id] = 7
        elif item.kind.multiple:
            answers[item.id] = plain[:2]
        else:
            answers.update(dict.fromkeys(item.answer_keys(), plain[0]))
    return answers


def page_ids(app: Flask) -> list[str]:
    """The questionnaire's page ids in flow order."""
    return [page.id for page in app.extensions["content"].questionnaire.pages]


# --------------------------------------------------------------------------- assessments


def start_assessment(client: FlaskClient, lang: str = "en", label: str = "") -> str:
    """Start a draft through the web flow and return its token."""
    response = client.post(f"/{lang}/assessment/", data={"label": label})
    assert response.status_code == 302, response.status_code
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    return match.group(1)


def seed_submission(app: Flask, answers: dict[str, Any], synthetic: bool = False) -> str:
    """Create a submitted assessment directly through the services (fast, for peer groups)."""
    with app.app_context():
        content = app.extensions["content"]
        _assessment, token = services.start_assessment(content.questionnaire, "en", None, synthetic=synthetic)
    submit_draft(app, token, answers)
    return token


def submit_draft(app: Flask, token: str, answers: dict[str, Any]) -> None:
    """Save complete ``answers`` into the draft ``token`` opens and submit it with their scores."""
    with app.app_context():
        draft = services.find_by_token(token)
        assert draft is not None
        services.save_answers(draft, answers, "organisation")
        services.submit(draft, stored_scores(profile_of(answers)))


# --------------------------------------------------------------------------- staff and workshops


def add_user(app: Flask, email: str, role: str, password: str = PASSWORD) -> None:
    """Create a staff account."""
    with app.app_context():
        create_user(email, role, password)


def signed_in(app: Flask, email: str, role: str) -> FlaskClient:
    """A test client signed in as a new staff account."""
    add_user(app, email, role)
    client = app.test_client()
    response = client.post("/en/account/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code in {302, 303}, response.get_data(as_text=True)[:300]
    return client


def create_workshop(client: FlaskClient, lang: str = "en", **fields: Any) -> tuple[int, str]:
    """Create a workshop through the web flow (every section by default); return its id and join code."""
    data = {"title": "Digital basics", "language": lang, "pages": page_ids(client.application), "previous_id": "0"}
    response = client.post(f"/{lang}/workshops/new", data={**data, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    workshop_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with client.application.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        code = workshop.join_code
    return workshop_id, code


def seed_participant(
    app: Flask,
    workshop_id: int,
    answers: dict[str, Any],
    share: bool = False,
    earlier: str | None = None,
    name: str | None = None,
    lang: str = "en",
) -> str:
    """A completed participant created through the services (fast); ``name`` is kept only when it shares."""
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        previous = services.find_by_token(earlier) if earlier else None
        _participation, token = workshop_services.join(workshop, lang, previous, share, name=name)
        assessment = services.find_by_token(token)
        services.save_answers(assessment, answers, "organisation")
        services.submit(assessment, stored_scores(profile_of(answers)))
    return token


def count_queries(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements a GET of ``url`` runs (it must answer 200), with the app's caches emptied first.

    The uncached render is the one that reads the data (a cached one reads less), so it is the one counted.
    """
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
        results_cache.clear(app)

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)
