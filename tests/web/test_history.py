"""Issue 14 item 7: the history of an organisation's assessments on its results page.

Every submission up to the one the link opens (date and the four stored scores), a line chart per
component from three submissions on, per component the answers that moved its score; an older
link says that a newer assessment exists (only that and its date), and "take again" always starts
from the latest submission.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.scoring import Rubric
from benchmark.core.scoring.contributions import moved_keys
from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store.models import Assessment
from benchmark.store.scores import profile_of, scores_of, stored_scores
from tests.factories import BASE_ANSWERS, TOKEN_IN_URL, seed_submission

#: A second set of answers against BASE_ANSWERS: q4 scores more (SK), internet access becomes
#: "don't know" (no longer counted) and hardware a major concern (IN), and q2_1 gains an option
#: worth no points (a changed answer that moves nothing).
CHANGES: dict[str, Any] = {
    "q4": ["shared_roles", "permanent_inhouse"],
    "q8.internet_access": "dont_know",
    "q8.hardware": "major",
    "q2_1": ["cloud", "email"],
}
SPECS = re.compile(r'<script type="application/json" data-chart-specs>(.*?)</script>', re.S)


def retake(app: Flask, client: FlaskClient, token: str, changes: dict[str, Any], submit: bool = True) -> str:
    """Take again through the results page, change some answers and (by default) submit; return the new token."""
    response = client.post(f"/en/results/{token}/again")
    assert response.status_code == 302
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    new = match.group(1)
    with app.app_context():
        draft = services.find_by_token(new)
        assert draft is not None
        services.save_answers(draft, changes, "organisation")
        if submit:
            draft = services.find_by_token(new)
            assert draft is not None
            services.submit(draft, stored_scores(profile_of(draft.answer_map())))
    return new


def page(client: FlaskClient, token: str, lang: str = "en") -> str:
    response = client.get(f"/{lang}/results/{token}")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def section(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</section>", 1)[0]


def history_rows(html: str) -> list[str]:
    table = html.split('id="history-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[ >].*?</tr>", table.split("<tbody>", 1)[1], re.S)


def scores(app: Flask, *tokens: str) -> list[dict[str, int | None]]:
    with app.app_context():
        ids = [services.find_by_token(t).id for t in tokens]  # type: ignore[union-attr]
        stored = scores_of(ids)
        return [stored[i] for i in ids]


def test_moved_answers_per_component_for_a_constructed_pair(rubric: Rubric) -> None:
    after = {**BASE_ANSWERS, **CHANGES}
    moved = {
        d: [(m.key, m.before, m.after, m.max) for m in moved_keys(rubric, d, BASE_ANSWERS, after)]
        for d in rubric.dimension_ids()
    }
    assert moved == {
        "SK": [("q4", 1, 3, 3)],
        "IN": [("q8.internet_access", 2, None, 3), ("q8.hardware", 2, 0, 3)],
        "AP": [],
        "PR": [],
    }
    # Every key whose points changed is listed, and nothing else: same answers move nothing.
    assert all(not moved_keys(rubric, d, after, after) for d in rubric.dimension_ids())


def test_one_submission_has_no_history_and_no_notice(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    html = page(client, token)
    assert 'id="change"' not in html and 'id="history-table"' not in html
    assert 'id="newer-assessment"' not in html


def test_two_submissions_give_a_table_and_the_moved_answers_without_chart(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, CHANGES)
    html = page(client, second)
    change = section(html, 'id="change"')
    rows = history_rows(change)
    assert len(rows) == 2
    before, after = scores(app, first, second)
    assert "This assessment" in rows[0]  # newest first
    for row, stored in zip(rows, [after, before], strict=True):
        cells = re.findall(r'<td class="num" data-label="[^"]+">(.*?)</td>', row, re.S)
        assert [c if c.isdigit() else None for c in cells] == [None if s is None else str(s) for s in stored.values()]
    assert "data-chart-specs" not in html and 'data-chart="history-' not in html
    moved, changed = change.split("Answers that moved your scores", 1)[1].split('id="changed-title"', 1)
    skills, infrastructure, applications = (
        moved.split("<h4>Skills and training:")[1].split("<h4>")[0],
        moved.split("<h4>Infrastructure:")[1].split("<h4>")[0],
        moved.split("<h4>Applications:")[1].split("<h4>")[0],
    )
    assert "permanent in-house capacity" in skills and "1 → 3 of 3" in skills
    assert "Internet access" in infrastructure and "2 → – of 3" in infrastructure
    assert "Availability of hardware" in infrastructure and "Major concern" in infrastructure
    assert "2 → 0 of 3" in infrastructure
    assert "No answer moved this score." in applications  # q2_1 changed, but its points did not
    assert "Managing people" not in moved
    assert "Managing people" in changed  # still listed among every answer that changed
    french = section(page(client, second, "fr"), 'id="change"')
    assert "Réponses qui ont fait bouger vos scores" in french and "1 → 3 sur 3" in french
    assert "Disponibilité du matériel" in french and "Aucune réponse n’a fait bouger ce score." in french
    assert re.search(r"<h4>Infrastructure\u00a0: \d+ → \d+ \(-\d+\)</h4>", french)  # a no-break space before ":"


def test_three_submissions_draw_a_line_chart_per_component(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, {"q4": ["shared_roles", "permanent_inhouse"]})
    third = retake(app, client, second, {"q8.hardware": "major", "q7": "no"})
    stored = scores(app, first, second, third)
    with app.app_context():
        dimensions = app.extensions["content"].rubric.dimensions
    for lang, word in (("en", "Line chart of your"), ("fr", "Graphique linéaire de votre score")):
        html = page(client, third, lang)
        assert len(history_rows(html)) == 3
        match = SPECS.search(html)
        assert match
        specs = json.loads(match.group(1))
        assert sorted(specs) == sorted(f"history-{d.id}" for d in dimensions)
        for d in dimensions:
            spec = specs[f"history-{d.id}"]
            assert spec["type"] == "line" and spec["max"] == 100 and len(spec["labels"]) == 3
            assert spec["datasets"] == [{"label": d.name.get(lang), "data": [s[d.id] for s in stored]}]
            canvas = re.search(rf'<canvas data-chart="history-{d.id}"[^>]*>', html)
            assert canvas and 'role="img"' in canvas.group(0)
            assert word in canvas.group(0) and d.name.get(lang) in canvas.group(0)
        # Both steps are listed, newest first and open.
        assert html.count('<details class="history-step"') == 2
        assert '<details class="history-step" open>' in html


def test_an_older_link_shows_its_history_only_up_to_itself(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, {"q4": ["shared_roles", "permanent_inhouse"]})
    third = retake(app, client, second, {"q8.hardware": "major"})
    html = page(client, second)
    assert len(history_rows(html)) == 2 and "data-chart-specs" not in html
    assert third not in html and 'id="newer-assessment"' in html


def test_an_older_link_says_a_newer_assessment_exists_in_both_languages(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, CHANGES)
    with app.app_context():
        newer = services.find_by_token(second)
        assert newer is not None and newer.submitted_at is not None
        day = newer.submitted_at.day
    english = page(client, first)
    notice = english.split('id="newer-assessment"', 1)[1].split("</div>", 1)[0]
    assert "A newer assessment of your organization exists, submitted on" in notice
    assert re.search(rf"submitted on \w+ {day}, \d{{4}}", notice)
    assert "starts from the answers of your latest submission" in notice
    french = page(client, first, "fr")
    notice = french.split('id="newer-assessment"', 1)[1].split("</div>", 1)[0]
    assert "Une évaluation plus récente de votre organisation existe; elle a été transmise le" in notice
    assert re.search(rf"transmise le {day} \w+ \d{{4}}", notice)
    # Only that it exists and its date: not its link, not its results.
    for html in (english, french):
        assert second not in html
        assert 'id="change"' not in html and 'id="history-table"' not in html
    assert 'id="newer-assessment"' not in page(client, second)  # the latest link has no notice


def test_take_again_from_an_older_link_starts_from_the_latest_submission(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, CHANGES)
    response = client.post(f"/en/results/{first}/again")
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    with app.app_context():
        draft = services.find_by_token(match.group(1))
        latest = services.find_by_token(second)
        assert draft is not None and latest is not None
        assert draft.previous_id == latest.id
        assert draft.answer_map() == latest.answer_map()
        assert draft.answer_map()["q4"] == CHANGES["q4"]


def test_a_newer_draft_is_announced_and_its_deletion_removes_the_notice(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    draft = retake(app, client, first, {"q4": ["volunteers"]}, submit=False)
    html = page(client, first)
    notice = html.split('id="newer-assessment"', 1)[1].split("</div>", 1)[0]
    assert "was started on" in notice and "has not been submitted yet" in notice
    assert "exists, submitted on" not in notice and draft not in html
    french = page(client, first, "fr")
    assert "a été commencée le" in french and "n’a pas encore été transmise" in french
    assert client.post(f"/en/assessment/{draft}/delete").status_code == 303
    assert 'id="newer-assessment"' not in page(client, first)


def test_deleting_the_newest_submission_removes_the_notice(app: Flask, client: FlaskClient) -> None:
    first = seed_submission(app, BASE_ANSWERS)
    second = retake(app, client, first, CHANGES)
    assert 'id="newer-assessment"' in page(client, first)
    assert client.post(f"/en/results/{second}/delete").status_code == 303
    html = page(client, first)
    assert 'id="newer-assessment"' not in html
    # Take again now starts from the first (the only) submission again.
    response = client.post(f"/en/results/{first}/again")
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    with app.app_context():
        draft = db.session.scalar(
            db.select(Assessment).where(Assessment.status == "draft").order_by(Assessment.id.desc())
        )
        assert draft is not None and draft.answer_map()["q4"] == BASE_ANSWERS["q4"]
