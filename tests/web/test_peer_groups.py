"""Peers that mean something (issue 14, item 5): each group's n, where you stand in words, a choice of group.

Every figure stays private (issue 13): the words come from the quarter of the group's noisy
quartiles (``your_quarter``), never from an exact percentile rank, and a group below k shows nothing.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.funder.sector import dictionary
from benchmark.store.assessments import find_by_token
from tests.factories import make_app, page_answers, page_ids, reset, seed_submission, start_assessment

#: The facts of the organisation whose results are read: IRCC-funded, 6–10 employees, Ontario and
#: Quebec, serving francophone minority communities.
FACTS: dict[str, Any] = {"q23": "yes_current", "q25": "6_10", "q26": ["on", "qc"], "n2": "yes"}
#: Its groups (keys of ``?peers=``), in the page's order: size and each province together come last.
GROUP_KEYS = ["all", "funding", "size", "region:on", "region:qc", "franco", "size_reg:on", "size_reg:qc"]

WORDS = {
    "en": {
        1: "Your score is lower than that of about three quarters of them.",
        2: "Your score is higher than that of about a quarter of them.",
        3: "Your score is higher than that of about half of them.",
        4: "Your score is higher than that of about three quarters of them.",
    },
    "fr": {
        1: "Votre score est inférieur à celui d’environ trois quarts d’entre elles.",
        2: "Votre score est supérieur à celui d’environ un quart d’entre elles.",
        3: "Votre score est supérieur à celui d’environ la moitié d’entre elles.",
        4: "Votre score est supérieur à celui d’environ trois quarts d’entre elles.",
    },
}


def varied_answers(app: Flask, seed: int, **facts: Any) -> dict[str, Any]:
    """Random but complete answers (every component scored, scores spread out), with these facts."""
    rng = random.Random(seed)
    answers: dict[str, Any] = {}
    for item in app.extensions["content"].questionnaire.iter_items():
        plain = [o.id for o in item.options if not o.missing and not o.exclusive]
        for key in item.answer_keys():
            if item.kind.numeric:
                answers[key] = rng.randint(0, 10)
            elif item.kind.multiple:
                answers[key] = rng.sample(plain, rng.randint(1, len(plain)))
            else:
                answers[key] = rng.choice(plain)
    return {**answers, **FACTS, **facts}


def dimension_of(data: dict[str, Any], name: str) -> str:
    """The component id of a component name (the chart's labels are names, in the rubric's order)."""
    return next(dimension for dimension, component in data["components"].items() if component["name"] == name)


def peer_section(html: str) -> str:
    return html.split('id="peers"')[1].split("</section>")[0]


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')


@pytest.fixture
def pool(database_url: str, _schema: None) -> Any:
    """k = 10; 12 organisations like ours in every group, and our own assessment's token."""
    app = make_app(database_url, PEER_MIN_GROUP=10)
    tokens = [seed_submission(app, varied_answers(app, seed)) for seed in range(12)]
    try:
        yield app, tokens[0]
    finally:
        reset(app)


def test_each_group_shows_its_n_from_the_release(pool: tuple[Flask, str]) -> None:
    app, token = pool
    client = app.test_client()
    data = client.get(f"/en/results/{token}/data.json").get_json()
    assert [group["group"] for group in data["peers"]["groups"]] == GROUP_KEYS
    assert all(group["n"] == 12 for group in data["peers"]["groups"])
    section = peer_section(client.get(f"/en/results/{token}").get_data(as_text=True))
    assert section.count("12 organizations in this group.") == len(GROUP_KEYS)
    french = peer_section(client.get(f"/fr/results/{token}").get_data(as_text=True))
    assert french.count("12 organisations dans ce groupe.") == len(GROUP_KEYS)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_where_you_stand_is_said_in_words_from_the_private_quarter(pool: tuple[Flask, str], lang: str) -> None:
    app, token = pool
    client = app.test_client()
    data = client.get(f"/{lang}/results/{token}/data.json").get_json()
    section = unescape(peer_section(client.get(f"/{lang}/results/{token}").get_data(as_text=True)))
    rows = section.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]  # the "all" group's table
    components = data["peers"]["groups"][0]["components"]
    assert len(rows) == len(components)
    for dimension, figures in components.items():
        assert figures is not None, dimension
        name = unescape(data["components"][dimension]["name"])
        row = next(r for r in rows if f'<th scope="row">{name}</th>' in r)
        words = WORDS[lang][figures["your_quarter"]]
        assert words in row, (dimension, figures["your_quarter"], row)
        others = [text for band, text in WORDS[lang].items() if band != figures["your_quarter"]]
        assert not any(text in row for text in others)
    # No exact rank anywhere: no "percentile" of the organisation, no "of 100".
    assert "of 100 organizations" not in section and "Your percentile" not in section
    explained = "quarters of the group" if lang == "en" else "quarts du groupe"
    assert explained in section


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_group_can_be_chosen_ircc_funded_and_francophone_minority_included(
    pool: tuple[Flask, str], lang: str
) -> None:
    app, token = pool
    client = app.test_client()
    data = client.get(f"/{lang}/results/{token}/data.json").get_json()
    labels = {group["group"]: group["label"] for group in data["peers"]["groups"]}
    if lang == "en":
        assert labels["funding"] == (
            "Same answer as yours to “IRCC Settlement Program funding” (Yes, we currently receive IRCC funding.)"
        )
        assert labels["franco"] == "Same answer as yours to “Serves francophone minority communities” (Yes)"
    else:
        assert "Financement du Programme d’établissement d’IRCC" in labels["funding"]
        assert "communautés francophones en situation minoritaire" in labels["franco"]
    default = peer_section(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    for key in GROUP_KEYS:
        assert f'<option value="{key}">' in default
        response = client.get(f"/{lang}/results/{token}?peers={key}")
        assert response.status_code == 200
        section = peer_section(response.get_data(as_text=True))
        headings = re.findall(r"<h3[^>]*>(.*?)</h3>", section)
        assert [unescape(h) for h in headings] == [labels[key]], key
        assert f'<option value="{key}" selected>' in section
        chart = json.loads(section.split('id="peer-chart-data">')[1].split("</script>")[0])
        assert chart["group"] == key and chart["title"] == labels[key]
        figures = next(g for g in data["peers"]["groups"] if g["group"] == key)["components"]
        shown = [figures[dimension_of(data, label)] for label in chart["labels"]]
        assert chart["median"] == [round(c["median"]) for c in shown]
        assert chart["band"] == [[round(c["q1"]), round(c["q3"])] for c in shown]
        assert 'id="peer-chart"' in section and 'data-marker="own-score"' in section
    with app.app_context():
        own = find_by_token(token)
        assert own is not None and own.francophone_minority == "yes" and own.funding == "yes_current"


def test_the_chart_marks_the_organisations_own_scores(pool: tuple[Flask, str]) -> None:
    app, token = pool
    client = app.test_client()
    data = client.get(f"/en/results/{token}/data.json").get_json()
    section = peer_section(client.get(f"/en/results/{token}").get_data(as_text=True))
    chart = json.loads(section.split('id="peer-chart-data">')[1].split("</script>")[0])
    assert chart["group"] == "all"  # the default chart is all organisations
    assert chart["own"] == [data["components"][dimension_of(data, label)]["score"] for label in chart["labels"]]
    assert 'role="img"' in section.split('id="peer-chart"')[1].split(">")[0]
    assert "with your score marked" in section


def test_a_group_below_k_shows_nothing(database_url: str, _schema: None) -> None:
    app = make_app(database_url, PEER_MIN_GROUP=3)
    try:
        client = app.test_client()
        own = seed_submission(app, varied_answers(app, 0))
        for seed in (1, 2):  # two more in Ontario, not in Quebec, not serving francophone minorities
            seed_submission(app, varied_answers(app, seed, q26=["on"], n2="no"))
        data = client.get(f"/en/results/{own}/data.json").get_json()
        groups = {group["group"]: group for group in data["peers"]["groups"]}
        assert groups["all"]["n"] == 3 and groups["region:on"]["n"] == 3
        for key in ("region:qc", "franco"):
            assert groups[key]["n"] is None
            assert all(component is None for component in groups[key]["components"].values())
            section = peer_section(client.get(f"/en/results/{own}?peers={key}").get_data(as_text=True))
            assert "Not enough organizations yet (fewer than 3 in this group)." in section
            assert "in this group." not in section.replace("(fewer than 3 in this group).", "")
            assert "Median" not in section and 'id="peer-chart"' not in section and "peer-chart-data" not in section
            assert "1 organization" not in section
    finally:
        reset(app)


@pytest.mark.parametrize(
    "value",
    ["nonsense", "region:bc", "<script>alert(1)</script>", "x" * 5000, "franco\x00", "all' OR '1'='1", "%ff"],
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_bad_choice_gets_a_clear_message_not_a_500(pool: tuple[Flask, str], value: str, lang: str) -> None:
    app, token = pool
    client: FlaskClient = app.test_client()
    response = client.get(f"/{lang}/results/{token}", query_string={"peers": value})
    assert response.status_code == 200
    section = peer_section(response.get_data(as_text=True))
    message = "That group is not one of your choices." if lang == "en" else "Ce groupe ne fait pas partie de vos choix."
    assert message in section and 'role="alert"' in section and 'aria-invalid="true"' in section
    assert "<script>alert" not in section and "x" * 200 not in section  # never echoed
    # The default: every group (a heading each), the first open, the others in closed <details> (short on a phone).
    assert len(re.findall(r"<h3[^>]*>", section)) == len(GROUP_KEYS)
    assert len(re.findall(r'<details class="more peer-group">', section)) == len(GROUP_KEYS) - 1
    assert '<option value="" selected' not in section  # the empty choice is the first option anyway


def test_n2_round_trips_through_the_questionnaire_and_the_my_data_exports(app: Flask, client: FlaskClient) -> None:
    token = start_assessment(client, "fr")
    for page_id in page_ids(app):
        answers = page_answers(app, page_id)
        if page_id == "organisation":
            assert answers["n2"] == "yes"
        client.post(f"/fr/assessment/{token}/{page_id}", data={**answers, "action": "next"})
    page = client.get(f"/fr/assessment/{token}/organisation").get_data(as_text=True)
    assert "communautés francophones en situation minoritaire" in page
    assert re.search(r'id="n2-yes"[^>]*checked', page)
    client.post(f"/fr/assessment/{token}/organisation", data={**page_answers(app, "organisation"), "n2": "no"})
    assert re.search(r'id="n2-no"[^>]*checked', client.get(f"/fr/assessment/{token}/organisation").get_data(True))
    assert client.post(f"/fr/assessment/{token}/review").status_code == 302
    exported = client.get(f"/fr/results/{token}/my-data.json").get_json()
    n2 = next(answer for answer in exported["answers"] if answer["key"] == "n2")
    assert n2["value"] == "no" and n2["answer"] == "Non"
    assert n2["question"] == "Dessert des communautés francophones en situation minoritaire"  # the short label
    csv = client.get(f"/en/results/{token}/my-data.csv").get_data(as_text=True)
    assert "Serves francophone minority communities" in csv and ",No,no" in csv
    with app.app_context():
        assessment = find_by_token(token)
        assert assessment is not None and assessment.francophone_minority == "no"


def test_n2_is_in_the_sector_data_dictionary_as_new_with_no_2017_figure(app: Flask) -> None:
    with app.app_context():
        crosswalk = {entry["item"]: entry for entry in dictionary.build()["crosswalk"]}
    n2 = crosswalk["n2"]
    assert n2["question_2017"] == "new (not in 2017)" and n2["n_2017"] is None and n2["figures_2017"] == []
    assert "communautés francophones en situation minoritaire" in n2["text_fr"]
