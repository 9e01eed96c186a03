"""Issue 14 item 3, the action plan: steps, funding lines, the 90-day check (.ics), the bilingual
funding-needs statement (PDF and .docx), the plan carried into "take again", deletion; and item 8,
the done page's results link with its copy button."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from icalendar import Calendar

from benchmark.extensions import db
from benchmark.organisations.plan import services as plan_services
from benchmark.store import assessments as services
from benchmark.store.models import ActionPlanStep, FundingLine, Organisation, utcnow
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import BASE_ANSWERS, first_answers, make_app, reset, seed_submission

DUE = (date.today() + timedelta(days=30)).isoformat()
PUBLIC = "https://benchmark.example.ca"


def plan_url(token: str, lang: str = "en", rest: str = "") -> str:
    return f"/{lang}/results/{token}/plan{rest}"


def first_choice(app: Flask, token: str) -> plan_services.StepChoice:
    with app.test_request_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return plan_services.step_choices(assessment)[0]


def add_custom_step(client: FlaskClient, token: str, text: str = "Buy two laptops", **fields: str) -> None:
    data = {"custom_text": text, "owner": "Executive director", "due_on": DUE, "status": "todo", **fields}
    response = client.post(plan_url(token, rest="/step/new"), data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def steps(app: Flask) -> list[ActionPlanStep]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(ActionPlanStep).order_by(ActionPlanStep.id)))
        db.session.expunge_all()
        return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_step_picked_from_the_recommendations_shows_in_the_page_language(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    choice = first_choice(app, token)
    page = client.get(plan_url(token, lang, "/step/new"))
    assert page.status_code == 200
    assert choice.text.get(lang) in page.get_data(as_text=True)
    response = client.post(
        plan_url(token, lang, "/step/new"),
        data={"choice": choice.value, "owner": "Coordonnatrice", "due_on": DUE, "status": "in_progress"},
    )
    assert response.status_code == 303
    (step,) = steps(app)
    assert step.recommendation_id == choice.recommendation.id
    assert step.custom_text is None and step.status == "in_progress"
    html = client.get(plan_url(token, lang)).get_data(as_text=True)
    assert choice.text.get(lang) in html and "Coordonnatrice" in html
    assert ("En cours" if lang == "fr" else "In progress") in html


def test_a_custom_step_is_created_edited_and_deleted(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    with app.app_context():
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
        recommendation = app.extensions["content"].rules.recommendations[-1].id
    add_custom_step(client, token, dimension=dimension, recommendation_id=recommendation, note="Ask the board")
    (step,) = steps(app)
    assert (step.custom_text, step.dimension, step.recommendation_id) == ("Buy two laptops", dimension, recommendation)
    edit = client.get(plan_url(token, rest=f"/step/{step.id}")).get_data(as_text=True)
    assert "Buy two laptops" in edit and "Ask the board" in edit
    response = client.post(
        plan_url(token, rest=f"/step/{step.id}"),
        data={"custom_text": "Buy three laptops", "owner": "Board", "due_on": DUE, "status": "done", "note": ""},
    )
    assert response.status_code == 303
    (step,) = steps(app)
    assert (step.custom_text, step.owner, step.status, step.note) == ("Buy three laptops", "Board", "done", "")
    assert client.post(plan_url(token, rest=f"/step/{step.id}/delete")).status_code == 303
    assert steps(app) == []
    assert client.get(plan_url(token, rest=f"/step/{step.id}")).status_code == 404


@pytest.mark.parametrize(
    ("lang", "owner_message", "date_message", "text_message"),
    [
        ("en", "Please say who owns this step.", "Not a valid date value.", "write your own"),
        ("fr", "Veuillez indiquer qui est responsable de cette étape.", "date valide", "rédigez la vôtre"),
    ],
)
def test_errors_are_listed_in_the_page_language_and_nothing_typed_is_lost(
    app: Flask, client: FlaskClient, lang: str, owner_message: str, date_message: str, text_message: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    response = client.post(
        plan_url(token, lang, "/step/new"),
        data={"custom_text": "", "owner": "", "due_on": "2026-02-31", "status": "done", "note": "Kept note é"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert owner_message.replace("'", "&#39;") in html and date_message in html and text_message in html
    assert 'href="#owner"' in html and 'href="#due_on"' in html and 'href="#custom_text"' in html
    assert 'value="2026-02-31"' in html and "Kept note é" in html
    assert re.search(r'value="done"\s+checked', html)
    assert steps(app) == []


def test_hostile_step_input_is_refused_without_a_500(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    for data in (
        {"choice": "nope:99", "owner": "A", "due_on": DUE, "status": "todo"},
        {"custom_text": "x", "owner": "A", "due_on": DUE, "status": "finished"},
        {"custom_text": "x", "owner": "A" * 500, "due_on": DUE, "status": "todo"},
        {"custom_text": "x\x00", "owner": "A", "due_on": DUE, "status": "todo", "dimension": "ZZ"},
        {"custom_text": "x", "owner": "A", "due_on": "99999-01-01", "status": "todo", "recommendation_id": "R99"},
    ):
        assert client.post(plan_url(token, rest="/step/new"), data=data).status_code == 400, data
    assert steps(app) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funding_lines_are_added_checked_and_removed(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    with app.app_context():
        dimension = app.extensions["content"].rubric.dimension_ids()[1]
    bad = client.post(
        plan_url(token, lang),
        data={"dimension": dimension, "category": "training", "amount": "12.50", "description": "Kept"},
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert ("dollars entiers" if lang == "fr" else "whole dollars, for example 1,200") in html
    assert 'value="12.50"' in html and 'value="Kept"' in html
    good = client.post(
        plan_url(token, lang),
        data={"dimension": dimension, "category": "hardware", "amount": "$1,200", "description": "Two laptops"},
    )
    assert good.status_code == 303
    with app.app_context():
        (line,) = db.session.scalars(sa.select(FundingLine))
        assert (line.dimension, line.category, line.amount, line.description) == (
            dimension,
            "hardware",
            1200,
            "Two laptops",
        )
        line_id = line.id
    page = client.get(plan_url(token, lang)).get_data(as_text=True)
    assert ("1\u00a0200\u00a0$" if lang == "fr" else "$1,200") in page
    assert client.post(plan_url(token, lang, f"/funding/{line_id}/delete")).status_code == 303
    assert client.post(plan_url(token, lang, f"/funding/{line_id}/delete")).status_code == 404
    for amount in ("-5", "", "10000001", "1e3", "٣"):
        data = {"dimension": dimension, "category": "training", "amount": amount}
        assert client.post(plan_url(token, lang), data=data).status_code == 400, amount
    assert (
        client.post(plan_url(token, lang), data={"dimension": "ZZ", "category": "x", "amount": "5"}).status_code == 400
    )


@pytest.fixture
def public_app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, PUBLIC_BASE_URL=PUBLIC)
    yield app
    reset(app)


def test_the_90_day_check_is_a_calendar_event_with_the_private_plan_link(public_app: Flask) -> None:
    client = public_app.test_client()
    token = seed_submission(public_app, BASE_ANSWERS)
    assert client.get(plan_url(token, rest="/check.ics")).status_code == 404  # no plan yet
    add_custom_step(client, token)
    response = client.get(plan_url(token, rest="/check.ics"), headers={"Host": "evil.example"})
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == utcnow().date() + timedelta(days=90)
    description = str(event.get("description"))
    assert f"{PUBLIC}/en/results/{token}/plan" in description and "evil.example" not in description
    assert len(event.walk("VALARM")) == 1
    again = Calendar.from_ical(client.get(plan_url(token, "fr", "/check.ics")).data)
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])
    plan = client.get(plan_url(token)).get_data(as_text=True)
    due = (utcnow().date() + timedelta(days=90)).strftime("%B")
    assert "90-day check due on" in plan and due in plan
    results = client.get(f"/en/results/{token}").get_data(as_text=True)
    assert "90-day check due on" in results and f"/en/results/{token}/plan" in results


def funded_plan(app: Flask, client: FlaskClient) -> str:
    token = seed_submission(app, BASE_ANSWERS)
    choice = first_choice(app, token)
    with app.app_context():
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
    client.post(
        plan_url(token, rest="/step/new"),
        data={"choice": choice.value, "owner": "ED", "due_on": DUE, "status": "todo", "dimension": dimension},
    )
    client.post(
        plan_url(token),
        data={"dimension": dimension, "category": "staff_time", "amount": "4500", "description": "Coordinator"},
    )
    return token


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_funding_statement_pdf_carries_both_languages(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    token = funded_plan(app, client)
    response = client.get(plan_url(token, "fr", "/funding-statement.pdf"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    path = tmp_path / "statement.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True)
    flat = " ".join(text.stdout.split())
    assert "Funding-needs statement" in flat and "Énoncé des besoins de financement" in flat
    assert "$4,500" in flat and "4 500 $" in flat and "Staff time" in flat and "Temps du personnel" in flat
    assert "Recommendation " in flat and "Recommandation " in flat


def test_the_funding_statement_docx_carries_both_languages_and_the_amounts(app: Flask, client: FlaskClient) -> None:
    token = funded_plan(app, client)
    response = client.get(plan_url(token, rest="/funding-statement.docx"))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Funding-needs statement" in text and "Énoncé des besoins de financement" in text
    assert "$4,500" in cells and "4\u00a0500\u00a0$" in cells and "Coordinator" in cells
    assert "Total of all cost lines: $4,500" in text


def test_the_plan_is_carried_into_take_again_with_what_moved(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    add_custom_step(client, token, status="done")
    response = client.post(f"/en/results/{token}/again")
    new_token = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", response.headers["Location"]).group(1)  # type: ignore[union-attr]
    assert client.get(plan_url(new_token)).status_code == 404  # a draft has no plan page yet
    answers = first_answers(app)
    with app.app_context():
        draft = services.find_by_token(new_token)
        services.save_answers(draft, answers, "organisation")
        services.submit(draft, stored_scores(profile_of(answers)))
    html = client.get(plan_url(new_token)).get_data(as_text=True)
    assert "Buy two laptops" in html
    assert "What moved since your previous assessment" in html and "1 of the plan" in html
    french = client.get(plan_url(new_token, "fr")).get_data(as_text=True)
    assert "Ce qui a bougé depuis votre évaluation précédente" in french
    assert "Buy two laptops" in client.get(plan_url(token)).get_data(as_text=True)  # the older link opens it too


def test_deleting_the_last_assessment_deletes_the_plan(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    add_custom_step(client, first)
    client.post(f"/en/results/{first}/again")
    with app.app_context():
        organisation_id = services.find_by_token(first).organisation_id  # type: ignore[union-attr]
        second = db.session.scalar(sa.select(services.Assessment).where(services.Assessment.status == "draft"))
        assert second is not None
        services.delete_assessment(second)
    assert len(steps(app)) == 1  # the organisation still has an assessment
    client.post(plan_url(first), data={"dimension": "", "category": "training", "amount": "1"})
    with app.app_context():
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
    client.post(plan_url(first), data={"dimension": dimension, "category": "training", "amount": "1"})
    assert client.post(f"/en/results/{first}/delete").status_code == 303
    assert steps(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FundingLine)) == 0
        assert db.session.get(Organisation, organisation_id) is None
    assert client.get(plan_url(first)).status_code == 404


def test_unknown_tokens_drafts_and_other_organisations_steps_are_404(app: Flask, client: FlaskClient) -> None:
    mine = seed_submission(app, BASE_ANSWERS)
    theirs = seed_submission(app, BASE_ANSWERS)
    add_custom_step(client, theirs)
    (their_step,) = steps(app)
    unknown = "A" * 43
    for rest in ("", "/step/new", "/check.ics", "/funding-statement.pdf", "/funding-statement.docx"):
        assert client.get(plan_url(unknown, rest=rest)).status_code == 404, rest
        assert client.get(plan_url("not-a-token", rest=rest)).status_code == 404, rest
    assert client.get(plan_url(mine, rest=f"/step/{their_step.id}")).status_code == 404
    assert client.post(plan_url(mine, rest=f"/step/{their_step.id}/delete")).status_code == 404
    assert client.get(plan_url(mine, rest="/step/99999999999999")).status_code == 404
    assert len(steps(app)) == 1


def test_plan_changes_need_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = seed_submission(csrf_app, BASE_ANSWERS)
    data = {"custom_text": "Kept words", "owner": "ED", "due_on": DUE, "status": "todo"}
    refused = client.post(plan_url(token, rest="/step/new"), data=data)
    assert refused.status_code == 400 and "Kept words" in refused.get_data(as_text=True)
    assert client.post(plan_url(token), data={"category": "training", "amount": "5"}).status_code == 400
    assert steps(csrf_app) == []
    with csrf_app.app_context():
        organisation_id = services.find_by_token(token).organisation_id  # type: ignore[union-attr]
        plan_services.add_step(
            organisation_id,
            plan_services.StepFields("", "x", "", "", "ED", date.today(), "todo", ""),
        )
    (step,) = steps(csrf_app)
    assert client.post(plan_url(token, rest=f"/step/{step.id}/delete")).status_code == 400
    assert len(steps(csrf_app)) == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_done_page_gives_the_results_link_with_a_copy_button(public_app: Flask, lang: str) -> None:
    client = public_app.test_client()
    token = seed_submission(public_app, BASE_ANSWERS)
    html = client.get(f"/{lang}/assessment/{token}/done", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert f'value="{PUBLIC}/{lang}/results/{token}"' in html
    assert f"/{lang}/assessment/{token}/" not in html.split('id="private-link"')[1].split(">")[0]
    assert 'data-copy="private-link"' in html and 'role="status"' in html
    assert ("Lien copié." if lang == "fr" else "Link copied.") in html
    assert "evil.example" not in html


def test_migration_0010_adds_and_removes_the_plan_tables(database_url: str, _schema: None) -> None:
    """Down to 0009 and up again (SQLite and PostgreSQL): the tables go and come back, other data stays."""
    app = make_app(database_url)
    try:
        token = seed_submission(app, BASE_ANSWERS)
        with app.app_context():
            downgrade(revision="0009")
            tables = set(sa.inspect(db.engine).get_table_names())
            assert not {"action_plan_step", "funding_line"} & tables
            upgrade()
            db.session.remove()
            assert {"action_plan_step", "funding_line"} <= set(sa.inspect(db.engine).get_table_names())
        client = app.test_client()
        add_custom_step(client, token)
        assert len(steps(app)) == 1
    finally:
        reset(app)


def test_a_picked_step_whose_rule_no_longer_fires_can_still_be_edited(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    with app.test_request_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        fired = {choice.value.split(":")[0] for choice in plan_services.step_choices(assessment)}
        rule = next(r for r in app.extensions["content"].rules.rules if r.id not in fired and r.steps)
        step = plan_services.add_step(
            assessment.organisation_id,
            plan_services.StepFields(f"{rule.id}:0", "", "", "", "ED", date.today(), "todo", ""),
        )
        step_id = step.id
    page = client.get(plan_url(token, rest=f"/step/{step_id}")).get_data(as_text=True)
    assert rule.steps[0].en.replace("'", "&#39;") in page
    data = {"choice": f"{rule.id}:0", "owner": "Board", "due_on": DUE, "status": "done"}
    assert client.post(plan_url(token, rest=f"/step/{step_id}"), data=data).status_code == 303
    (saved,) = steps(app)
    assert (saved.rule_id, saved.recommendation_id, saved.status) == (rule.id, rule.recommendation, "done")
