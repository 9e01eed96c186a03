"""The privacy notice and the start page say who sees what, with the group sizes the app is configured with."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_app, reset

#: Distinct, unusual group sizes, so that a hard-coded number cannot pass for the configured one.
K = {"PEER_MIN_GROUP": 13, "SECTOR_MIN_CELL": 17, "WORKSHOP_MIN_GROUP": 7}
NBSP = "\u00a0"


@pytest.fixture
def k_app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, **K)
    yield app
    reset(app)


def text_of(client: FlaskClient, url: str) -> str:
    """The page's visible text, unescaped, with runs of white space (not no-break spaces) made one space."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


NOTICE = {
    "en": [
        "at least 13 organizations",  # peers
        "fewer than 17 organizations",  # sector
        "at least 7 participants have completed",  # workshops
        "The facilitator sees your organization's individual results only if you agree",
        "You can withdraw your agreement at any time on your results page",
        "The facilitator never sees your answers to the questions",
        "IRCC analysts use staff accounts that open only these figures",
        "We keep only a fingerprint (a hash) of the link",
        "shown only when at least 17 chose it and at least 17 did not",  # shares and their complement
    ],
    "fr": [
        "au moins 13 organisations",
        "inférieur à 17 organisations",
        "au moins 7 participants ont terminé",
        "La personne animatrice ne voit les résultats individuels de votre organisation que si vous y consentez",
        "Vous pouvez retirer votre consentement en tout temps",
        "La personne animatrice ne voit jamais vos réponses aux questions",
        "Les analystes d’IRCC utilisent des comptes du personnel",
        f"Si vous participez à un atelier{NBSP}:",
        "que si au moins 17 l’ont choisie et au moins 17 ne l’ont pas choisie",
    ],
}
START = {
    "en": [
        "at least 13 organizations",
        "hide any count under 17",
        "at least 7 participants have completed",
        "your individual results only if you agree",
        "IRCC sees only these protected group figures, never your answers",
    ],
    "fr": [
        "au moins 13 organisations",
        "tout nombre inférieur à 17",
        "au moins 7 participants ont terminé",
        "vos résultats individuels seulement si vous y consentez",
        "IRCC ne voit que ces chiffres de groupe protégés, jamais vos réponses",
    ],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_notice_shows_the_configured_group_sizes_and_who_sees_what(k_app: Flask, lang: str) -> None:
    page = text_of(k_app.test_client(), f"/{lang}/privacy")
    missing = [phrase for phrase in NOTICE[lang] if phrase not in page]
    assert not missing, missing
    assert "at least 10 organizations" not in page and "au moins 10 organisations" not in page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_start_page_shows_the_configured_group_sizes(k_app: Flask, lang: str) -> None:
    page = text_of(k_app.test_client(), f"/{lang}/assessment/")
    missing = [phrase for phrase in START[lang] if phrase not in page]
    assert not missing, missing
    assert "at least 10 organizations" not in page and "au moins 10 organisations" not in page


def test_the_defaults_are_shown_by_default(client: FlaskClient) -> None:
    page = text_of(client, "/en/privacy")
    assert "at least 10 organizations" in page and "fewer than 10 organizations" in page
    assert "at least 5 participants have completed" in page


def test_the_notice_keeps_its_headings_in_order(client: FlaskClient) -> None:
    for lang in ("en", "fr"):
        body = client.get(f"/{lang}/privacy").get_data(as_text=True)
        main = body[body.index("<main") :]
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
        assert levels[0] == 1 and levels.count(1) == 1, levels
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert "<ul>" in main


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "carry deliberate noise and never give an average or an exact rank",
                "once every 90 minutes",
                "at least 11 organizations have submitted or deleted",
            ],
        ),
        (
            "fr",
            [
                "comportent un bruit délibéré et ne donnent jamais de moyenne",
                "toutes les 90 minutes",
                "au moins 11 organisations ont transmis ou supprimé",
            ],
        ),
    ],
)
def test_the_notice_states_the_noise_and_the_release_rules(
    database_url: str, _schema: None, lang: str, expected: list[str]
) -> None:
    app = make_app(database_url, RELEASE_MIN_CHANGES=11, RELEASE_INTERVAL_MINUTES=90)
    try:
        text = text_of(app.test_client(), f"/{lang}/privacy").replace(NBSP, " ")
        for sentence in expected:
            assert sentence in text, sentence
    finally:
        reset(app)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Whoever has one sees that assessment's results, its PDF and your action plan, but cannot change"),
        ("fr", "Quiconque en a un voit les résultats de cette évaluation, son PDF et votre plan d’action"),
    ],
)
def test_the_notice_says_what_a_board_link_shows(k_app: Flask, lang: str, expected: str) -> None:
    assert expected in text_of(k_app.test_client(), f"/{lang}/privacy").replace(NBSP, " ")
