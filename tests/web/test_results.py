"""The results page: scores, the 2017 comparison, today's peers (k rule), recommendations, take again."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core import peers
from benchmark.core.baseline import BaselineError
from benchmark.core.rules import RulesError
from benchmark.core.suppression.noise import quartile_band
from benchmark.store import aggregates
from benchmark.store.assessments import find_by_token
from benchmark.store.scores import profile_of
from tests.factories import (
    BASE_ANSWERS,
    BASELINE_2017_SOURCE,
    make_app,
    page_answers,
    page_ids,
    reset,
    seed_submission,
    start_assessment,
)
from tests.web.test_attack_padding import victim_answers


def walk_through(app: Flask, client: FlaskClient, lang: str) -> str:
    token = start_assessment(client, lang)
    for page_id in page_ids(app):
        client.post(f"/{lang}/assessment/{token}/{page_id}", data={**page_answers(app, page_id), "action": "next"})
    assert client.post(f"/{lang}/assessment/{token}/review").status_code == 302
    return token


@pytest.fixture(scope="module")
def source_figures() -> list[dict[str, Any]]:
    raw = json.loads(BASELINE_2017_SOURCE.read_text(encoding="utf-8"))
    figures = []
    for question in raw["questions"]:
        for option in question.get("options", []):
            if option.get("percent") is not None:
                figures.append(
                    {
                        "item": question["id"],
                        "option": option["id"],
                        "pct": option["percent"],
                        "n": question["n"],
                        "status": option["status"],
                    }
                )
        for aggregate in question.get("aggregates", []):
            if aggregate.get("percent") is None:
                continue
            figures.append(
                {
                    "item": question["id"],
                    "option": None,
                    "pct": aggregate["percent"],
                    "n": question["n"],
                    "status": aggregate["status"],
                }
            )
    assert len(figures) == 9
    return figures


def french_pct(pct: float) -> str:
    text = f"{pct:g}".replace(".", ",")
    return f"{text}\u202f%"


def test_french_walkthrough_ends_on_a_results_page(app: Flask, client: FlaskClient) -> None:
    token = walk_through(app, client, "fr")
    done = client.get(f"/fr/assessment/{token}/done").get_data(as_text=True)
    assert f"/fr/results/{token}" in done
    response = client.get(f"/fr/results/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    for name in ("Compétences et formation", "Infrastructure", "Applications", "Processus"):
        assert name in html
    assert len(re.findall(r'<td class="num" data-label="Score">\d+<span class="visually-hidden">', html)) == 4
    assert html.count("indicateurs") >= 4


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_2017_figure_matches_the_source_with_n_and_status(
    app: Flask, client: FlaskClient, lang: str, source_figures: list[dict[str, Any]]
) -> None:
    token = walk_through(app, client, lang)
    html = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    for figure in source_figures:
        shown = french_pct(figure["pct"]) if lang == "fr" else f"{figure['pct']:g}%"
        assert shown in html, shown
        assert f"n = {figure['n']}" in html
    marker = {
        "en": ("published figure", "our reading of the report"),
        "fr": ("chiffre publié", "notre interprétation du rapport"),
    }
    for text in marker[lang]:
        assert text in html.lower()
    no_figure = "no 2017 figure published" if lang == "en" else "aucun chiffre de 2017 publié"
    q = app.extensions["content"].questionnaire
    with_figure = {f["item"] for f in source_figures}
    asked = [i for i in q.items if i not in with_figure and not q.items[i].new_since_2017]
    assert html.count(f"<em>{no_figure}</em>") == len(asked)
    new = "new question (not asked in 2017)" if lang == "en" else "nouvelle question (non posée en 2017)"
    assert html.count(f"<em>{new}</em>") == len([i for i in q.items if q.items[i].new_since_2017]) == 2


def test_results_json_carries_figures_with_provenance(
    app: Flask, client: FlaskClient, source_figures: list[dict[str, Any]]
) -> None:
    token = walk_through(app, client, "en")
    data = client.get(f"/en/results/{token}/data.json").get_json()
    shown = {(f["item"], f["option"]): f for f in data["figures_2017"]}
    for figure in source_figures:
        if figure["option"] is None:
            continue
        assert shown[(figure["item"], figure["option"])]["pct"] == figure["pct"]
        assert shown[(figure["item"], figure["option"])]["n"] == figure["n"]
        assert shown[(figure["item"], figure["option"])]["status"] == figure["status"]
    assert set(data["components"]) == {"SK", "IN", "AP", "PR"}


def test_peer_figures_appear_only_from_k_organisations(database_url: str, _schema: None) -> None:
    app = make_app(database_url, PEER_MIN_GROUP=3)
    try:
        client = app.test_client()
        first = seed_submission(app, BASE_ANSWERS)
        seed_submission(app, {**BASE_ANSWERS, "q4": ["permanent_inhouse"]})
        seed_submission(app, BASE_ANSWERS, synthetic=True)  # synthetic data never counts
        html = client.get(f"/en/results/{first}").get_data(as_text=True)
        data = client.get(f"/en/results/{first}/data.json").get_json()
        assert (
            "Not enough organizations yet" in html
            and "Median" not in html.split('id="peers"')[1].split("</section>")[0]
        )
        assert all(c is None for group in data["peers"]["groups"] for c in group["components"].values())
        seed_submission(app, {**BASE_ANSWERS, "q4": ["no_one"]})
        html = client.get(f"/en/results/{first}").get_data(as_text=True)
        data = client.get(f"/en/results/{first}/data.json").get_json()
        overall = data["peers"]["groups"][0]["components"]["SK"]
        assert overall["n"] == 3
        peers_html = html.split('id="peers"')[1].split("</section>")[0]
        assert "Median" in peers_html
    finally:
        reset(app)


def test_peer_figures_are_private_near_the_exact_ones_and_the_same_on_every_read(
    database_url: str, _schema: None
) -> None:
    """A large group (40, default k and ε): noisy median and quartiles near the exact ones, a quarter, no mean."""
    app = make_app(database_url, PEER_MIN_GROUP=10, DISCLOSURE_EPSILON=2.0)
    try:
        client = app.test_client()
        tokens = [seed_submission(app, victim_answers(app, seed)) for seed in range(40)]
        own = tokens[0]
        data = client.get(f"/en/results/{own}/data.json").get_json()
        assert client.get(f"/en/results/{own}/data.json").get_json()["peers"] == data["peers"]
        assert "deliberate noise" in data["peers"]["note"]
        with app.app_context():
            histograms = aggregates.histograms([("all", "")])[("all", "")]
            profile = profile_of(find_by_token(own).answer_map())
        overall = data["peers"]["groups"][0]
        assert overall["group"] == "all"
        for dimension, shown in overall["components"].items():
            exact = peers.summarise(histograms[dimension], 10)
            assert shown is not None and exact is not None and shown["n"] == exact.n == 40
            assert set(shown) == {"n", "median", "q1", "q3", "your_quarter"}  # no mean, no percentile rank
            assert shown["q1"] <= shown["median"] <= shown["q3"]
            ordered = sorted(s for s, c in histograms[dimension].items() for _ in range(c))
            # Within the noise: the private median lies among the middle organisations of the group.
            assert peers.quantile(ordered, 0.3) <= shown["median"] <= peers.quantile(ordered, 0.7), (shown, exact)
            assert shown["your_quarter"] == quartile_band(
                profile.score(dimension), shown["q1"], shown["median"], shown["q3"]
            )
        html = client.get(f"/en/results/{own}").get_data(as_text=True)
        assert client.get(f"/en/results/{own}").get_data(as_text=True) == html
        peers_html = html.split('id="peers"')[1].split("</section>")[0]
        assert "Where you stand" in peers_html and "quarter of this group" in peers_html
        assert "Your percentile" not in peers_html
        french = client.get(f"/fr/results/{own}").get_data(as_text=True).split('id="peers"')[1].split("</section>")[0]
        assert "Votre position" in french and "quart" in french and "bruit délibéré" in french
        bands = {
            1: "Dans le quart inférieur du groupe",
            2: "Dans le deuxième quart du groupe",
            3: "Dans le troisième quart du groupe",
            4: "Dans le quart supérieur du groupe",
        }
        assert bands[overall["components"]["SK"]["your_quarter"]] in french
    finally:
        reset(app)


def test_an_organisation_counts_once_with_its_latest_assessment(database_url: str, _schema: None) -> None:
    app = make_app(database_url, PEER_MIN_GROUP=2)
    try:
        client = app.test_client()
        token = seed_submission(app, BASE_ANSWERS)
        # take again twice: the organisation now has three submissions but counts once
        for _ in range(2):
            response = client.post(f"/en/results/{token}/again")
            new = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", response.headers["Location"]).group(1)
            client.post(f"/en/assessment/{new}/review")
            token = new
        data = client.get(f"/en/results/{token}/data.json").get_json()
        assert all(c is None for c in data["peers"]["groups"][0]["components"].values())  # 1 < k = 2
    finally:
        reset(app)


def test_take_again_prefills_and_shows_the_change(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    response = client.post(f"/en/results/{token}/again")
    assert response.status_code == 302
    new = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", response.headers["Location"]).group(1)
    html = client.get(f"/en/assessment/{new}/capacity-communication").get_data(as_text=True)
    assert re.search(r'id="q4-shared_roles"[^>]*checked', html)
    client.post(
        f"/en/assessment/{new}/capacity-communication",
        data={"q4": ["shared_roles", "permanent_inhouse"], "action": "save"},
    )
    assert client.post(f"/en/assessment/{new}/review").status_code == 302
    html = client.get(f"/en/results/{new}").get_data(as_text=True)
    change = html.split('id="change"')[1].split("</section>")[0]
    with app.app_context():
        before = profile_of(BASE_ANSWERS).score("SK")
        after = profile_of({**BASE_ANSWERS, "q4": ["shared_roles", "permanent_inhouse"]}).score("SK")
    assert after is not None and before is not None and after > before
    assert f"+{after - before}" in change
    assert "permanent in-house capacity" in change


@pytest.mark.parametrize("token", ["A" * 43, "nope", "%3Cscript%3E", "ñ" * 43])
def test_bad_results_token_gives_the_same_bilingual_404(client: FlaskClient, token: str) -> None:
    for path in ("", "/data.json", "/report.pdf"):
        response = client.get(f"/fr/results/{token}{path}")
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "Page not found" in html and "Page introuvable" in html


def test_results_are_private(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    response = client.get(f"/en/results/{token}")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.get_data(as_text=True)


def test_draft_results_link_goes_back_to_the_questionnaire(client: FlaskClient) -> None:
    token = start_assessment(client)
    response = client.get(f"/en/results/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/assessment/{token}/")


def test_recommendations_show_why_and_links(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, {**BASE_ANSWERS, "q8.privacy": "major"})
    html = client.get(f"/en/results/{token}").get_data(as_text=True)
    section = html.split('id="recommendations"')[1].split("</section>")[0]
    assert "Why you see this" in section
    assert "You rated data privacy as a major concern" in section
    assert section.count("<details") >= 1 and 'details class="recommendation" open' in section
    assert "Manitoba Trauma Information and Education Centre" in section


def test_chart_data_is_json_not_script(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    html = client.get(f"/en/results/{token}").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert match
    chart = json.loads(match.group(1))
    assert chart["components"]["peer_median"] is None  # one organisation: below k
    assert len(chart["figures2017"]["values"]) == 8
    assert re.findall(r"<script(?![^>]*(src=|type=\"application/json\"))", html) == []
    assert 'role="img"' in html and "aria-label" in html


def test_how_scores_work_is_generated_from_the_rubric(app: Flask, client: FlaskClient) -> None:
    rubric = app.extensions["content"].rubric
    for lang in ("en", "fr"):
        html = client.get(f"/{lang}/how-scores-work").get_data(as_text=True)
        for indicator in rubric.indicators:
            assert f">{indicator.id}<" in html
        for level in rubric.levels:
            assert level.name.get(lang) in html


def test_rules_file_with_an_unknown_option_is_refused_at_start(tmp_path: Path) -> None:
    from benchmark.core.rules import default_rules_path

    planted = tmp_path / "recommendations.yaml"
    planted.write_text(
        default_rules_path().read_text(encoding="utf-8").replace("major]", "apocalyptic]", 1), encoding="utf-8"
    )
    with pytest.raises(RulesError, match="apocalyptic"):
        make_app("sqlite://", RULES_PATH=str(planted))


def test_baseline_file_with_an_unknown_option_is_refused_at_start(tmp_path: Path) -> None:
    from benchmark.core.baseline import default_baseline_path

    planted = tmp_path / "baseline.json"
    planted.write_text(
        default_baseline_path().read_text(encoding="utf-8").replace('"shared_roles"', '"shared_rolls"', 1),
        encoding="utf-8",
    )
    with pytest.raises(BaselineError, match="shared_rolls"):
        make_app("sqlite://", BASELINE_PATH=str(planted))
