"""Summary counts: kept by every change, equal to a full recount, and what the pages cost.

Every test that touches the database already ends with the stored counts compared with a
recount (tests/conftest.py ``reset``); the tests here drive long random sequences of changes
through the services, the upgrade of a database holding data, the commands, and the query
counts of every page that shows aggregates.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store import summary
from benchmark.store.models import Assessment, SummaryCount, utcnow
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import count_queries, create_workshop, make_app, seed_participant, signed_in

SIZES = ["1_5", "6_10", "21_50", "51_100"]
FUNDING = ["yes_current", "no"]
REGIONS = ["on", "qc", "bc", "ab", "ns", "yt"]


def random_answers(app: Flask, rng: random.Random) -> dict[str, Any]:
    """Valid answers to every item, with random organisation facts."""
    q = app.extensions["content"].questionnaire
    answers: dict[str, Any] = {}
    for item in q.iter_items():
        options = [o.id for o in item.options]
        if item.type == "scale_0_10":
            answers[item.id] = rng.randint(0, 10)
        elif item.type == "multi":
            plain = [o.id for o in item.options if not o.exclusive]
            exclusive = [[o.id] for o in item.options if o.exclusive]
            answers[item.id] = rng.choice([rng.sample(plain, rng.randint(1, min(3, len(plain)))), *exclusive])
        elif item.type == "single":
            answers[item.id] = rng.choice(options)
        else:
            for key in item.answer_keys():
                answers[key] = rng.choice(options)
    answers.update(
        q25=rng.choice(SIZES), q23=rng.choice(FUNDING), q26=rng.sample(REGIONS, rng.randint(1, 3)), q22="executive"
    )
    return answers


def test_counts_follow_a_random_sequence_of_changes(app: Flask) -> None:
    """Start, save facts, submit, take again, delete and purge in a random order: counts stay exact."""
    rng = random.Random(2026)
    operations = {"start": 0, "facts": 0, "submit": 0, "again": 0, "delete": 0, "purge": 0}
    with app.app_context():
        q = app.extensions["content"].questionnaire
        for step in range(90):
            drafts = list(db.session.scalars(sa.select(Assessment).where(Assessment.status == "draft")))
            submitted = list(db.session.scalars(sa.select(Assessment).where(Assessment.status == "submitted")))
            choice = rng.choices(["start", "facts", "submit", "again", "delete", "purge"], weights=[4, 4, 4, 2, 2, 1])[
                0
            ]
            if choice == "start" or (choice in {"facts", "submit"} and not drafts):
                services.start_assessment(q, "en", None, synthetic=rng.random() < 0.25)
                choice = "start"
            elif choice == "facts":
                draft = rng.choice(drafts)
                services.save_answers(
                    draft,
                    {"q25": rng.choice(SIZES + [None]), "q23": rng.choice(FUNDING), "q26": rng.sample(REGIONS, 2)},
                    "organisation",
                )
            elif choice == "submit":
                draft = rng.choice(drafts)
                answers = random_answers(app, rng)
                services.save_answers(draft, answers, q.pages[-1].id)
                services.submit(draft, stored_scores(profile_of(answers)))
            elif choice == "again" and submitted:
                services.start_assessment(q, "en", None, previous=rng.choice(submitted))
            elif choice == "delete" and (drafts or submitted):
                services.delete_assessment(rng.choice(drafts + submitted))
            elif choice == "purge":
                services.purge_drafts(30, now=utcnow() + timedelta(days=31))
            else:
                continue
            operations[choice] += 1
            db.session.expire_all()
            assert summary.mismatches() == {}, f"after step {step} ({choice})"
        counts = summary.stored()
    assert all(operations.values()), operations
    # The sequence produced real figures in both pools, not an empty table that trivially matches.
    assert any(key[1] == "latest_score" and not key[0] for key in counts)
    assert any(key[1] == "chosen" for key in counts)


def test_check_and_rebuild_commands(app: Flask, runner: FlaskCliRunner) -> None:
    """`flask summary check` finds a wrong count; `flask summary rebuild` repairs it."""
    with app.app_context():
        q = app.extensions["content"].questionnaire
        draft, _ = services.start_assessment(q, "en", None)
        answers = random_answers(app, random.Random(1))
        services.save_answers(draft, answers, "organisation")
        services.submit(draft, stored_scores(profile_of(answers)))
        db.session.execute(sa.update(SummaryCount).where(SummaryCount.metric == "latest_score").values(count=7))
        db.session.commit()
    result = runner.invoke(args=["summary", "check"])
    assert result.exit_code == 1 and "differ from a recount" in result.output
    result = runner.invoke(args=["summary", "rebuild"])
    assert result.exit_code == 0 and "summary count(s) written" in result.output
    result = runner.invoke(args=["summary", "check"])
    assert result.exit_code == 0 and "match a full recount" in result.output


@pytest.fixture
def old_database(tmp_path: Any) -> Iterator[Flask]:
    """A SQLite database at the revision before the summary counts (0005)."""
    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_upgrading_a_database_with_data_counts_what_it_holds(old_database: Flask) -> None:
    """Upgrading fills the counts from the assessments already stored (0007, once their scores are rows)."""
    from flask_migrate import upgrade

    with old_database.app_context():
        upgrade(revision="0005")
        now = utcnow()
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO organisation (id, created_at, is_synthetic) VALUES (1, :t, 0)"), {"t": now}
            )
            for assessment_id, latest in ((1, 0), (2, 1)):
                connection.execute(
                    sa.text(
                        "INSERT INTO assessment (id, organisation_id, token_hash, status, questionnaire_version,"
                        " rubric_version, language, current_page, revision, previous_id, is_synthetic, is_latest,"
                        " created_at, updated_at, submitted_at, size_band, funding, score_sk, score_in)"
                        " VALUES (:id, 1, :hash, 'submitted', '2026.1', 'v1', 'en', 'review', 1, :previous, 0,"
                        " :latest, :t, :t, :t, '6_10', 'yes_current', 50, NULL)"
                    ),
                    {
                        "id": assessment_id,
                        "hash": f"{assessment_id:064d}",
                        "previous": assessment_id - 1 or None,
                        "latest": latest,
                        "t": now,
                    },
                )
            connection.execute(sa.text("INSERT INTO assessment_region (assessment_id, region) VALUES (2, 'on')"))
            connection.execute(
                sa.text("INSERT INTO answer (assessment_id, key, value, updated_at) VALUES (2, 'q4', :v, :t)"),
                {"v": '["shared_roles"]', "t": now},
            )
        upgrade()
        counts = summary.stored()
        assert summary.mismatches() == {}
    month = now.strftime("%Y-%m")
    assert counts[(False, "submitted", "month", month, "", "", "")] == 2
    assert counts[(False, "reassessed", "month", month, "", "", "")] == 1
    # 0016: re-assessed by group too (the dashboard's re-assessed column), counted for the upgraded rows.
    assert counts[(False, "reassessed", "region", "on", "", "", "")] == 1
    assert counts[(False, "reassessed", "size", "6_10", "", "", "")] == 1
    assert counts[(False, "reassessed", "funding", "yes_current", "", "", "")] == 1
    assert counts[(False, "latest_score", "region", "on", "SK", "v1", "50")] == 1
    assert counts[(False, "chosen", "all", "", "q4", "", "shared_roles")] == 1
    assert not any(key[4] == "IN" for key in counts)  # no score, no count


# --------------------------------------------------------------------------- query counts per page


def aggregate_pages(token: str, workshop_id: int) -> list[tuple[str, str]]:
    """(who, url) of every page that shows aggregates."""
    return [
        ("respondent", f"/en/results/{token}"),
        ("respondent", f"/fr/results/{token}/data.json"),
        ("analyst", "/en/sector/"),
        ("analyst", "/en/sector/?component=AP&by=size"),
        ("analyst", "/fr/sector/export.csv?table=uptake_month"),
        ("analyst", "/en/sector/export.json"),
        ("respondent", "/api/v1/aggregates?by=funding"),
        ("facilitator", f"/en/workshops/{workshop_id}"),
        ("facilitator", f"/en/workshops/{workshop_id}/live"),
        ("facilitator", f"/en/workshops/{workshop_id}/projector"),
        ("facilitator", f"/en/workshops/{workshop_id}/cohort.csv"),
        ("facilitator", f"/en/workshops/{workshop_id}/individual.csv"),
    ]


def seed_many(app: Flask, rng: random.Random, count: int) -> None:
    with app.app_context():
        q = app.extensions["content"].questionnaire
        for _ in range(count):
            draft, _ = services.start_assessment(q, "en", None)
            answers = random_answers(app, rng)
            services.save_answers(draft, answers, "organisation")
            services.submit(draft, stored_scores(profile_of(answers)))
            if rng.random() < 0.3:
                again, _ = services.start_assessment(q, "en", None, previous=draft)
                services.submit(again, stored_scores(profile_of(answers)))


def test_no_page_issues_more_queries_as_the_data_grows(app: Flask) -> None:
    """Each aggregate page issues as many queries with about 20 organisations as with 80, and 5 or 17 participants."""
    rng = random.Random(8)
    clients: dict[str, FlaskClient] = {
        "analyst": signed_in(app, "analyst@example.org", "analyst"),
        "facilitator": signed_in(app, "fac@example.org", "facilitator"),
        "respondent": app.test_client(),
    }
    workshop_id, _ = create_workshop(clients["facilitator"])
    participant = random_answers(app, rng)
    for _ in range(5):
        seed_participant(app, workshop_id, participant, share=True)
    seed_many(app, rng, 12)
    with app.app_context():
        q = app.extensions["content"].questionnaire
        probe, token = services.start_assessment(q, "en", None)
        answers = random_answers(app, rng)
        services.save_answers(probe, {**answers, "q26": ["on", "qc", "bc"]}, "organisation")
        services.submit(probe, stored_scores(profile_of(answers)))
        _draft, draft_token = services.start_assessment(q, "en", None)
    pages = [*aggregate_pages(token, workshop_id), ("respondent", f"/en/assessment/{draft_token}/importance")]
    small = {url: count_queries(app, clients[who], url) for who, url in pages}
    seed_many(app, rng, 48)
    for _ in range(12):
        seed_participant(app, workshop_id, random_answers(app, rng), share=rng.random() < 0.5)
    large = {url: count_queries(app, clients[who], url) for who, url in pages}
    assert large == small
    assert max(small.values()) <= 16, small
