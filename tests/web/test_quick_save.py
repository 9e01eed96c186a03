"""A save read without WTForms accepts only what the WTForms form accepts, with the same answers (issue 18).

Each post is read twice in one request: by :func:`quick_save.changes` and by the bound WTForms
form as the view binds it.  Whenever the quick reading accepts a post, WTForms accepts it too
(CSRF, tampered task, every field of the screen) and the answers to write are the same; whenever
WTForms refuses one, the quick reading refuses it (the view then binds the form, which renders the
errors).  The posts: every screen, valid values, unknown options, long and marked-up text, empty
values, repeated radio values, exclusive options combined, numbers out of the scale, a required
answer missing on Next and on Save, a wrong, missing or foreign CSRF token, a tampered task.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.questionnaire import Item
from benchmark.organisations.assessment import quick_save
from benchmark.organisations.assessment.views import PageView
from benchmark.store import assessments as services
from benchmark.store.content import questionnaire
from benchmark.web.questions import field_name
from tests.web.test_page_rendering import hidden_inputs
from tests.web.test_shown_page import screens, start

LONG = "x" * 5000
ODD = "a\"b&c<d>'e"


def values_to_try(item: Item, rng: random.Random) -> list[Any]:
    """What a post may hold for one field of ``item``: nothing, valid values, and values WTForms refuses."""
    ids = [str(point) for point in range(11)] if not item.kind.has_options else [o.id for o in item.options]
    exclusive = [o.id for o in item.options if o.exclusive]
    tries: list[Any] = [None, [], [""], [" "], [rng.choice(ids)], [rng.choice(ids), rng.choice(ids)], ["nope"], [LONG]]
    tries += [[ODD], [rng.choice(ids), "nope"], ["", rng.choice(ids)], [" " + rng.choice(ids)]]
    if item.kind.multiple:
        tries += [rng.sample(ids, min(3, len(ids))), ids[:2] + ids[:1]]
        tries += [[exclusive[0], next(i for i in ids if i not in exclusive)]] if exclusive else []
        tries += [exclusive[:1]] if exclusive else []
    if not item.kind.has_options:
        tries += [["11"], ["-1"], ["7.5"], ["07"], ["10"], ["0"]]
    return tries


def posts(app: Flask, page_id: str, query: str, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """``count`` random posts of a screen: each field drawn from :func:`values_to_try`, each action."""
    with app.app_context():
        q = questionnaire()
        page = q.page(page_id)
        assert page is not None
        task = dict(part.split("=") for part in query.lstrip("?").split("&") if part).get("task")
        items = [q.items[task]] if task in q.items else q.page_items(page)
    made = []
    for _ in range(count):
        post: dict[str, Any] = {"action": rng.choice(["next", "save", "back"])}
        for item in items:
            for key in item.answer_keys():
                value = rng.choice(values_to_try(item, rng))
                if value is not None:
                    post[field_name(key)] = value
        made.append(post)
    # Every field valid (the common save), and every field left empty (required answers missing on Next).
    made.append({"action": "next", **{field_name(k): [_valid(i)] for i in items for k in i.answer_keys()}})
    made.append({"action": "next"})
    made.append({"action": "save"})
    return made


def _valid(item: Item) -> str:
    return item.options[0].id if item.kind.has_options else "7"


def both(app: Flask, client: FlaskClient, url: str, post: dict[str, Any]) -> tuple[Any, Any]:
    """(the quick reading, WTForms' outcome) of one post: the answers to write, or None when refused."""
    cookie = client.get_cookie("session")
    headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
    with app.test_request_context(url, method="POST", data=post, headers=headers):
        app.preprocess_request()
        token = url.split("/")[3]
        draft = services.find_draft(token)
        page = questionnaire().page(url.split("/")[4].split("?")[0])
        assert draft is not None and page is not None
        view = PageView(draft, page, token)
        quick = quick_save.changes(view, enforce_required=post["action"] == "next")
        form = view.form_class()()
        form.enforce_required = post["action"] == "next"
        form.validate()
        changes, invalid = view._changes(form)
        refused = form.csrf_failed or view.task == "" or bool(invalid)
        return quick, None if refused else changes


def check(app: Flask, client: FlaskClient, url: str, post: dict[str, Any]) -> bool:
    """Compare the two readings of a post; True when the quick reading accepted it."""
    quick, wtforms = both(app, client, url, post)
    if quick is not None:
        assert quick == wtforms, (url, post)
    else:
        assert wtforms is None or _conservative(post), (url, post, wtforms)
    return quick is not None


def _conservative(post: dict[str, Any]) -> bool:
    """Posts WTForms accepts that the quick reading leaves to it: a blank first value (no answer to WTForms)."""
    return any(isinstance(v, list) and v and not v[0].strip() for k, v in post.items() if k != "action")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_quick_reading_accepts_exactly_what_wtforms_accepts(csrf_app: Flask, lang: str) -> None:
    rng = random.Random(f"quick-save-{lang}")
    client = csrf_app.test_client()
    token = start(csrf_app, lang)
    accepted = refused = 0
    for page_id, query in screens(csrf_app):
        url = f"/{lang}/assessment/{token}/{page_id}{query}"
        shown = hidden_inputs(client.get(url).text)
        for post in posts(csrf_app, page_id, query, rng, 12):
            if check(csrf_app, client, url, {**shown, **post}):
                accepted += 1
            else:
                refused += 1
    assert accepted > 20 and refused > 100  # both ways are exercised


def test_a_bad_csrf_token_or_a_tampered_task_is_left_to_wtforms(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = start(csrf_app, "en")
    other = start(csrf_app, "en")  # another visitor's session, another token
    url = f"/en/assessment/{token}/importance"
    shown = hidden_inputs(client.get(url).text)
    foreign = hidden_inputs(csrf_app.test_client().get(f"/en/assessment/{other}/importance").text)["csrf_token"]
    valid = {**shown, "q1": ["7"], "action": "save"}
    assert check(csrf_app, client, url, valid)
    for csrf in ("", "expired", foreign, shown["csrf_token"] + "x"):
        assert not check(csrf_app, client, url, {**valid, "csrf_token": csrf})
    assert not check(csrf_app, client, url, {k: v for k, v in valid.items() if k != "csrf_token"})
    grid = next(page for page in questionnaire_pages(csrf_app) if page[1] == "grid")[0]
    tampered = f"/en/assessment/{token}/{grid}?layout=tasks&task=nope"
    assert not check(csrf_app, client, tampered, {**hidden_inputs(client.get(tampered).text), "action": "save"})


def questionnaire_pages(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(page.id, page.layout) for page in questionnaire().pages]


def test_an_invalid_save_still_shows_the_errors_and_keeps_what_was_typed(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = start(csrf_app, "en")
    url = f"/en/assessment/{token}/importance"
    shown = hidden_inputs(client.get(url).text)
    response = client.post(url, data={**shown, "q1": "11", "action": "next"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.text or "valid choice" in response.text
    response = client.post(url, data={**hidden_inputs(response.text), "q1": "4", "action": "save"})
    assert response.status_code == 302
    assert 'name="q1" value="4" checked' in client.get(url).text


def test_blank_values_are_no_answer_and_values_after_a_blank_are_checked(csrf_app: Flask) -> None:
    """Only blanks: no answer (a scale sent " " was a 500); a value after a blank is checked, not stored as sent."""
    client = csrf_app.test_client()
    token = start(csrf_app, "en")
    importance = f"/en/assessment/{token}/importance"
    response = client.post(importance, data={**hidden_inputs(client.get(importance).text), "q1": " ", "action": "save"})
    assert response.status_code == 302
    communication = f"/en/assessment/{token}/capacity-communication"
    for posted in (["", "nope"], [" ", "contractor"]):
        shown = hidden_inputs(client.get(communication).text)
        response = client.post(communication, data={**shown, "q4": posted, "action": "save"})
        assert response.status_code == 400
        assert "not a valid choice" in response.text or "not valid choices" in response.text
    with csrf_app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        assert assessment.answer_map() == {}
