"""Results a small organisation can act on (issue 14): summary first, steps that fit, the 2017 comparison."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.organisations.results.pdf import report_html
from benchmark.organisations.results.services import build_results
from benchmark.store.assessments import find_by_token
from tests.factories import BASE_ANSWERS, TASKS, seed_submission

WEBSITE_STATISTICS = {
    "en": "Turn on the free statistics of your website",
    "fr": "Activez les statistiques gratuites de votre site Web",
}


def _text(markup: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", markup))


def _no_website() -> dict[str, Any]:
    """Every task answered with e-mail only: no website, no technical tool (r1_technical fires)."""
    answers: dict[str, Any] = dict(BASE_ANSWERS)
    answers.update({task: ["email"] for task in TASKS})
    return answers


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_comes_first_and_downloads_move_down(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    page = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    order = [
        page.index(marker) for marker in ('id="summary"', 'id="recommendations"', 'id="baseline"', 'id="downloads"')
    ]
    assert order == sorted(order)
    # No download before the summary (the issue: four buttons and "JSON" filled the first screen).
    head = page[: page.index('id="summary"')]
    assert "report.pdf" not in head and "data.json" not in head and "my-data" not in head
    summary = page[page.index('id="summary"') : page.index("</section>", page.index('id="summary"'))]
    assert summary.count('class="level-row"') == 4
    assert "tag-strong" in summary and "tag-weak" in summary
    assert summary.count("<li>") == 3  # the three next steps


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_page_and_pdf_show_the_same_top_steps_and_every_step(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    page = _text(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    with app.test_request_context(f"/{lang}/"):
        view = build_results(find_by_token(token), lang)
        report = _text(report_html(view))
    assert len(view.top_steps) == 3
    for step in view.top_steps:
        assert step.text in page and step.text in report
    # Every offered step of every recommendation, on the page as in the PDF (no more "first four").
    for group in view.recommendations:
        for step in group.steps:
            assert step in page and step in report
    # The summary's three steps come before the recommendations on both.
    first = view.top_steps[0].text
    assert page.index(first) < page.index('id="recommendations"')


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_website_step_for_an_organisation_without_a_website(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, _no_website())
    page = _text(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    data = client.get(f"/{lang}/results/{token}/data.json").get_json()
    assert "R1" in {group["recommendation"] for group in data["recommendations"]}
    assert WEBSITE_STATISTICS[lang] not in page
    assert not any(WEBSITE_STATISTICS[lang] in step for group in data["recommendations"] for step in group["steps"])
    with_site = seed_submission(app, {**_no_website(), "q3_2": ["website"]})
    page = _text(client.get(f"/{lang}/results/{with_site}").get_data(as_text=True))
    assert WEBSITE_STATISTICS[lang] in page


def test_every_fired_recommendation_is_open(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    page = client.get(f"/en/results/{token}").get_data(as_text=True)
    data = client.get(f"/en/results/{token}/data.json").get_json()
    details = re.findall(r'<details class="recommendation"( open)?>', page)
    assert len(details) == len(data["recommendations"]) >= 2
    assert all(details)
    # The JSON carries the same three steps, each one a step of a recommendation it lists.
    offered = {step for group in data["recommendations"] for step in group["steps"]}
    assert len(data["top_steps"]) == 3 and all(step["text"] in offered for step in data["top_steps"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_dont_know_and_skipped_are_never_shown_as_no(app: Flask, client: FlaskClient, lang: str) -> None:
    answers = {**BASE_ANSWERS, "q6": "dont_know", "q4": ["dont_know"]}
    answers.pop("q2_2")  # skipped
    token = seed_submission(app, answers)
    data = client.get(f"/{lang}/results/{token}/data.json").get_json()
    by_item = {(f["item"], f["option"]): f for f in data["figures_2017"]}
    assert by_item[("q6", "yes")]["answer"] == "dont_know" and by_item[("q6", "yes")]["selected"] is None
    assert all(f["answer"] == "dont_know" for f in data["figures_2017"] if f["item"] == "q4")
    assert by_item[("q2_2", "video")]["answer"] == "skipped"
    page = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    table = page[page.index('class="data-table cards grouped baseline"') :]
    table = table[: table.index("</table>")]
    dont_know = "I don't know" if lang == "en" else "Je ne sais pas"
    no = "No" if lang == "en" else "Non"
    cells = re.findall(r'data-label="[^"]+">(?:<em>|<strong>)?([^<]*)', table)
    answers_shown = [html_lib.unescape(cell) for cell in cells]
    assert answers_shown.count(html_lib.unescape(dont_know)) == 3  # q6: one figure; q4: two figures
    assert no not in answers_shown
    # The chart says the same, and tells published figures from the tool's readings.
    chart = data_chart(page)
    assert any(dont_know in line for line in chart["yours"])
    assert set(chart["kinds"]) <= {"stated", "reading"} and len(chart["kinds"]) == len(chart["values"])


def data_chart(page: str) -> dict[str, Any]:
    raw = page[page.index('id="chart-data">') + len('id="chart-data">') :]
    return dict(json.loads(html_lib.unescape(raw[: raw.index("</script>")]))["figures2017"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_results_and_exports_name_items_by_their_short_label(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    q = app.extensions["content"].questionnaire
    page = _text(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    csv_text = client.get(f"/{lang}/results/{token}/my-data.csv").get_data(as_text=True)
    for item in q.iter_items():
        assert item.text.get(lang) not in page, item.id
        assert item.text.get(lang) not in csv_text, item.id
    assert q.items["q6"].label(lang) in page and q.items["q6"].label(lang) in csv_text


def test_the_action_plan_offers_only_the_steps_that_fit(app: Flask, client: FlaskClient) -> None:
    """The plan's step list comes from the same offered steps: no website step without a website."""
    token = seed_submission(app, _no_website())
    plan = _text(client.get(f"/en/results/{token}/plan/step/new").get_data(as_text=True))
    assert "Turn one figure you already report" in plan  # r1_technical's step that needs no website
    assert WEBSITE_STATISTICS["en"] not in plan
    with_site = seed_submission(app, {**_no_website(), "q3_2": ["website"]})
    assert WEBSITE_STATISTICS["en"] in _text(
        client.get(f"/en/results/{with_site}/plan/step/new").get_data(as_text=True)
    )
