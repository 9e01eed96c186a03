"""Two windows of one page: a save from an older revision never drops an answer saved meanwhile.

Each "tab" GETs the page and posts back its hidden fields (revision and the signed base),
as a browser does.  Different keys merge (both kept); the same key changed differently in
both gives the conflict page, which keeps both versions until the person chooses.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.questionnaire import describe_answer
from benchmark.organisations.assessment import conflicts
from benchmark.store import assessments as services
from tests.factories import start_assessment

PAGE = "capacity-communication"
COMBINED = "Your answers were combined with answers saved in another window."
HIDDEN = re.compile(r'<input[^>]*name="(revision|base|layout|task|return_to|state)"[^>]*value="([^"]*)"')


def hidden_fields(page_html: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page_html)}


class Tab:
    """One browser window of a page: loads it once, then posts what it shows."""

    def __init__(self, client: FlaskClient, token: str, page: str = PAGE, query: str = "", lang: str = "en") -> None:
        self.client = client
        self.url = f"/{lang}/assessment/{token}/{page}"
        self.hidden = hidden_fields(client.get(self.url + query).get_data(as_text=True))
        assert self.hidden["base"]

    def post(self, answers: dict[str, Any], action: str = "save") -> Any:
        return self.client.post(self.url, data={**self.hidden, **answers, "action": action})


def stored(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.answer_map()


def described(app: Flask, key: str, value: object, lang: str = "en") -> str:
    item = app.extensions["content"].questionnaire.items[key]
    text = describe_answer(item, value, lang)
    assert text
    return text


def resolve(client: FlaskClient, url: str, conflict_page: str, choices: dict[str, str]) -> Any:
    fields = hidden_fields(conflict_page)
    return client.post(url, data={**fields, **{f"choice-{k}": v for k, v in choices.items()}, "action": "resolve"})


@pytest.mark.parametrize("first", ["A", "B"])
def test_different_keys_from_two_windows_are_both_kept(app: Flask, client: FlaskClient, first: str) -> None:
    """The attack: A saves q4, B (loaded before) saves q5 only; B's empty q4 must not clear A's answer."""
    token = start_assessment(client)
    tabs = {"A": Tab(client, token), "B": Tab(client, token)}
    answers = {"A": {"q4": ["shared_roles"]}, "B": {"q5": ["fundraising"]}}
    second = "B" if first == "A" else "A"
    assert tabs[first].post(answers[first]).status_code == 302
    response = tabs[second].post(answers[second])
    assert response.status_code == 302
    assert stored(app, token) == {"q4": ["shared_roles"], "q5": ["fundraising"]}
    assert COMBINED in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_combined_notice_speaks_french(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client, "fr")
    first, second = Tab(client, token, lang="fr"), Tab(client, token, lang="fr")
    first.post({"q4": ["contractor"]})
    response = second.post({"q5": ["fundraising"]})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vos réponses ont été combinées avec les réponses enregistrées dans une autre fenêtre." in page
    assert stored(app, token) == {"q4": ["contractor"], "q5": ["fundraising"]}


def test_a_clear_made_in_this_window_is_saved(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    Tab(client, token).post({"q4": ["contractor"]})
    here, other = Tab(client, token), Tab(client, token)
    other.post({"q4": ["contractor"], "q5": ["fundraising"]})
    assert here.post({}).status_code == 302  # this window unticked q4 (and never touched q5)
    assert stored(app, token) == {"q5": ["fundraising"]}


@pytest.mark.parametrize("choice", ["stored", "mine"])
@pytest.mark.parametrize("first", ["A", "B"])
def test_same_key_changed_in_both_windows_asks_which_to_keep(
    app: Flask, client: FlaskClient, first: str, choice: str
) -> None:
    token = start_assessment(client)
    tabs = {"A": Tab(client, token), "B": Tab(client, token)}
    values = {"A": ["shared_roles"], "B": ["volunteers"]}
    second = "B" if first == "A" else "A"
    assert tabs[first].post({"q4": values[first]}).status_code == 302
    response = tabs[second].post({"q4": values[second], "q5": ["fundraising"]})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Choose which answers to keep" in page
    assert html.escape(f"Saved in another window: {described(app, 'q4', values[first])}") in page
    assert html.escape(f"This window: {described(app, 'q4', values[second])}") in page
    assert '<fieldset class="question" id="choice-q4">' in page
    # Nothing is written for the conflicting key until the person chooses; the other key is saved.
    assert stored(app, token) == {"q4": values[first], "q5": ["fundraising"]}

    response = resolve(client, tabs[second].url, page, {"q4": choice})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/{PAGE}")
    kept = values[first] if choice == "stored" else values[second]
    assert stored(app, token) == {"q4": kept, "q5": ["fundraising"]}
    assert "Your choices were saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_conflict_page_speaks_french(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client, "fr")
    first, second = Tab(client, token, lang="fr"), Tab(client, token, lang="fr")
    first.post({"q4": ["contractor"]})
    page = second.post({"q4": ["volunteers"]}).get_data(as_text=True)
    assert "Choisissez les réponses à conserver" in page
    assert f"Enregistrée dans une autre fenêtre\u00a0: {described(app, 'q4', ['contractor'], 'fr')}" in page
    assert f"Cette fenêtre\u00a0: {described(app, 'q4', ['volunteers'], 'fr')}" in page


def conflict(app: Flask, client: FlaskClient) -> tuple[str, Tab, str]:
    token = start_assessment(client)
    first, second = Tab(client, token), Tab(client, token)
    first.post({"q4": ["contractor"]})
    response = second.post({"q4": ["volunteers"]})
    assert response.status_code == 409
    return token, second, response.get_data(as_text=True)


def test_a_choice_is_required(app: Flask, client: FlaskClient) -> None:
    token, tab, page = conflict(app, client)
    response = resolve(client, tab.url, page, {})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Please choose which answer to keep." in text and 'href="#choice-q4"' in text
    assert stored(app, token) == {"q4": ["contractor"]}
    assert resolve(client, tab.url, text, {"q4": "mine"}).status_code == 302
    assert stored(app, token) == {"q4": ["volunteers"]}


@pytest.mark.parametrize("state", ["", "forged", "other-page"])
def test_a_damaged_conflict_state_writes_nothing(app: Flask, client: FlaskClient, state: str) -> None:
    token, tab, page = conflict(app, client)
    fields = hidden_fields(page)
    if state == "forged":
        fields["state"] = fields["state"][:-3] + "AAA"
    elif state == "other-page":
        tab.url = tab.url.replace(PAGE, "importance")
    else:
        fields["state"] = ""
    response = client.post(tab.url, data={**fields, "choice-q4": "mine", "action": "resolve"})
    assert response.status_code == 400
    assert "This page could not be saved as sent" in response.get_data(as_text=True)
    assert stored(app, token) == {"q4": ["contractor"]}


def test_a_third_window_during_the_choice_is_caught_again(app: Flask, client: FlaskClient) -> None:
    token, tab, page = conflict(app, client)
    Tab(client, token).post({"q4": ["shared_service"]})
    response = resolve(client, tab.url, page, {"q4": "stored"})  # "stored" was contractor, now shared_service
    assert response.status_code == 302  # keeping "the other window's" answer keeps the newest one
    assert stored(app, token) == {"q4": ["shared_service"]}

    token, tab, page = conflict(app, client)
    Tab(client, token).post({"q4": ["shared_service"]})
    response = resolve(client, tab.url, page, {"q4": "mine"})
    assert response.status_code == 409
    assert html.escape(f"Saved in another window: {described(app, 'q4', ['shared_service'])}") in (
        response.get_data(as_text=True)
    )
    assert stored(app, token) == {"q4": ["shared_service"]}


def test_a_stale_bare_revision_without_base_treats_any_difference_as_a_conflict(
    app: Flask, client: FlaskClient
) -> None:
    token = start_assessment(client)
    old = Tab(client, token)
    Tab(client, token).post({"q4": ["contractor"]})
    response = client.post(old.url, data={"revision": old.hidden["revision"], "q5": ["fundraising"], "action": "save"})
    assert response.status_code == 409
    assert 'id="choice-q4"' in response.text and 'id="choice-q5"' in response.text
    assert stored(app, token) == {"q4": ["contractor"]}


def test_required_answers_saved_elsewhere_count_on_next(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    here, other = Tab(client, token, "organisation"), Tab(client, token, "organisation")
    required = {"q23": "yes_current", "q25": "6_10", "q26": ["on"]}
    assert other.post(required, action="next").status_code == 302
    response = here.post({"q22": stored(app, token).get("q22") or ""}, action="next")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert stored(app, token) == required
    # With nothing saved elsewhere, a required answer left empty is still refused.
    fresh = start_assessment(client)
    response = Tab(client, fresh, "organisation").post({"q23": "yes_current"}, action="next")
    assert response.status_code == 400
    assert "Please answer this question." in response.get_data(as_text=True)


def test_one_task_per_screen_conflict_returns_to_the_task(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client)
    query = "?layout=tasks&task=q2_2"
    grid, task = Tab(client, token, "internal-tasks"), Tab(client, token, "internal-tasks", query)
    assert task.hidden["task"] == "q2_2" and task.hidden["layout"] == "tasks"
    grid.post({"q2_1": ["email"], "q2_2": ["video"]})
    response = task.post({"q2_2": ["cloud"]}, action="next")
    assert response.status_code == 409
    response = resolve(client, task.url, response.get_data(as_text=True), {"q2_2": "mine"})
    assert response.headers["Location"].endswith(f"/internal-tasks{query}")
    assert stored(app, token) == {"q2_1": ["email"], "q2_2": ["cloud"]}


def csrf_token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "no CSRF token in page"
    return match.group(1)


def test_an_expired_security_check_shows_the_choices_again(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    started = client.post("/en/assessment/", data={"csrf_token": csrf_token_from(client.get("/en/assessment/").text)})
    token = started.headers["Location"].split("/")[3]
    first, second = Tab(client, token), Tab(client, token)
    good = csrf_token_from(client.get(first.url).text)
    assert first.post({"q4": ["contractor"], "csrf_token": good}).status_code == 302
    response = second.post({"q4": ["volunteers"], "csrf_token": good})
    assert response.status_code == 409
    fields = hidden_fields(response.text)
    response = client.post(second.url, data={**fields, "choice-q4": "mine", "action": "resolve", "csrf_token": "x"})
    assert response.status_code == 400
    assert "Please press the button again" in response.text
    assert re.search(r'id="choice-q4-mine"[^>]*checked', response.text)
    assert stored(csrf_app, token) == {"q4": ["contractor"]}
    again = {**hidden_fields(response.text), "csrf_token": csrf_token_from(response.text)}
    response = client.post(second.url, data={**again, "choice-q4": "mine", "action": "resolve"})
    assert response.status_code == 302
    assert stored(csrf_app, token) == {"q4": ["volunteers"]}


@pytest.mark.parametrize(
    ("posted", "stored_now", "loaded", "expected"),
    [
        ({"q4": ["b"]}, {"q4": ["a"]}, {}, ({}, {}, {"q4": (["a"], ["b"])})),  # both changed
        ({"q4": None}, {"q4": ["a"]}, {}, ({}, {"q4": ["a"]}, {})),  # only the store changed
        ({"q4": None}, {}, {"q4": ["a"]}, ({}, {}, {})),  # cleared in both
        ({"q4": ["b", "a"]}, {"q4": ["a", "b"]}, {}, ({}, {}, {})),  # same selection, other order
        ({"q4": ["b"]}, {"q4": ["a"]}, {"q4": ["a"]}, ({"q4": ["b"]}, {}, {})),  # only this window changed
        ({"q1": 3}, {"q1": 3}, None, ({}, {}, {})),
        ({"q1": None}, {"q1": 3}, None, ({}, {}, {"q1": (3, None)})),  # values unknown: a conflict
    ],
)
def test_merge_answers(posted: Any, stored_now: Any, loaded: Any, expected: Any) -> None:
    assert services.merge_answers(posted, stored_now, loaded) == expected


def test_a_base_signed_for_another_draft_counts_as_a_bare_revision(app: Flask, client: FlaskClient) -> None:
    token, elsewhere = start_assessment(client), start_assessment(client)
    old = Tab(client, token)
    foreign = Tab(client, elsewhere).hidden["base"]
    Tab(client, token).post({"q4": ["contractor"]})
    response = client.post(old.url, data={**old.hidden, "base": foreign, "q5": ["fundraising"], "action": "save"})
    assert response.status_code == 409  # the values shown are unknown: nothing is dropped on a guess
    assert stored(app, token) == {"q4": ["contractor"]}


def test_the_signed_base_is_read_only_for_a_stale_save(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking the signed base costs more than a save's statements: a save that is not stale never reads it."""
    token = start_assessment(client)
    reads: list[str] = []
    read_base = conflicts.read_base

    def counted(text: str | None, *args: Any) -> Any:
        reads.append(str(text))
        return read_base(text, *args)

    monkeypatch.setattr(conflicts, "read_base", counted)
    old, fresh = Tab(client, token), Tab(client, token)
    assert fresh.post({"q4": ["contractor"]}).status_code == 302  # the revision it was loaded at: written as given
    assert reads == []
    assert old.post({"q5": ["fundraising"]}).status_code == 302  # stale: merged with the values it showed
    assert reads == [old.hidden["base"]]
    assert stored(app, token) == {"q4": ["contractor"], "q5": ["fundraising"]}
