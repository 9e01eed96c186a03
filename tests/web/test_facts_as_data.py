"""Organisation facts and component scores are the data files', not the code's.

The groupings of the summary counts, the sector breakdowns (dashboard, API ``?by=``, OpenAPI
enum, data dictionary) and the results page's peer groups are read from the questionnaire's
``fact:`` declarations; the stored scores follow the rubric's dimensions.  A second
questionnaire that makes q24 (organisation age, already copied to ``assessment.age_band``) a
grouping shows a new grouping question needs nothing else.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.questionnaire import Questionnaire
from benchmark.extensions import db
from benchmark.funder.sector import dictionary
from benchmark.funder.sector import services as sector
from benchmark.store import assessments as services
from benchmark.store import summary
from benchmark.store.content import content
from benchmark.store.facts import FactStorageError, check_storage
from benchmark.store.models import AssessmentScore
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import PROJECT_ROOT, answers_to, make_app, reset

QUESTIONNAIRE = PROJECT_ROOT / "benchmark" / "core" / "data" / "questionnaire.yaml"
AGE_FACT = 'fact: {column: "age_band"}'


def full_answers(q: Questionnaire) -> dict[str, Any]:
    """An answer to every item (first options, a 7 on scales), facts included."""
    answers = answers_to(q.iter_items())
    return {**answers, "q24": "11_25", "q25": "21_50", "q26": ["on", "qc"]}


def submitted(app: Flask) -> tuple[int, str]:
    """Submit one complete assessment through the services; return its id and token."""
    with app.app_context():
        q = content().questionnaire
        draft, token = services.start_assessment(q, "en", None)
        answers = full_answers(q)
        services.save_answers(draft, answers, q.pages[-1].id)
        services.submit(draft, stored_scores(profile_of(answers)))
        return draft.id, token


def by_enum(client: FlaskClient) -> list[str]:
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/aggregates"]["get"]["parameters"]
    return next(p["schema"]["enum"] for p in parameters if p["name"] == "by")


def test_groupings_and_breakdowns_are_the_questionnaires(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        q = content().questionnaire
        assert list(summary.groupings()) == list(q.groupings) == ["funding", "size", "region", "franco"]
        assert list(sector.breakdowns()) == list(q.breakdowns)
        dimensions = list(content().rubric.dimension_ids())
    assert sorted(by_enum(client)) == sorted(q.breakdowns)
    for name in q.breakdowns:
        assert client.get(f"/api/v1/aggregates?by={name}").status_code == 200
    response = client.get("/api/v1/aggregates?by=age")
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert all(name in message for name in [*q.breakdowns, *dimensions]), message


def test_scores_are_stored_per_dimension_of_the_rubric_and_deleted_with_it(app: Flask) -> None:
    assessment_id, token = submitted(app)
    with app.app_context():
        rows = db.session.execute(
            sa.select(AssessmentScore.dimension, AssessmentScore.score).where(
                AssessmentScore.assessment_id == assessment_id
            )
        ).all()
        assert sorted(d for d, _ in rows) == sorted(content().rubric.dimension_ids())
        assert all(score is not None for _, score in rows)
        services.delete_assessment(services.find_by_token(token))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentScore)) == 0


@pytest.fixture
def age_app(database_url: str, _schema: None, tmp_path: Path) -> Iterator[Flask]:
    """The app with a questionnaire where q24 (age) is a grouping, a breakdown and a peer group."""
    text = QUESTIONNAIRE.read_text(encoding="utf-8")
    assert text.count(AGE_FACT) == 1
    path = tmp_path / "questionnaire.yaml"
    path.write_text(
        text.replace(AGE_FACT, 'fact: {column: "age_band", grouping: "age", breakdown: "age", peer_group: true}'),
        encoding="utf-8",
    )
    app = make_app(database_url, QUESTIONNAIRE_PATH=str(path))
    yield app
    reset(app)  # the counts of the new grouping equal a full recount too


def test_a_new_grouping_question_needs_only_the_questionnaire(age_app: Flask) -> None:
    _id, token = submitted(age_app)
    with age_app.app_context():
        counts = summary.stored()
        assert counts[(False, "started", "age", "11_25", "", "", "")] == 1
        assert counts[(False, "submitted", "age", "11_25", "", "", "")] == 1
        assert any(key[1:4] == ("latest_score", "age", "11_25") for key in counts)
        assert "age" in [name for name, _en, _fr in dictionary.columns()]
    client = age_app.test_client()
    assert "age" in by_enum(client)
    body = client.get("/api/v1/aggregates?by=age").get_json()
    assert any(table["id"] == "levels_age_SK" for table in body["tables"])
    page = html.unescape(client.get(f"/en/results/{token}").get_data(as_text=True))
    with age_app.app_context():
        item = content().questionnaire.items["q24"]
        label = item.option("11_25").label.en
        short = item.label("en")  # every item has a short label (issue 14): the group names the question
    assert f"<h3>Same answer as yours to “{short}” ({label})</h3>" in page


def test_a_fact_without_storage_stops_the_app(questionnaire: Questionnaire) -> None:
    from dataclasses import replace

    item = questionnaire.items["q24"]
    assert item.fact is not None
    broken = replace(item, fact=replace(item.fact, column="founding_year"))
    with pytest.raises(FactStorageError, match="founding_year"):
        check_storage(_with_item(questionnaire, broken))


def _with_item(questionnaire: Questionnaire, item: Any) -> Any:
    """A stand-in questionnaire whose facts are the real ones with ``item`` replaced."""

    class Facts:
        facts = tuple(item if i.id == item.id else i for i in questionnaire.facts)
        combined_groupings = questionnaire.combined_groupings
        groupings = questionnaire.groupings

    return Facts()
