"""The live view's cohort picture, kept per cohort version (issue 18): never stale, never another's, bounded.

A poll of ``/<lang>/workshops/<id>/live`` reads the cohort's version in one statement and serves
the picture rendered for that version.  Every change the live view shows must give another
version (each is played here through the interface a participant or facilitator uses), the
access check runs on every request, and the noise of a version never changes between reads.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.intermediaries.workshops import live
from benchmark.organisations.results import cache as results_cache
from benchmark.store import assessments as services
from benchmark.store import teams
from benchmark.store.models import User
from tests.factories import (
    BASE_ANSWERS,
    create_workshop,
    make_app,
    reset,
    seed_participant,
    seed_submission,
    signed_in,
)
from tests.web.test_teams import join_and_submit, make_team_link

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


@pytest.fixture
def small_k_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """Workshop figures from 3 completed participants; no summary release is cut, so only the cohort moves."""
    app = make_app(database_url, WORKSHOP_MIN_GROUP=3, RELEASE_MIN_CHANGES=1_000_000)
    yield app
    reset(app)


@pytest.fixture
def released_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """A release cut at every change, and the "all organizations" medians from 3 organisations."""
    app = make_app(database_url, WORKSHOP_MIN_GROUP=3, PEER_MIN_GROUP=3)
    yield app
    reset(app)


def _answers(score: int) -> dict[str, Any]:
    return {**BASE_ANSWERS, "q1": score}


def _cohort(app: Flask, size: int = 3, share: bool = True) -> tuple[FlaskClient, int, list[str]]:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    tokens = [
        seed_participant(app, workshop_id, _answers(4 + index), share=share, name=f"Org {index}")
        for index in range(size)
    ]
    return facilitator, workshop_id, tokens


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub("", response.get_data(as_text=True))  # the CSRF token is signed with the time


def _shown(app: Flask, client: FlaskClient, workshop_id: int) -> dict[str, str]:
    """What the facilitator sees: the live page, its polled fragment, and the projector's fragment."""
    base = f"/en/workshops/{workshop_id}"
    return {url: _get(client, url) for url in (base, f"{base}/live", f"{base}/live?projector=1")}


def _fresh(app: Flask, client: FlaskClient, workshop_id: int) -> dict[str, str]:
    """The same pages rendered with every cache emptied first."""
    with app.app_context():
        results_cache.clear(app)
    return _shown(app, client, workshop_id)


def _entries(app: Flask) -> int:
    return len(app.extensions[live.CACHE])


def test_a_cached_picture_equals_a_fresh_render_and_the_page_shows_the_same(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator, workshop_id, _tokens = _cohort(app, 4)
    first = _shown(app, facilitator, workshop_id)
    assert _entries(app) == 2  # the live page's picture (also the poll's) and the projector's
    assert _shown(app, facilitator, workshop_id) == first  # served from the cache
    assert _entries(app) == 2
    assert _fresh(app, facilitator, workshop_id) == first  # rendered again: the very same bytes
    page, fragment = first[f"/en/workshops/{workshop_id}"], first[f"/en/workshops/{workshop_id}/live"]
    assert "Cohort median" in fragment and fragment.strip() in page  # the page embeds the poll's picture
    assert '<tr><th scope="row">Org 0</th>' in page and "Org 0" not in fragment  # names: the page only
    projector = first[f"/en/workshops/{workshop_id}/live?projector=1"]
    assert "2017 recommendations" in fragment and "2017 recommendations" not in projector
    french = _get(facilitator, f"/fr/workshops/{workshop_id}/live")
    assert "Médiane de la cohorte" in french and _entries(app) == 3  # one entry per language


def _add_participant(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    joined = app.test_client().post("/en/workshops/join", data={"code": _code(app, workshop_id), "earlier_link": ""})
    assert joined.status_code == 302


def _complete(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    seed_participant(app, workshop_id, _answers(9), share=True, name="Late")


def _withdraw_consent(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    app.test_client().post(f"/en/workshops/consent/{tokens[0]}/{workshop_id}", data={})


def _rename(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    app.test_client().post(f"/en/workshops/consent/{tokens[0]}/{workshop_id}", data={"share": "y", "name": "Renamed"})


def _delete_data(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    assert app.test_client().post(f"/en/results/{tokens[0]}/delete").status_code == 303


def _close(app: Flask, client: FlaskClient, workshop_id: int, tokens: list[str]) -> None:
    assert client.post(f"/en/workshops/{workshop_id}/status", data={"status": "closed"}).status_code == 302


def _code(app: Flask, workshop_id: int) -> str:
    with app.app_context():
        return str(db.session.scalar(sa.text("SELECT join_code FROM workshop WHERE id = :id"), {"id": workshop_id}))


CHANGES: dict[str, tuple[Callable[..., None], str]] = {
    # change: (how it is made, a text of the live page it brings)
    "a participant joins": (_add_participant, '<span class="big-number">5</span> organizations joined'),
    "a participant completes": (_complete, '<span class="big-number">5</span> organizations completed'),
    "consent is withdrawn": (_withdraw_consent, "Individual results are hidden"),
    "a participant is renamed": (_rename, '<tr><th scope="row">Renamed</th>'),
    "a participant deletes its data": (_delete_data, '<span class="big-number">3</span> organizations completed'),
    "the workshop is closed": (_close, "Open to new participants"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_shows_at_the_next_request_never_a_stale_picture(small_k_app: Flask, change: str) -> None:
    app = small_k_app
    facilitator, workshop_id, tokens = _cohort(app, 4)
    make, shown_after = CHANGES[change]
    before = _shown(app, facilitator, workshop_id)  # every picture is now cached
    assert shown_after not in before[f"/en/workshops/{workshop_id}"]
    make(app, facilitator, workshop_id, tokens)
    after = _shown(app, facilitator, workshop_id)
    assert shown_after in after[f"/en/workshops/{workshop_id}"]
    assert after == _fresh(app, facilitator, workshop_id)  # what the cache served is what a render gives


def test_a_colleague_leaving_its_team_counts_again_at_the_next_poll(small_k_app: Flask) -> None:
    app = small_k_app
    client = app.test_client()
    creator = seed_submission(app, _answers(5))
    colleague = join_and_submit(app, client, make_team_link(client, creator), _answers(6))
    facilitator, workshop_id, _tokens = _cohort(app, 3)
    seed_participant(app, workshop_id, _answers(5), earlier=creator)
    seed_participant(app, workshop_id, _answers(6), earlier=colleague)
    url = f"/en/workshops/{workshop_id}/live"
    assert '<span class="big-number">4</span> organizations joined' in _get(facilitator, url)  # the team once
    with app.app_context():
        assessment = services.find_by_token(colleague)
        assert assessment is not None
        teams.leave(assessment, delete=False)
    assert '<span class="big-number">5</span> organizations joined' in _get(facilitator, url)


def test_a_new_summary_release_shows_at_the_next_poll(released_app: Flask) -> None:
    """The "all organizations" medians read the latest release: a release cut outside the workshop is a new version."""
    app = released_app
    facilitator, workshop_id, _tokens = _cohort(app, 3)
    before = _shown(app, facilitator, workshop_id)
    for score in (0, 1, 2, 10, 10):  # organisations outside the workshop; each submission cuts a release here
        seed_submission(app, _answers(score))
    after = _shown(app, facilitator, workshop_id)
    assert after != before
    assert after == _fresh(app, facilitator, workshop_id)


def test_the_cache_never_skips_the_access_check(small_k_app: Flask) -> None:
    app = small_k_app
    owner, workshop_id, _tokens = _cohort(app, 3)
    other = signed_in(app, "other@example.org", "facilitator")
    analyst = signed_in(app, "analyst@example.org", "analyst")
    admin = signed_in(app, "admin@example.org", "admin")
    base = f"/en/workshops/{workshop_id}"
    urls = (base, f"{base}/live", f"{base}/live?projector=1", f"{base}/projector")
    owned = {url: _get(owner, url) for url in urls}  # every picture cached
    for url in urls:
        assert other.get(url).status_code == 404, url
        assert analyst.get(url).status_code == 403, url
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/account/sign-in" in anonymous.headers["Location"], url
        assert admin.get(url).status_code == 200, url
    assert _get(admin, f"{base}/live") == owned[f"{base}/live"]  # an admin sees every workshop: the same picture
    assert other.get("/en/workshops/999999/live").status_code == 404
    owner.post("/en/account/sign-out")
    signed_out = owner.get(f"{base}/live")
    assert signed_out.status_code == 302  # a signed-out session is refused even with the picture cached


def _sign_out_elsewhere(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).values(session_version=User.session_version + 1))
        db.session.commit()


def _deactivate(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).values(is_active=False))
        db.session.commit()


def _expire(app: Flask, client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - app.permanent_session_lifetime.total_seconds() - 60


def _unknown_account(app: Flask, client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["user_id"] = 999_999


def _not_a_number(app: Flask, client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["user_id"] = "1"


@pytest.mark.parametrize("stale", [_sign_out_elsewhere, _deactivate, _expire, _unknown_account, _not_a_number])
def test_the_poll_refuses_a_stale_session_as_every_staff_page_does(
    small_k_app: Flask, stale: Callable[[Flask, FlaskClient], None]
) -> None:
    """The poll reads the account in its own statement: the sign-in checks are role_required's, cache or not."""
    app = small_k_app
    owner, workshop_id, _tokens = _cohort(app, 3)
    url = f"/en/workshops/{workshop_id}/live"
    _get(owner, url)  # the picture is cached
    stale(app, owner)
    refused = owner.get(url)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(f"/en/account/sign-in?next={url}")
    with owner.session_transaction() as session:
        assert "user_id" not in session  # the stale session is cleared, as current_user() does
    assert owner.get(f"/en/workshops/{workshop_id}").status_code == 302


def test_one_workshops_picture_is_never_served_for_another(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator, first_id, _tokens = _cohort(app, 3)
    second_id, _code_b = create_workshop(facilitator, title="Second")
    for index in range(3):  # the same answers in the same order: only the workshop differs
        seed_participant(app, second_id, _answers(4 + index), share=True, name=f"Org {index}")
    first = _get(facilitator, f"/en/workshops/{first_id}/live")
    second = _get(facilitator, f"/en/workshops/{second_id}/live")
    assert first != second  # each workshop's own noise, under its own key
    empty_id, _code_c = create_workshop(facilitator, title="Empty")
    empty = _get(facilitator, f"/en/workshops/{empty_id}/live")
    assert '<span class="big-number">0</span> organizations joined' in empty and "Cohort median" not in empty
    assert _get(facilitator, f"/en/workshops/{first_id}/live") == first


def test_two_reads_of_one_version_give_nothing_new_and_a_completion_draws_new_figures(small_k_app: Flask) -> None:
    """The attacker's reload: the same version gives the same figures, rendered or cached; a change, new ones."""
    app = small_k_app
    facilitator, workshop_id, _tokens = _cohort(app, 5)
    url = f"/en/workshops/{workshop_id}/live"
    reads = {_get(facilitator, url) for _ in range(5)}
    for _ in range(3):
        with app.app_context():
            results_cache.clear(app)
        reads.add(_get(facilitator, url))
    assert len(reads) == 1
    (before,) = reads
    seed_participant(app, workshop_id, _answers(7))
    after = _get(facilitator, url)
    assert _figures(after) != _figures(before)  # the medians, levels and shares are drawn again
    assert _get(facilitator, url) == after


def _figures(html: str) -> str:
    """The picture below its counts (the figures that carry noise)."""
    return html.split("deliberate noise", 1)[1]


def test_a_cached_poll_costs_one_statement(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator, workshop_id, _tokens = _cohort(app, 3)
    url = f"/en/workshops/{workshop_id}/live"
    _get(facilitator, url)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        _get(facilitator, url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements  # the account, the workshop's access and its cohort version
    assert "user_account" in statements[0] and "cohort_changes" in statements[0]
    assert "participation" not in statements[0]  # one row: the counts the triggers keep, not every participation


def test_the_cache_is_bounded(small_k_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app = small_k_app
    monkeypatch.setattr(live, "SIZE", 2)
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshops = [create_workshop(facilitator, title=f"W{index}")[0] for index in range(3)]
    first = {w: _get(facilitator, f"/en/workshops/{w}/live") for w in workshops}
    assert _entries(app) == 2  # the oldest picture went
    assert {w: _get(facilitator, f"/en/workshops/{w}/live") for w in workshops} == first
    assert _entries(app) == 2
