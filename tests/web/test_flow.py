"""The questionnaire flow end to end: start, every page, review, submit, resume, languages."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store.models import Answer, Assessment
from tests.factories import page_answers, page_ids, start_assessment


def stored_answers(app: Flask, token: str) -> dict[str, object]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.answer_map()


def assessment_row(app: Flask, token: str) -> Assessment:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        db.session.expunge(assessment)
        return assessment


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"),
        ("fr-CA", "/fr/"),
        ("en-CA,en;q=0.8", "/en/"),
        ("de", "/en/"),
        (None, "/en/"),
    ],
)
def test_root_redirects_by_accept_language(client: FlaskClient, header: str | None, expected: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_declare_their_language(client: FlaskClient, lang: str) -> None:
    for url in (f"/{lang}/", f"/{lang}/assessment/", f"/{lang}/privacy"):
        html = client.get(url).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html


def test_unknown_language_prefix_gives_a_bilingual_404(client: FlaskClient) -> None:
    response = client.get("/de/assessment/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "Page introuvable" in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_full_walkthrough_submits_every_answer(app: Flask, client: FlaskClient, lang: str) -> None:
    token = start_assessment(client, lang, label="Spring review")
    expected: dict[str, object] = {}
    for page_id in page_ids(app):
        data = page_answers(app, page_id)
        response = client.post(f"/{lang}/assessment/{token}/{page_id}", data={**data, "action": "next"})
        assert response.status_code == 302, (page_id, response.get_data(as_text=True)[:500])
        expected.update(data)
    assert response.headers["Location"].endswith(f"/{lang}/assessment/{token}/review")

    review = client.get(f"/{lang}/assessment/{token}/review")
    assert review.status_code == 200
    response = client.post(f"/{lang}/assessment/{token}/review")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{lang}/assessment/{token}/done")

    row = assessment_row(app, token)
    assert row.status == "submitted" and row.is_latest and row.label == "Spring review"
    saved = stored_answers(app, token)
    assert len(saved) == len(expected)
    assert saved["q1"] == 7
    done = client.get(f"/{lang}/assessment/{token}/done").get_data(as_text=True)
    assert token in done  # the private results link
    assert ("Your answers are submitted" if lang == "en" else "Vos réponses sont transmises") in done


def test_organisation_facts_are_copied_for_grouping(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(
        f"/en/assessment/{token}/organisation",
        data={"q23": "yes_current", "q25": "6_10", "q26": ["on", "qc"], "action": "save"},
    )
    row = assessment_row(app, token)
    assert (row.funding, row.size_band) == ("yes_current", "6_10")
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        assert sorted(r.region for r in assessment.regions) == ["on", "qc"]


def test_resume_link_restores_page_and_answers(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/importance", data={"q1": "9", "action": "next"})
    client.post(
        f"/en/assessment/{token}/internal-tasks",
        data={"q2_1": ["email", "cloud"], "q2_4": ["none"], "action": "save"},
    )
    fresh_browser = app.test_client()
    response = fresh_browser.get(f"/en/assessment/{token}/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/internal-tasks")
    html = fresh_browser.get(response.headers["Location"]).get_data(as_text=True)
    for box in ("q2_1-email", "q2_1-cloud", "q2_4-none"):
        assert re.search(rf'id="{box}"[^>]*checked', html), box
    assert not re.search(r'id="q2_1-video"[^>]*checked', html)


def test_resume_by_pasting_the_link(client: FlaskClient) -> None:
    token = start_assessment(client)
    response = client.post("/en/assessment/resume", data={"link": f"  https://example.org/en/assessment/{token}/  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/")


def test_switching_language_mid_way_keeps_answers(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client, "en")
    client.post(f"/en/assessment/{token}/capacity-communication", data={"q4": ["shared_roles"], "action": "save"})
    english = client.get(f"/en/assessment/{token}/capacity-communication").get_data(as_text=True)
    assert f'href="/fr/assessment/{token}/capacity-communication"' in english
    french = client.get(f"/fr/assessment/{token}/capacity-communication").get_data(as_text=True)
    assert '<html lang="fr">' in french
    assert re.search(r'id="q4-shared_roles"[^>]*checked', french)
    assert "Les rôles et responsabilités numériques sont partagés entre les employés" in french
    assert f'href="/en/assessment/{token}/capacity-communication"' in french


def test_toggle_keeps_one_task_per_screen_mode(client: FlaskClient) -> None:
    token = start_assessment(client)
    html = client.get(f"/en/assessment/{token}/internal-tasks?layout=tasks&task=q2_3").get_data(as_text=True)
    assert f'href="/fr/assessment/{token}/internal-tasks?layout=tasks&amp;task=q2_3"' in html
    assert "Task 3 of 4" in html


def test_one_task_per_screen_saves_only_that_task(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/internal-tasks", data={"q2_1": ["email"], "q2_2": ["video"], "action": "save"})
    response = client.post(
        f"/en/assessment/{token}/internal-tasks",
        data={"q2_2": ["cloud"], "layout": "tasks", "task": "q2_2", "action": "next"},
    )
    assert response.headers["Location"].endswith("internal-tasks?layout=tasks&task=q2_3")
    saved = stored_answers(app, token)
    assert saved["q2_1"] == ["email"] and saved["q2_2"] == ["cloud"]


def test_back_saves_and_goes_to_the_previous_page(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    response = client.post(f"/en/assessment/{token}/concerns", data={"q8-privacy": "major", "action": "back"})
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/strategy-infrastructure")
    assert stored_answers(app, token)["q8.privacy"] == "major"


def test_unticking_everything_clears_the_saved_answer(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/capacity-communication", data={"q5": ["fundraising"], "action": "save"})
    client.post(f"/en/assessment/{token}/capacity-communication", data={"action": "save"})
    assert "q5" not in stored_answers(app, token)


def test_change_link_from_review_returns_to_review(client: FlaskClient) -> None:
    token = start_assessment(client)
    review = client.get(f"/en/assessment/{token}/review").get_data(as_text=True)
    assert f"/en/assessment/{token}/concerns?return_to=review" in review
    response = client.post(f"/en/assessment/{token}/concerns", data={"return_to": "review", "action": "next"})
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/review")


def test_token_is_stored_only_as_a_hash(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    with app.app_context():
        hashes = [a.token_hash for a in db.session.scalars(db.select(Assessment))]
    assert hashes == [services.hash_token(token)]
    assert token not in hashes[0]


def test_submitted_assessment_cannot_be_changed_through_its_link(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/organisation", data={**page_answers(app, "organisation"), "action": "next"})
    client.post(f"/en/assessment/{token}/importance", data={"q1": "3", "action": "save"})
    assert client.post(f"/en/assessment/{token}/review").status_code == 302
    response = client.post(f"/en/assessment/{token}/importance", data={"q1": "10", "action": "next"})
    assert response.status_code == 409
    assert client.post(f"/en/assessment/{token}/review").status_code == 409
    assert stored_answers(app, token)["q1"] == 3
    assert client.get(f"/en/assessment/{token}/importance").headers["Location"].endswith("/done")


def test_answers_live_in_one_row_per_key(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    client.post(
        f"/en/assessment/{token}/concerns", data={"q8-privacy": "major", "q8-hardware": "minor", "action": "save"}
    )
    with app.app_context():
        keys = sorted(db.session.scalars(db.select(Answer.key)))
    assert keys == ["q8.hardware", "q8.privacy"]
