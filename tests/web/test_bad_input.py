"""Bad input gets a clear message in the page's language, a 4xx, and no saved answer is lost."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.store import assessments as services
from tests.factories import start_assessment


def stored(app: Flask, token: str) -> dict[str, object]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.answer_map()


@pytest.fixture
def token_with_answers(app: Flask, client: FlaskClient) -> str:
    token = start_assessment(client)
    client.post(f"/en/assessment/{token}/importance", data={"q1": "6", "action": "save"})
    client.post(
        f"/en/assessment/{token}/capacity-communication",
        data={"q4": ["shared_roles"], "q5": ["announce_events"], "action": "save"},
    )
    client.post(f"/en/assessment/{token}/organisation", data={"q22": "executive", "q25": "1_5", "action": "save"})
    return token


BEFORE = {"q1": 6, "q4": ["shared_roles"], "q5": ["announce_events"], "q22": "executive", "q25": "1_5"}


def assert_error_summary(html: str, *messages: str) -> None:
    assert 'class="error-summary"' in html
    for message in messages:
        assert message in html, message


def test_missing_required_answer_keeps_the_other_answers(
    app: Flask, client: FlaskClient, token_with_answers: str
) -> None:
    token = token_with_answers
    response = client.post(
        f"/en/assessment/{token}/organisation", data={"q22": "it_staff", "q25": "6_10", "action": "next"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_error_summary(html, "Please answer this question.", 'href="#q23"', 'href="#q26"')
    assert 'id="q23-error"' in html
    saved = stored(app, token)
    assert saved["q22"] == "it_staff" and saved["q25"] == "6_10"  # valid answers on the page are saved


def test_missing_required_answer_in_french(client: FlaskClient, token_with_answers: str) -> None:
    response = client.post(f"/fr/assessment/{token_with_answers}/organisation", data={"action": "next"})
    assert response.status_code == 400
    assert "Veuillez répondre à cette question." in response.get_data(as_text=True)


def test_back_and_save_do_not_enforce_required_answers(client: FlaskClient, token_with_answers: str) -> None:
    for action in ("back", "save"):
        response = client.post(f"/en/assessment/{token_with_answers}/organisation", data={"action": action})
        assert response.status_code == 302


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        ("capacity-communication", {"q4": ["shared_roles", "bogus"]}, "valid choice"),
        ("capacity-communication", {"q4": ["no_one", "shared_roles"]}, "cannot be combined"),
        ("capacity-communication", {"q4": ["shared_roles", "shared_roles"]}, ""),
        ("organisation", {"q22": "ceo"}, "Not a valid choice"),
        ("organisation", {"q22": "<script>alert(1)</script>"}, "Not a valid choice"),
        ("organisation", {"q22": "' OR 1=1 --"}, "Not a valid choice"),
        ("importance", {"q1": "11"}, "Not a valid choice"),
        ("importance", {"q1": "-1"}, "Not a valid choice"),
        ("importance", {"q1": "7.5"}, "Not a valid choice"),
        ("importance", {"q1": "seven"}, "Not a valid choice"),
        ("concerns", {"q8-privacy": "catastrophic"}, "Not a valid choice"),
    ],
)
def test_invalid_values_are_refused_and_saved_answers_kept(
    app: Flask, client: FlaskClient, token_with_answers: str, page: str, data: dict[str, object], message: str
) -> None:
    response = client.post(f"/en/assessment/{token_with_answers}/{page}", data={**data, "action": "next"})
    html = response.get_data(as_text=True)
    if data.get("q4") == ["shared_roles", "shared_roles"]:  # a repeated box is harmless: stored once
        assert response.status_code == 302
        assert stored(app, token_with_answers)["q4"] == ["shared_roles"]
        return
    assert response.status_code == 400
    assert_error_summary(html, message)
    assert "<script>alert(1)</script>" not in html
    saved = stored(app, token_with_answers)
    refused = next(iter(data)).replace("-", ".")
    assert saved.get(refused) == BEFORE.get(refused), "a refused value never replaces the saved one"
    for key, value in BEFORE.items():
        if key not in QUESTIONNAIRE_PAGE_KEYS[page]:  # other pages are untouched
            assert saved[key] == value, key


QUESTIONNAIRE_PAGE_KEYS = {
    "capacity-communication": {"q4", "q5"},
    "organisation": {"q22", "q23", "q24", "q25", "q26"},
    "importance": {"q1"},
    "concerns": set(),
}


def test_unknown_fields_are_ignored(app: Flask, client: FlaskClient, token_with_answers: str) -> None:
    response = client.post(
        f"/en/assessment/{token_with_answers}/importance",
        data={"q1": "8", "q99": "x", "status": "submitted", "action": "save"},
    )
    assert response.status_code == 302
    saved = stored(app, token_with_answers)
    assert saved["q1"] == 8 and "q99" not in saved and "status" not in saved


def test_unknown_action_is_treated_as_next(client: FlaskClient, token_with_answers: str) -> None:
    response = client.post(f"/en/assessment/{token_with_answers}/importance", data={"q1": "8", "action": "delete"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/internal-tasks")


@pytest.mark.parametrize("task", ["q9", "q2_9", "../../admin", "q3_1"])
def test_tampered_hidden_field_saves_nothing(
    app: Flask, client: FlaskClient, token_with_answers: str, task: str
) -> None:
    client.post(f"/en/assessment/{token_with_answers}/internal-tasks", data={"q2_1": ["email"], "action": "save"})
    response = client.post(
        f"/en/assessment/{token_with_answers}/internal-tasks",
        data={"q2_2": ["video"], "layout": "tasks", "task": task, "action": "next"},
    )
    assert response.status_code == 400
    assert "could not be saved as sent" in response.get_data(as_text=True)
    saved = stored(app, token_with_answers)
    assert saved["q2_1"] == ["email"] and "q2_2" not in saved


def test_oversized_label_is_refused_with_a_message(client: FlaskClient) -> None:
    response = client.post("/en/assessment/", data={"label": "x" * 121})
    assert response.status_code == 400
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)


def test_oversized_body_is_refused(client: FlaskClient, app: Flask, token_with_answers: str) -> None:
    response = client.post(
        f"/en/assessment/{token_with_answers}/importance", data={"q1": "8", "padding": "x" * 400_000}
    )
    assert response.status_code == 413
    assert stored(app, token_with_answers)["q1"] == 6


def test_invalid_utf8_text_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/en/assessment/",
        data=b"label=caf%C3%28%FF",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "characters that could not be read" in response.get_data(as_text=True)


def test_invalid_utf8_option_is_refused(app: Flask, client: FlaskClient, token_with_answers: str) -> None:
    response = client.post(
        f"/en/assessment/{token_with_answers}/organisation",
        data=b"q22=ex%FFecutive&action=save",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert stored(app, token_with_answers)["q22"] == "executive"


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well-formed, unknown
        "short",
        "A" * 44,
        "%00" * 5,
        "..%2F..%2Fetc%2Fpasswd",
        "<script>",
        "ñ" * 43,
    ],
)
def test_unknown_or_malformed_token_gives_the_same_404(client: FlaskClient, token: str) -> None:
    for url in (f"/en/assessment/{token}/", f"/fr/assessment/{token}/importance", f"/en/assessment/{token}/review"):
        response = client.get(url)
        assert response.status_code == 404, url
    html = client.get(f"/fr/assessment/{token}/").get_data(as_text=True)
    assert "Page introuvable" in html


def test_unknown_page_gives_404(client: FlaskClient, token_with_answers: str) -> None:
    assert client.get(f"/en/assessment/{token_with_answers}/no-such-page").status_code == 404
    assert client.post(f"/en/assessment/{token_with_answers}/no-such-page", data={"action": "next"}).status_code == 404


def test_pasted_link_that_opens_nothing(client: FlaskClient) -> None:
    response = client.post("/en/assessment/resume", data={"link": "https://example.org/en/assessment/nothing"})
    assert response.status_code == 404
    assert "We could not find an assessment for this link" in response.get_data(as_text=True)


def test_wrong_method_gives_405_page(client: FlaskClient, token_with_answers: str) -> None:
    assert client.put(f"/en/assessment/{token_with_answers}/importance").status_code == 405
    assert client.get("/en/assessment/resume").status_code in {308, 404, 405}


# ----------------------------------------------------------------------------- CSRF


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


def start_with_csrf(client: FlaskClient) -> str:
    token_value = csrf_token_from(client.get("/en/assessment/").get_data(as_text=True))
    response = client.post("/en/assessment/", data={"csrf_token": token_value})
    assert response.status_code == 302
    return response.headers["Location"].split("/")[3]


def test_missing_csrf_token_keeps_typed_answers_on_screen(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = start_with_csrf(client)
    page = client.get(f"/en/assessment/{token}/capacity-communication").get_data(as_text=True)
    good = csrf_token_from(page)
    client.post(
        f"/en/assessment/{token}/capacity-communication",
        data={"csrf_token": good, "q4": ["volunteers"], "action": "save"},
    )
    response = client.post(
        f"/en/assessment/{token}/capacity-communication",
        data={"q4": ["contractor"], "q5": ["fundraising"], "action": "next"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please press the button again" in html
    assert re.search(r'id="q4-contractor"[^>]*checked', html) and re.search(r'id="q5-fundraising"[^>]*checked', html)
    assert stored(csrf_app, token)["q4"] == ["volunteers"]  # nothing saved without a valid token, nothing lost
    # The page came back with a fresh token: pressing the button again now saves.
    retry = client.post(
        f"/en/assessment/{token}/capacity-communication",
        data={"csrf_token": csrf_token_from(html), "q4": ["contractor"], "q5": ["fundraising"], "action": "next"},
    )
    assert retry.status_code == 302
    assert stored(csrf_app, token)["q4"] == ["contractor"]


def test_page_left_open_eight_hours_still_saves(csrf_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = csrf_app.test_client()
    token = start_with_csrf(client)
    good = csrf_token_from(client.get(f"/en/assessment/{token}/importance").get_data(as_text=True))
    later = time.time() + 8 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(f"/en/assessment/{token}/importance", data={"csrf_token": good, "q1": "9", "action": "next"})
    assert response.status_code == 302
    assert stored(csrf_app, token)["q1"] == 9


def test_expired_csrf_token_keeps_answers_and_asks_again(csrf_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = csrf_app.test_client()
    token = start_with_csrf(client)
    good = csrf_token_from(client.get(f"/fr/assessment/{token}/importance").get_data(as_text=True))
    later = time.time() + 30 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(f"/fr/assessment/{token}/importance", data={"csrf_token": good, "q1": "9", "action": "next"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="q1-9"[^>]*checked', html)
    assert "Veuillez appuyer de nouveau sur le bouton" in html


def test_csrf_token_from_another_session_is_refused(csrf_app: Flask) -> None:
    alice, mallory = csrf_app.test_client(), csrf_app.test_client()
    token = start_with_csrf(alice)
    foreign = csrf_token_from(mallory.get("/en/assessment/").get_data(as_text=True))
    response = alice.post(
        f"/en/assessment/{token}/importance", data={"csrf_token": foreign, "q1": "1", "action": "next"}
    )
    assert response.status_code == 400
    assert "q1" not in stored(csrf_app, token)


def test_start_without_csrf_token_creates_nothing(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    response = client.post("/en/assessment/", data={"label": "x"})
    assert response.status_code == 400
    from benchmark.extensions import db
    from benchmark.store.models import Assessment

    with csrf_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 0
