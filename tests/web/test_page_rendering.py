"""The questionnaire page renders the same HTML as before its hidden fields left WTForms (issue 18, item 3).

``tests/fixtures/questionnaire-forms.json`` holds the content block (progress bar to the end of
the form) of a typical draft's pages in English and French, rendered by the code before the
change (commit 3732769, hidden fields through WTForms' widgets), with the parts that differ on
every run normalised: the private token, the CSRF token and the signed base (the base is
checked apart, decoded).  Every page of the list must render byte for byte the same.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from benchmark.store import assessments as services
from tests.factories import first_answers

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaire-forms.json"
TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")
CONTENT = re.compile(r'<div class="progress-block">.*?</form>', re.S)
CSRF = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*"')
BASE = re.compile(r'(name="base" type="hidden" value=")[^"]*"')
#: (page, query, posted form or None for a GET): a typical draft's screens, one with errors.
SCREENS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("importance", "", None),
    ("internal-tasks", "", None),
    ("internal-tasks", "?layout=tasks&task=q2_3", None),
    ("capacity-communication", "?return_to=review", None),
    ("concerns", "", None),
    ("organisation", "", None),
    ("importance", "", {"q1": "99", "action": "next"}),
    ("organisation", "", {"q22": "nonsense", "action": "save"}),
]


def start_draft(app: Flask, client: FlaskClient, lang: str) -> str:
    """A draft through the web flow (CSRF on) with a typical mix of answers: some pages answered, some not."""
    start = client.get(f"/{lang}/assessment/").get_data(as_text=True)
    response = client.post(f"/{lang}/assessment/", data={"csrf_token": csrf_of(start)})
    match = TOKEN_IN_URL.search(response.headers["Location"] + "/")
    assert match
    token = match.group(1)
    answers = {
        key: value
        for key, value in first_answers(app).items()
        if key.startswith(("q1", "q2_1", "q2_3", "q4", "q8", "q22", "q26"))
    }
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        services.save_answers(assessment, answers, "importance")
    return token


def csrf_of(page: str) -> str:
    match = CSRF.search(page)
    assert match, "no CSRF token in the page"
    return match.group(0).split('value="')[1][:-1]


def normalised(page: str, token: str) -> str:
    match = CONTENT.search(page)
    assert match, "no questionnaire form in the page"
    content = match.group(0).replace(token, "TOKEN")
    return BASE.sub(r'\1BASE"', CSRF.sub(r'\1CSRF"', content))


def rendered_screens(app: Flask, lang: str) -> dict[str, str]:
    """The normalised content of every screen of :data:`SCREENS` for a new typical draft in ``lang``."""
    client = app.test_client()
    token = start_draft(app, client, lang)
    screens: dict[str, str] = {}
    for page_id, query, posted in SCREENS:
        url = f"/{lang}/assessment/{token}/{page_id}"
        shown = client.get(url + query).get_data(as_text=True)
        if posted is None:
            screens[f"{lang} GET {page_id}{query}"] = normalised(shown, token)
            continue
        response = client.post(url + query, data={**hidden_inputs(shown), **posted})
        assert response.status_code == 400
        screens[f"{lang} POST {page_id}{query} {sorted(posted.items())}"] = normalised(response.text, token)
    return screens


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.hidden[str(found["name"])] = found.get("value") or ""


def hidden_inputs(page: str) -> dict[str, str]:
    """The hidden inputs of a page as a browser posts them (entities decoded by a real HTML parser)."""
    parser = _Inputs()
    parser.feed(page)
    return parser.hidden


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_renders_as_before(csrf_app: Flask, lang: str) -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    screens = rendered_screens(csrf_app, lang)
    assert list(screens) == [key for key in expected if key.startswith(f"{lang} ")]
    for key, content in screens.items():
        assert content == expected[key], key


def test_the_signed_base_says_what_the_page_showed(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = start_draft(csrf_app, client, "en")
    page = client.get(f"/en/assessment/{token}/capacity-communication").get_data(as_text=True)
    hidden = hidden_inputs(page)
    with csrf_app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        signer = URLSafeSerializer(str(csrf_app.secret_key), salt="benchmark.assessment.base")
        assert signer.loads(hidden["base"]) == {
            "a": assessment.id,
            "p": "capacity-communication",
            "r": assessment.revision,
            "v": {"q4": first_answers(csrf_app)["q4"]},
        }
    assert hidden["revision"] == str(assessment.revision)
    assert (hidden["layout"], hidden["task"], hidden["return_to"]) == ("", "", "")


def test_hidden_values_are_escaped_for_the_attribute(csrf_app: Flask) -> None:
    """A page shown again after a failed security check echoes the posted hidden values: escaped, read back the same."""
    client = csrf_app.test_client()
    token = start_draft(csrf_app, client, "en")
    url = f"/en/assessment/{token}/capacity-communication"
    shown = hidden_inputs(client.get(url).text)
    value = "a\"b&c<d>'e &amp;"
    response = client.post(url, data={**shown, "csrf_token": "expired", "base": value, "task": value, "action": "save"})
    assert response.status_code == 400
    assert "Please press the button again" in response.text
    escaped = "a&#34;b&amp;c&lt;d&gt;&#39;e &amp;amp;"
    assert f'<input id="base" name="base" type="hidden" value="{escaped}">' in response.text
    assert f'<input id="task" name="task" type="hidden" value="{escaped}">' in response.text
    again = hidden_inputs(response.text)
    assert (again["base"], again["task"]) == (value, value)
    assert again["revision"] == shown["revision"]
    # The same session token (the signature's timestamp may differ by a second).
    assert again["csrf_token"].split(".")[0] == shown["csrf_token"].split(".")[0]
