"""What a French- or English-speaking reader sees: the glossary page, error pages in the address's language first,
new questions named as such, the 2017 aggregate as a sentence, plural forms, short labels on the results page."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.glossary import load_glossary
from benchmark.core.typography import NBSP, NNBSP
from tests.factories import BASE_ANSWERS, seed_submission

NEW_QUESTION = {"en": "new question (not asked in 2017)", "fr": "nouvelle question (non posée en 2017)"}
NO_FIGURE = {"en": "no 2017 figure published", "fr": "aucun chiffre de 2017 publié"}


def text_of(body: str) -> str:
    """The page's text on one line, ordinary spaces squeezed (no-break spaces kept)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)))
    return re.sub(r"[ \t\r\n]+", " ", text)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_glossary_page_lists_every_term_in_both_languages(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/{lang}/glossary")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    other = "fr" if lang == "en" else "en"
    for term in load_glossary().terms:
        assert term.term.get(lang) in page and term.definition.get(lang) in page
        assert f'<span lang="{other}">{term.term.get(other)}</span>' in page
    home = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'href="/{lang}/glossary"' in home  # linked from the footer of every page


@pytest.mark.parametrize(
    ("path", "first", "second"),
    [
        ("/fr/no-such-page", "Page introuvable", "Page not found"),
        ("/en/no-such-page", "Page not found", "Page introuvable"),
        ("/fr/results/" + "x" * 43, "Page introuvable", "Page not found"),
        ("/en/results/" + "x" * 43, "Page not found", "Page introuvable"),
    ],
)
def test_a_bilingual_error_page_speaks_the_address_language_first(
    client: FlaskClient, path: str, first: str, second: str
) -> None:
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert first in page and second in page
    assert page.index(f"<h1>{first}</h1>") < page.index(f"<h2>{second}</h2>")
    lang = path.split("/")[1]
    assert f'<html lang="{lang}"' in page


def test_an_unprefixed_error_page_follows_the_browser(client: FlaskClient) -> None:
    page = client.get("/xx/no-such-page", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert page.index("<h1>Page introuvable</h1>") < page.index("<h2>Page not found</h2>")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_questions_say_so_and_the_2017_aggregate_is_a_sentence(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, {**BASE_ANSWERS, "q5": ["none"]})
    page = text_of(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    flat = page
    items = app.extensions["content"].questionnaire
    new = [item for item in items.iter_items() if item.new_since_2017]
    assert {item.id for item in new} == {"n1", "n2"}
    for item in new:
        label = item.label(lang)
        assert f"{label} — {NEW_QUESTION[lang]}" in flat
        assert f"{label} — {NO_FIGURE[lang]}" not in flat
    if lang == "en":
        assert "In 2017, 86% (n = 249, published figure) of providers rated digital capacity" in flat
        assert "You use digital tools for 0 kinds of external communication." in flat
    else:
        assert f"En 2017, 86{NNBSP}% (n = 249, chiffre publié) des fournisseurs ont jugé les capacités" in flat
        assert "Vous utilisez des outils numériques pour 0 type de communication externe." in flat
        assert f"{NBSP}: la source donne ce chiffre" in flat  # after « Chiffre publié »
    assert "(s)" not in flat and "((" not in flat
    assert "Cochez toutes" not in flat and "Check all that apply" not in flat  # short labels, not whole stems


def test_one_kind_is_singular_in_english_and_two_plural_in_french(app: Flask, client: FlaskClient) -> None:
    one = seed_submission(app, {**BASE_ANSWERS, "q5": ["announce_events"]})
    two = seed_submission(app, {**BASE_ANSWERS, "q5": ["announce_events", "public_awareness"]})
    english = text_of(client.get(f"/en/results/{one}").get_data(as_text=True))
    french = text_of(client.get(f"/fr/results/{two}").get_data(as_text=True))
    assert "for 1 kind of external communication" in english
    assert "pour 2 types de communication externe" in french


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_source_of_each_published_figure_is_named(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    page = text_of(client.get(f"/{lang}/results/{token}").get_data(as_text=True))
    baseline = app.extensions["content"].baseline
    sources = {figure.source for figure in baseline.all_figures()}
    assert any(source.startswith("http") for source in sources) and "sources/report-2017.fr.txt" in sources
    heading, deck = (
        ("Source of each 2017 figure:", "the 2017 report (Open North for IRCC, French presentation)")
        if lang == "en"
        else (f"Source de chaque chiffre de 2017{NBSP}:", "le rapport de 2017 (Nord Ouvert pour IRCC, présentation")
    )
    assert heading in page and deck in page and "km4s.ca" in page
    for item_id in {figure.item_id for figure in baseline.all_figures()}:
        assert app.extensions["content"].questionnaire.items[item_id].label(lang) in page.split(heading, 1)[1]
