"""Releases of the summary counts: the rules that cut them, what they hold, the command, migration 0009."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store import summary
from benchmark.store.deletion import delete_assessment
from benchmark.store.models import Assessment, ReleasedCount, ReleasePending, SummaryRelease, clock
from benchmark.store.scores import profile_of, stored_scores
from benchmark.store.summary import releases
from tests.factories import BASE_ANSWERS, make_app, reset

pytestmark = pytest.mark.db


def get(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    return assessment


def rules_app(database_url: str, changes: int, minutes: int) -> Flask:
    return make_app(database_url, RELEASE_MIN_CHANGES=changes, RELEASE_INTERVAL_MINUTES=minutes)


@pytest.fixture
def three(database_url: str, _schema: None) -> Iterator[Flask]:
    """A release needs three changed organisations and an hour."""
    app = rules_app(database_url, 3, 60)
    yield app
    reset(app)


def start(app: Flask, synthetic: bool = False) -> int:
    with app.app_context():
        questionnaire = app.extensions["content"].questionnaire
        assessment, _token = services.start_assessment(questionnaire, "en", None, synthetic=synthetic)
        return assessment.id


def answer(app: Flask, assessment_id: int, answers: dict[str, Any]) -> None:
    with app.app_context():
        services.save_answers(get(assessment_id), answers, "organisation")


def submit(app: Flask, assessment_id: int, answers: dict[str, Any] = BASE_ANSWERS) -> None:
    with app.app_context():
        assessment = get(assessment_id)
        services.save_answers(assessment, answers, "organisation")
        services.submit(assessment, stored_scores(profile_of(answers)))


def submitted(app: Flask, synthetic: bool = False, answers: dict[str, Any] = BASE_ANSWERS) -> int:
    assessment_id = start(app, synthetic)
    submit(app, assessment_id, answers)
    return assessment_id


def all_releases(app: Flask) -> list[tuple[int, bool, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(SummaryRelease.id, SummaryRelease.is_synthetic, SummaryRelease.organisations_changed)
        )
        return sorted((int(i), bool(s), int(n)) for i, s, n in rows)


def pending(app: Flask, synthetic: bool = False) -> int:
    with app.app_context():
        return releases.status(synthetic).pending


def move_clock(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    now = clock.utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(clock, "utcnow", lambda: now)


def test_the_first_release_needs_the_minimum_of_organisations_only(three: Flask) -> None:
    submitted(three)
    submitted(three)
    assert all_releases(three) == [] and pending(three) == 2
    with three.app_context():
        assert summary.read(False, "submitted", ["month"]) == []  # no release: nothing to show
        assert summary.read_live(False, "submitted", ["month"])[0][-1] == 2
    third = start(three)  # a third organisation starts: a change of the released "started" by month
    ((_id, pool, changed),) = all_releases(three)
    assert (pool, changed) == (False, 3) and pending(three) == 0
    with three.app_context():
        assert summary.read(False, "submitted", ["month"])[0][-1] == 2
        assert summary.read(False, "started", ["month"])[0][-1] == 3
    submit(three, third)  # its submission is a change of the next release
    assert pending(three) == 1 and len(all_releases(three)) == 1


def test_the_next_release_needs_the_interval_too(three: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        submitted(three)
    for _ in range(4):
        submitted(three)
    # The third organisation's submission came after the first release; four more: five changed.
    assert len(all_releases(three)) == 1 and pending(three) == 5  # the interval has not passed
    move_clock(monkeypatch, 59)
    submitted(three)
    assert len(all_releases(three)) == 1 and pending(three) == 6
    move_clock(monkeypatch, 2)
    submitted(three)
    assert [changed for _i, _p, changed in all_releases(three)] == [3, 7]


def test_an_organisation_counts_once_however_often_it_changes(three: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        submitted(three)
    move_clock(monkeypatch, 120)
    first = submitted(three)
    with three.app_context():
        assessment = get(first)
        again, _token = services.start_assessment(three.extensions["content"].questionnaire, "en", None, assessment)
        again_id = again.id
    submit(three, again_id, {**BASE_ANSWERS, "q6": "no"})
    with three.app_context():
        delete_assessment(get(again_id))
    assert pending(three) == 2 and len(all_releases(three)) == 1  # the third and the fourth organisation


def test_a_draft_saving_its_facts_is_not_a_change_and_its_facts_are_not_released(three: Flask) -> None:
    draft = start(three)  # starting counts (the month's "started" is released)
    assert pending(three) == 1
    for _ in range(2):
        submitted(three)
    assert len(all_releases(three)) == 1 and pending(three) == 1
    answer(three, draft, {"q25": "51_plus", "q26": ["yt"], "q23": "no_never"})
    assert pending(three) == 1  # only "started" by size/funding/region moved, which is never released
    with three.app_context():
        assert summary.read_live(False, "started", ["size"]) != []
        assert summary.read(False, "started", ["size", "funding", "region"]) == []
        released = db.session.scalars(sa.select(ReleasedCount.metric).where(ReleasedCount.grouping != "month"))
        assert "started" not in set(released)


def test_deleting_a_submission_is_a_change(three: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [submitted(three) for _ in range(3)]
    move_clock(monkeypatch, 120)
    with three.app_context():
        delete_assessment(get(ids[0]))
    assert pending(three) == 2  # the third organisation's submission, then the first one's deletion


def test_pools_are_released_separately(three: Flask) -> None:
    for _ in range(2):
        submitted(three, synthetic=True)
    for _ in range(2):
        submitted(three)
    assert all_releases(three) == [] and pending(three, True) == 2 and pending(three, False) == 2
    submitted(three, synthetic=True)
    assert [(pool, n) for _i, pool, n in all_releases(three)] == [(True, 3)]
    with three.app_context():
        assert summary.read(True, "submitted", ["month"])[0][-1] == 2  # cut when the third started
        assert summary.read(False, "submitted", ["month"]) == []
        release = db.session.get(SummaryRelease, all_releases(three)[0][0])
        assert release is not None
        keys = set(
            db.session.scalars(sa.select(ReleasedCount.is_synthetic).where(ReleasedCount.release_id == release.id))
        )
        assert keys == {True}


def test_consecutive_releases_always_span_the_minimum(
    database_url: str, _schema: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random starts, saves, submissions and deletions: between two releases, at least k organisations changed."""
    app = rules_app(database_url, 4, 30)
    rng = random.Random(13)
    try:
        changed: set[int] = set()
        spans: list[int] = []
        drafts: list[int] = []
        done: list[int] = []
        seen = 0
        for _step in range(60):
            move_clock(monkeypatch, rng.choice((0, 0, 5, 20)))
            action = rng.choice(("start", "submit", "submit", "delete", "facts"))
            if action == "start" or not (drafts or done):
                drafts.append(start(app))
                touched = drafts[-1]
            elif action in {"submit", "facts"} and drafts:
                touched = drafts.pop(rng.randrange(len(drafts)))
                if action == "facts":
                    answer(app, touched, {"q25": rng.choice(("1_5", "51_plus"))})
                    drafts.append(touched)
                else:
                    submit(app, touched, {**BASE_ANSWERS, "q6": rng.choice(("yes", "no"))})
                    done.append(touched)
            elif done:
                touched = done.pop(rng.randrange(len(done)))
                with app.app_context():
                    organisation = get(touched).organisation_id
                    delete_assessment(get(touched))
                changed.add(organisation)
                touched = 0
            else:
                continue
            if touched:
                with app.app_context():
                    changed.add(get(touched).organisation_id)
            now = all_releases(app)
            if len(now) > seen:
                spans.append(len(changed))
                seen = len(now)
                changed = set()
                with app.app_context():
                    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReleasePending)) == 0
        assert len(spans) >= 2
        assert all(n >= 4 for _i, _p, n in all_releases(app))
        # What the test saw change (a superset: a draft's facts are not a change) spans k too.
        assert all(span >= 4 for span in spans)
    finally:
        reset(app)


def test_the_release_command(three: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = three.test_cli_runner()
    result = runner.invoke(args=["summary", "release", "--status"])
    assert result.exit_code == 0 and "no release yet" in result.output and "a release needs 3" in result.output
    for _ in range(3):
        submitted(three)
    submitted(three)
    result = runner.invoke(args=["summary", "release"])
    assert result.exit_code == 0, result.output
    assert "No release cut" in result.output and len(all_releases(three)) == 1
    move_clock(monkeypatch, 61)
    result = runner.invoke(args=["summary", "release", "--status"])
    assert "2 organisation(s) changed since" in result.output and len(all_releases(three)) == 1
    result = runner.invoke(args=["summary", "release", "--pool", "synthetic"])
    assert "Pool synthetic: no release yet" in result.output and "No release cut" in result.output


def test_migration_0009_releases_the_counts_already_stored(database_url: str, _schema: None) -> None:
    """Upgrading a database with counts (SQLite, PostgreSQL) releases them once, drafts' facts left out."""
    app = make_app(database_url)
    try:
        submitted(app)
        draft = start(app)
        answer(app, draft, {"q25": "51_plus"})
        with app.app_context():
            downgrade(revision="0008")
            upgrade()
            db.session.remove()
            ((release_id, pool),) = db.session.execute(sa.select(SummaryRelease.id, SummaryRelease.is_synthetic))
            assert pool is False
            released = Counter(
                {
                    tuple(row[:-1]): row[-1]
                    for row in db.session.execute(
                        sa.select(*(getattr(ReleasedCount, c) for c in summary.KEY_COLUMNS), ReleasedCount.count)
                    )
                }
            )
            live = summary.stored()
            assert released == Counter({key: n for key, n in live.items() if releases.released(key)})
            assert not any(key[1] == "started" and key[2] != "month" for key in released)
            assert (False, "started", "size", "51_plus", "", "", "") in live
            assert summary.read(False, "submitted", ["month"])[0][-1] == 1
            assert release_id
    finally:
        reset(app)


def test_the_release_command_cuts_when_the_rules_allow(three: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(6):
        submitted(three)  # a release at the third start; then four organisations changed, within the hour
    assert len(all_releases(three)) == 1
    move_clock(monkeypatch, 61)
    result = three.test_cli_runner().invoke(args=["summary", "release"])
    assert result.exit_code == 0 and "(4 organisation(s) changed)" in result.output, result.output
    assert [n for _i, _p, n in all_releases(three)] == [3, 4] and pending(three) == 0
