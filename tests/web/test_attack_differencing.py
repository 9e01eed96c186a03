"""Attack (issue 13, item 2, "time differencing"): read every public figure just before and just after one change.

Without releases, every figure followed the live summary counts: the public aggregates API, the
analyst's dashboard and exports, the uptake API and the peer figures on a results page each
moved the moment ONE organisation submitted (or deleted its submission, or saved the
organisation page of a draft), and the difference gave away its province, size, funding, levels
and answers to the 2017 items.  With the production rules (a release needs 10 changed
organisations AND a day since the previous one), the attacker sees byte-identical answers
before and after the victim's change, although the live counts did change; a new release comes
only once 10 organisations changed and the interval passed, and two consecutive releases
always differ by at least 10 organisations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.store import api_tokens, summary
from benchmark.store.models import SummaryRelease, clock
from tests.factories import (
    BASE_ANSWERS,
    make_app,
    page_answers,
    page_ids,
    reset,
    seed_submission,
    signed_in,
    start_assessment,
)

pytestmark = pytest.mark.db

#: Small k so that many figures are visible (the attack needs figures that can move).
K = 3
RULES = {"RELEASE_MIN_CHANGES": 10, "RELEASE_INTERVAL_MINUTES": 1440}
COMPONENTS = ("SK", "IN", "AP", "PR")
BREAKDOWNS = ("province", "size", "funding")
SIZES = ("1_5", "6_10", "11_20", "21_50")
FUNDING = ("yes_current", "no_past")
REGIONS = (["on"], ["qc"], ["on", "qc"])


def organisation(i: int) -> dict[str, Any]:
    """Varied answers: every group of size, funding and region has several organisations."""
    return {
        **BASE_ANSWERS,
        "q25": SIZES[i % len(SIZES)],
        "q23": FUNDING[i % len(FUNDING)],
        "q26": REGIONS[i % len(REGIONS)],
        "q6": ("yes", "no", "in_progress")[i % 3],
        "q7": ("yes", "no")[i % 2],
    }


#: The victim: a province, size and funding nobody else has, and its own answers.
VICTIM = {**BASE_ANSWERS, "q25": "51_plus", "q23": "no_never", "q26": ["bc"], "q6": "no", "q7": "no"}


@pytest.fixture
def world(database_url: str, _schema: None) -> Iterator[dict[str, Any]]:
    """A pool of 15 organisations with a release of all of them, then the app with the production rules."""
    seeding = make_app(database_url, SECTOR_MIN_CELL=K, PEER_MIN_GROUP=K)  # a release after every change
    tokens = [seed_submission(seeding, organisation(i)) for i in range(15)]
    victim_submission = seed_submission(seeding, VICTIM)
    app = make_app(database_url, SECTOR_MIN_CELL=K, PEER_MIN_GROUP=K, **RULES)
    with app.app_context():
        _token, plain = api_tokens.create_token("attacker")
    analyst = signed_in(app, "analyst@example.org", "analyst")
    yield {"app": app, "attacker": tokens[0], "victim": victim_submission, "bearer": plain, "analyst": analyst}
    reset(app)


def observe(world: dict[str, Any]) -> dict[str, str]:
    """Everything the attacker can read about the pool, as received."""
    app: Flask = world["app"]
    public = app.test_client()
    seen: dict[str, str] = {}

    def get(client: FlaskClient, url: str, **kwargs: Any) -> str:
        response = client.get(url, **kwargs)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    for lang in ("en", "fr"):
        for component in COMPONENTS:
            for by in BREAKDOWNS:
                url = f"/api/v1/aggregates?lang={lang}&component={component}&by={by}"
                seen[url] = get(public, url)
    for by in BREAKDOWNS:
        url = f"/api/v1/uptake?by={by}"
        seen[url] = get(public, url, headers={"Authorization": f"Bearer {world['bearer']}"})
    analyst: FlaskClient = world["analyst"]
    for by in BREAKDOWNS:
        seen[f"export.json {by}"] = get(analyst, f"/en/sector/export.json?by={by}")
        for table in ("uptake_month", f"uptake_{by}", "levels_quarter_SK", f"levels_{by}_SK", "items_2017"):
            url = f"/en/sector/export.csv?by={by}&table={table}"
            seen[url] = get(analyst, url)
        html = get(analyst, f"/en/sector/?by={by}")
        seen[f"dashboard {by}"] = "".join(re.findall(r"<table.*?</table>|Figures as of[^<]*", html, re.S))
    token = world["attacker"]
    seen["results data"] = get(public, f"/en/results/{token}/data.json")
    html = get(public, f"/en/results/{token}")
    seen["results peers"] = html.split('id="peers"')[1].split("</section>")[0]
    return seen


def live(app: Flask) -> Any:
    with app.app_context():
        return summary.stored()


def submit_through_the_web(app: Flask, answers: dict[str, Any] | None = None) -> str:
    """A new organisation answers every page and submits, as a browser does."""
    client = app.test_client()
    token = start_assessment(client)
    for page_id in page_ids(app):
        data = page_answers(app, page_id)
        if page_id == "organisation" and answers is not None:
            data = {**data, **{key: value for key, value in answers.items() if key in data}}
        client.post(f"/en/assessment/{token}/{page_id}", data={**data, "action": "next"})
    assert client.post(f"/en/assessment/{token}/review").status_code == 302
    return token


def releases_of(app: Flask) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(SummaryRelease.id, SummaryRelease.organisations_changed))
        return sorted((int(i), int(n)) for i, n in rows)


def test_without_releases_the_attack_works(world: dict[str, Any], database_url: str) -> None:
    """The control: figures that follow every change (a release after each) give the victim away."""
    before = observe(world)
    visible = before["/api/v1/aggregates?lang=en&component=SK&by=size"]
    assert re.search(r'"today_pct":\s*[0-9]', visible) and '"median"' in before["results data"]
    eager = make_app(database_url, SECTOR_MIN_CELL=K, PEER_MIN_GROUP=K)  # RELEASE_MIN_CHANGES=1, no interval
    submit_through_the_web(eager, {"q25": "51_plus", "q26": "bc"})
    after = observe(world)
    changed = {url for url in before if before[url] != after[url]}
    assert "/api/v1/uptake?by=size" in changed and "/api/v1/aggregates?lang=en&component=SK&by=size" in changed


def test_one_submission_moves_no_figure(world: dict[str, Any]) -> None:
    app = world["app"]
    before, counts = observe(world), live(app)
    submit_through_the_web(app, {"q25": "51_plus", "q26": "bc"})
    assert live(app) != counts  # the live counts moved: reading them would give the victim away
    assert observe(world) == before


def test_deleting_a_submission_moves_no_figure(world: dict[str, Any]) -> None:
    app = world["app"]
    before, counts = observe(world), live(app)
    assert app.test_client().post(f"/en/results/{world['victim']}/delete").status_code == 303
    assert live(app) != counts
    assert observe(world) == before


def test_saving_the_organisation_page_of_a_draft_moves_no_figure(world: dict[str, Any]) -> None:
    app = world["app"]
    client = app.test_client()
    token = start_assessment(client)  # a new draft: the month's "started" moves in the live counts only
    before, counts = observe(world), live(app)
    data = {**page_answers(app, "organisation"), "q25": "51_plus", "q26": "bc", "action": "next"}
    assert client.post(f"/en/assessment/{token}/organisation", data=data).status_code == 302
    assert live(app) != counts  # the draft's facts are counted live (started by size, region)
    assert observe(world) == before


def test_a_release_needs_ten_organisations_and_a_day(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    app = world["app"]
    first = releases_of(app)
    before = observe(world)
    for i in range(9):  # the victim and eight more: nine organisations changed
        submit_through_the_web(app, {"q25": "51_plus"} if i == 0 else None)
    assert observe(world) == before and releases_of(app) == first
    submit_through_the_web(app)  # the tenth, but the interval has not passed
    assert observe(world) == before and releases_of(app) == first
    runner = app.test_cli_runner()
    result = runner.invoke(args=["summary", "release"])
    assert (
        result.exit_code == 0
        and "No release cut" in result.output
        and "10 organisation(s) changed since" in result.output
    )

    later = clock.utcnow() + timedelta(minutes=1441)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert observe(world) == before  # time alone releases nothing: a release is cut by a change or the command
    result = runner.invoke(args=["summary", "release"])
    assert result.exit_code == 0 and "(10 organisation(s) changed)" in result.output, result.output
    after = observe(world)
    assert after != before
    assert '"release_id"' in after["/api/v1/aggregates?lang=en&component=SK&by=province"]

    # The next change, a day later still, is counted afresh: one organisation is not a release.
    submit_through_the_web(app)
    assert observe(world) == after
    releases = releases_of(app)
    assert len(releases) == len(first) + 1
    # Every release after the seeding spans at least RELEASE_MIN_CHANGES organisations.
    assert releases[-1][1] >= RULES["RELEASE_MIN_CHANGES"]
    status = runner.invoke(args=["summary", "release", "--status"])
    assert "1 organisation(s) changed since; a release needs 10." in status.output


def test_a_change_cuts_the_release_once_both_rules_hold(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    app = world["app"]
    first = releases_of(app)
    before = observe(world)
    later = clock.utcnow() + timedelta(minutes=1441)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    for _ in range(9):
        submit_through_the_web(app)
    assert observe(world) == before  # a day passed, but only nine organisations changed
    submit_through_the_web(app)  # the tenth change cuts the release in its own transaction
    assert observe(world) != before
    releases = releases_of(app)
    assert len(releases) == len(first) + 1 and releases[-1][1] == 10
