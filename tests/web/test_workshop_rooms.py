"""Workshops (issue 15): bilingual join addresses, the projector's QR code, names given with consent,
"you and the room", levels per component and the "middle half" explained."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmark.extensions import db
from benchmark.store.models import Participation, Workshop
from tests.factories import BASE_ANSWERS, create_workshop, make_app, reset, seed_participant, signed_in

pytestmark = pytest.mark.db

WEAKER = {**BASE_ANSWERS, "q4": ["no_one"]}
STRONGER = {**BASE_ANSWERS, "q4": ["shared_roles", "permanent_inhouse"]}


@pytest.fixture
def small_k_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """Workshop figures from 3 completed participants (to keep tests short)."""
    app = make_app(database_url, WORKSHOP_MIN_GROUP=3, PUBLIC_BASE_URL="https://benchmark.example.ca")
    yield app
    reset(app)


def _code_of(app: Flask, workshop_id: int) -> str:
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        return workshop.join_code


# ----------------------------------------------------------------------------- languages and the QR code


def test_a_bilingual_workshop_is_joined_through_a_language_neutral_address(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    form = facilitator.get("/fr/workshops/new").get_data(as_text=True)
    assert 'value="bi"' in form and "Anglais et français\u00a0: chaque participant choisit" in form
    workshop_id, code = create_workshop(facilitator, language="bi")
    neutral = f"https://benchmark.example.ca/join/{code}"
    live = facilitator.get(f"/en/workshops/{workshop_id}").get_data(as_text=True)
    assert neutral in live and f"/en/workshops/join?code={code}" not in live
    # The neutral address offers both languages (the browser's first), and each leads to that language's join page.
    for accept, first in (("fr-CA,fr;q=0.9", "fr"), ("en-CA", "en")):
        page = app.test_client().get(f"/join/{code}", headers={"Accept-Language": accept})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        links = re.findall(r'href="(/(en|fr)/workshops/join\?code=[A-Z0-9]+)"', html)
        assert [lang for _href, lang in links] == [first, "en" if first == "fr" else "fr"]
        for href, lang in links:
            joined = app.test_client().get(href).get_data(as_text=True)
            assert f'<html lang="{lang}"' in joined and f'value="{code}"' in joined
    # Lower case and spaces are fine; a malformed code is a plain 404 (nothing is looked up).
    assert app.test_client().get(f"/join/{code.lower()}").status_code == 200
    assert app.test_client().get("/join/<b>").status_code == 404
    # The handout: each side carries its own language's address; the QR code the neutral one.
    handout = facilitator.get(f"/fr/workshops/{workshop_id}/handout").get_data(as_text=True)
    english = handout.split('<section lang="en">')[1].split("</section>")[0]
    french = handout.split('<section lang="fr">')[1].split("</section>")[0]
    assert f"https://benchmark.example.ca/en/workshops/join?code={code}" in english
    assert f"https://benchmark.example.ca/fr/workshops/join?code={code}" in french and "/en/" not in french
    # The projector shows the QR code (inline SVG, labelled) and the neutral address.
    projector = facilitator.get(f"/fr/workshops/{workshop_id}/projector").get_data(as_text=True)
    assert re.search(r'<svg role="img" aria-label="Code QR[^"]*"[^>]*class="qr-code"', projector)
    assert neutral in projector and code in projector


def test_a_one_language_workshop_keeps_its_language_and_each_handout_side_its_own(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator, "fr")
    live = facilitator.get(f"/en/workshops/{workshop_id}").get_data(as_text=True)
    assert f"https://benchmark.example.ca/fr/workshops/join?code={code}" in live
    handout = facilitator.get(f"/en/workshops/{workshop_id}/handout").get_data(as_text=True)
    english = handout.split('<section lang="en">')[1].split("</section>")[0]
    assert f"https://benchmark.example.ca/en/workshops/join?code={code}" in english
    projector = facilitator.get(f"/en/workshops/{workshop_id}/projector").get_data(as_text=True)
    assert 'class="qr-code"' in projector and f"/fr/workshops/join?code={code}" in projector


# ----------------------------------------------------------------------------- names with consent


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_name_is_asked_only_with_consent_and_nothing_typed_is_lost(small_k_app: Flask, lang: str) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator, lang)
    client = app.test_client()
    missing = client.post(f"/{lang}/workshops/join", data={"code": code, "share": "y", "name": "   "})
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert ("Please give a name or pseudonym" if lang == "en" else "Veuillez donner un nom ou un pseudonyme") in html
    assert f'value="{code}"' in html and 'id="share" name="share" value="y" checked' in html
    too_long = client.post(f"/{lang}/workshops/join", data={"code": code, "share": "y", "name": "N" * 61})
    assert too_long.status_code == 400
    html = too_long.get_data(as_text=True)
    assert ("Please keep the name to 60 characters" if lang == "en" else "au plus 60 caractères") in html
    assert 'value="' + "N" * 61 + '"' in html  # kept, to be shortened by the participant
    unreadable = client.post(f"/{lang}/workshops/join", data={"code": code, "share": "y", "name": "A\x07B"})
    assert unreadable.status_code == 400
    # A name typed without consent is not kept; with consent it is, stripped.
    assert app.test_client().post(f"/{lang}/workshops/join", data={"code": code, "name": "Secret"}).status_code == 302
    joined = client.post(f"/{lang}/workshops/join", data={"code": code, "share": "y", "name": "  Maple  "})
    assert joined.status_code == 302
    with app.app_context():
        names = db.session.scalars(sa.select(Participation.display_name).order_by(Participation.id)).all()
    assert names == [None, "Maple"]


def test_consent_from_the_results_page_asks_for_a_name(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    token = seed_participant(app, workshop_id, BASE_ANSWERS)
    results = app.test_client().get(f"/fr/results/{token}").get_data(as_text=True)
    assert "Nom ou pseudonyme de votre organisation" in results and "Vous et la salle" in results
    page = app.test_client().get(f"/fr/workshops/consent/{token}/{workshop_id}")
    assert page.status_code == 200 and "Nom ou pseudonyme de votre organisation" in page.get_data(as_text=True)
    refused = app.test_client().post(f"/fr/workshops/consent/{token}/{workshop_id}", data={"share": "y", "name": ""})
    assert refused.status_code == 400 and "Veuillez donner un nom ou un pseudonyme" in refused.get_data(as_text=True)
    given = app.test_client().post(
        f"/fr/workshops/consent/{token}/{workshop_id}", data={"share": "y", "name": "Érable"}
    )
    assert given.status_code == 302
    results = app.test_client().get(f"/fr/results/{token}").get_data(as_text=True)
    assert "Affiché à la personne animatrice sous le nom «\u00a0Érable\u00a0»." in results
    assert "Érable" in facilitator.get(f"/en/workshops/{workshop_id}/individual.csv").get_data(as_text=True)


# ----------------------------------------------------------------------------- you and the room


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_you_and_the_room(small_k_app: Flask, lang: str) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator, lang)
    mine = seed_participant(app, workshop_id, STRONGER, share=True, name="Maple")
    seed_participant(app, workshop_id, WEAKER, share=True, name="Birch")
    below = app.test_client().get(f"/{lang}/workshops/room/{mine}/{workshop_id}").get_data(as_text=True)
    expected = (
        "The room's figures appear when at least 3 organizations have completed (2 so far)"
        if lang == "en"
        else "Les chiffres de la salle s’affichent lorsqu’au moins 3 organisations ont rempli "
        "l’évaluation (2 jusqu’ici)"
    )
    assert expected in below and 'class="data-table room-table' not in below
    seed_participant(app, workshop_id, BASE_ANSWERS)
    html = app.test_client().get(f"/{lang}/workshops/room/{mine}/{workshop_id}").get_data(as_text=True)
    assert (
        "room-table" in html
        and ("Middle half: the range" if lang == "en" else "Moitié centrale\u00a0: l’intervalle") in html
    )
    # The cohort figures are the live view's own (same draw): nothing new is released to a participant.
    live = facilitator.get(f"/{lang}/workshops/{workshop_id}").get_data(as_text=True)
    cohort_rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td><td class="num">(\d+)–(\d+)</td>', live
    )
    room_rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="num" data-label="[^"]+">(\d+|–)</td>\s*'
        r'<td class="num" data-label="[^"]+">(\d+)</td><td class="num" data-label="[^"]+">(\d+)–(\d+)</td>',
        html,
    )
    assert len(room_rows) == 4 and [(n, m, a, b) for n, _own, m, a, b in room_rows] == cohort_rows
    # No other participant's name on a participant's page; the own scores are the participant's.
    assert "Birch" not in html and "Maple" not in html
    # An unknown link: no room.
    assert app.test_client().get(f"/{lang}/workshops/room/{'A' * 43}/{workshop_id}").status_code == 404


def test_a_draft_is_sent_back_to_its_questions(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator)
    response = app.test_client().post("/en/workshops/join", data={"code": code})
    token = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", response.headers["Location"]).group(1)
    room = app.test_client().get(f"/en/workshops/room/{token}/{workshop_id}")
    assert room.status_code == 302 and f"/en/assessment/{token}/" in room.headers["Location"]


# ----------------------------------------------------------------------------- levels per component


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_levels_per_component_on_the_live_view_projector_and_csv(small_k_app: Flask, lang: str) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator, lang)
    heading = "Levels in the cohort" if lang == "en" else "Niveaux dans la cohorte"
    seed_participant(app, workshop_id, WEAKER)
    assert heading not in facilitator.get(f"/{lang}/workshops/{workshop_id}").get_data(as_text=True)
    for answers in (STRONGER, BASE_ANSWERS, BASE_ANSWERS):
        seed_participant(app, workshop_id, answers)
    rubric = app.extensions["content"].rubric
    for path in ("", "/projector", "/live"):
        html = facilitator.get(f"/{lang}/workshops/{workshop_id}{path}").get_data(as_text=True)
        assert heading in html
        assert html.count('<table class="level-chart">') == len(rubric.dimensions)
        assert html.count('class="level-bar"') == len(rubric.dimensions) * len(rubric.levels)
        assert ("Middle half: the range" if lang == "en" else "Moitié centrale\u00a0: l’intervalle") in html
    cohort = facilitator.get(f"/{lang}/workshops/{workshop_id}/cohort.csv").get_data(as_text=True)
    measure = "Organizations at this level" if lang == "en" else "Organisations à ce niveau"
    rows = [row for row in csv.reader(io.StringIO(cohort.lstrip("\ufeff"))) if row[1] == measure]
    assert len(rows) == len(rubric.dimensions) * len(rubric.levels)
    assert all(row[3].isdigit() for row in rows)
    # Re-reading gives the same noisy counts.
    assert cohort == facilitator.get(f"/{lang}/workshops/{workshop_id}/cohort.csv").get_data(as_text=True)
