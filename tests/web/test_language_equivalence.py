"""Language quality: every page under /<lang_code>/ exists in English and in French, as equals.

For every GET route of the URL map under ``/<lang_code>/`` (public pages, the pages of a token
holder, of a facilitator, an analyst and an administrator), the English and the French version
are fetched. Each HTML page must answer 200, carry the right ``<html lang>``, a non-empty
``<title>`` translated from the other language's, and one language toggle pointing exactly at
the equivalent page (same path with en↔fr swapped, same query string). Percentages follow each
language's convention: ``40.7%`` in English (The Canadian Style) and ``40,7 %`` with a narrow no-break space in
French (never a decimal point, never a breakable space before ``%``). Downloads (CSV, JSON,
PDF, SVG) answer in both languages too, with translated CSV headers.

A new route cannot escape: a test checks that every language route has a case below.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.sweep import CASES, LANGS, World, build_world, page_text

OTHER = {"en": "fr", "fr": "en"}
TOGGLE_TEXT = {"en": "Français", "fr": "English"}
SITE_NAME = {"en": "Settlement Digital Capacity Benchmark", "fr": "Repère des capacités numériques en établissement"}
NNBSP = "\u202f"

#: Titles that are the same word in both languages (checked: the French catalogue says so).
SAME_WORD_TITLES = {"admin.index"}  # "Administration"

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HTML_LANG = re.compile(r"<html[^>]*\blang=\"([^\"]*)\"")
TOGGLE = re.compile(r"<a\b[^>]*\bclass=\"lang-toggle\"[^>]*>.*?</a>", re.S)
ATTRIBUTE = re.compile(r"\b(href|hreflang|lang)=\"([^\"]*)\"")
# A number followed by a percent sign, with whatever sits between them.
PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)([ \u00a0\u202f]?)%")


@pytest.fixture(scope="module")
def world(database_url: str, _schema: None) -> Iterator[World]:
    """Staff of every role, a workshop above k, submissions, a draft, a set-password link, an imported baseline."""
    yield from build_world(database_url)


# --------------------------------------------------------------------------- helpers


def page_title(body: str, lang: str) -> str:
    """The page's own part of <title> (the site name after the last dash removed)."""
    match = TITLE.search(body)
    assert match, "no <title>"
    title = " ".join(html.unescape(match.group(1)).split())
    assert title, "empty <title>"
    suffix = f" – {SITE_NAME[lang]}"
    return title.removesuffix(suffix)


def toggles(body: str) -> list[dict[str, str]]:
    """Every language toggle link: its attributes and its text."""
    found = []
    for anchor in TOGGLE.findall(body):
        attributes = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(anchor)}
        attributes["text"] = page_text(anchor).strip()
        found.append(attributes)
    return found


def equivalent(url: str, lang: str) -> str:
    """The same URL in the other language."""
    prefix = f"/{lang}/"
    assert url.startswith(prefix), url
    return f"/{OTHER[lang]}/" + url.removeprefix(prefix)


def percent_problems(english: str, french: str, figures: bool) -> list[str]:
    """English percentages written the English way, French ones the French way, and the same numbers."""
    problems = []
    en = PERCENT.findall(page_text(english))
    fr_text = page_text(french)
    fr = PERCENT.findall(fr_text)
    for number, space in en:
        if "," in number:
            problems.append(f"English page: decimal comma in {number}{space}%")
    for number, space in fr:
        if "." in number:
            problems.append(f"French page: decimal point in {number}{space}%")
        if space == " ":
            problems.append(f"French page: breakable space in {number}{space}%")
    decimals = [number for number, _space in en if "." in number]
    if figures:
        assert decimals, "this page should show decimal percentages; the check would be vacuous"
    for number in decimals:
        expected = number.replace(".", ",") + NNBSP + "%"
        if expected not in fr_text:
            problems.append(f"French page lacks {expected!r} (English page: {number} %)")
    return problems


# --------------------------------------------------------------------------- tests


def test_every_language_route_has_a_case(world: World) -> None:
    routes = {
        rule.endpoint
        for rule in world.app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/<lang_code>/")
    }
    assert routes - set(CASES) == set(), "add the new route to CASES"
    assert set(CASES) - routes == set()


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_english_and_french_versions_are_equivalent(world: World, endpoint: str) -> None:
    case = CASES[endpoint]
    client = world.clients[case.role]
    answers: dict[str, Any] = {}
    for lang in LANGS:
        url = world.url(endpoint, lang)
        with client.get(url) as response:
            answers[lang] = (url, response.status_code, response.mimetype, response.headers, response.get_data())

    (en_url, en_status, en_type, en_headers, en_body), (fr_url, fr_status, fr_type, fr_headers, fr_body) = (
        answers["en"],
        answers["fr"],
    )
    if endpoint == "assessment.resume":  # a redirect to where the respondent left off, in the same language
        assert en_status == fr_status == 302
        en_location, fr_location = en_headers["Location"], fr_headers["Location"]
        assert en_location.startswith("/en/assessment/") and fr_location == equivalent(en_location, "en")
        return
    assert (en_status, fr_status) == (200, 200), (en_url, en_status, fr_url, fr_status)
    assert en_type == fr_type
    for headers in (en_headers, fr_headers):  # e.g. "text/csv; charset=utf-8", never two charsets
        assert headers["Content-Type"].count("charset=") <= 1, headers["Content-Type"]

    if en_type == "text/html":
        english, french = en_body.decode("utf-8"), fr_body.decode("utf-8")
        problems = percent_problems(english, french, case.figures)
        if endpoint == "workshops.live_fragment":  # a piece of the live view, fetched by its script
            assert "<html" not in english and english != french
            assert not problems, problems
            return
        titles = {}
        for lang, url, body in (("en", en_url, english), ("fr", fr_url, french)):
            declared = HTML_LANG.search(body)
            assert declared and declared.group(1) == lang, (url, declared and declared.group(1))
            titles[lang] = page_title(body, lang)
            links = toggles(body)
            assert len(links) == 1, (url, links)
            other = OTHER[lang]
            assert links[0] == {
                "href": equivalent(url, lang),
                "lang": other,
                "hreflang": other,
                "text": TOGGLE_TEXT[lang],
            }
        assert SITE_NAME["en"] not in french
        if endpoint not in SAME_WORD_TITLES:
            assert titles["en"] != titles["fr"], f"untranslated title: {titles['en']!r}"
        assert not problems, problems
    elif en_type == "text/csv":
        en_header = next(csv.reader(io.StringIO(en_body.decode("utf-8-sig"))))
        fr_header = next(csv.reader(io.StringIO(fr_body.decode("utf-8-sig"))))
        assert len(en_header) == len(fr_header) > 1 and all(en_header)
        assert en_header != fr_header, f"untranslated CSV header: {en_header}"
    elif en_type == "application/json":
        english_json, french_json = json.loads(en_body), json.loads(fr_body)
        assert english_json != french_json
        language_keys = [key for key in ("language", "lang") if key in english_json]
        for key in language_keys:
            assert (english_json[key], french_json[key]) == ("en", "fr")
    elif en_type == "application/pdf":
        assert en_body.startswith(b"%PDF-") and fr_body.startswith(b"%PDF-")
    elif en_type == "text/calendar":
        assert en_body.startswith(b"BEGIN:VCALENDAR") and fr_body.startswith(b"BEGIN:VCALENDAR")
        assert b"SUMMARY:90-day check" in en_body and b"SUMMARY:Bilan de 90 jours" in fr_body
    elif en_type.endswith("wordprocessingml.document"):  # bilingual whatever the page's language
        assert en_body.startswith(b"PK") and fr_body.startswith(b"PK")
    else:
        assert en_type == "image/svg+xml" and en_body.startswith(b"<?xml") and fr_body.startswith(b"<?xml")


def test_toggle_keeps_a_query_string_with_several_values_and_special_characters(world: World) -> None:
    """The query is re-encoded, not pasted: a value cannot break out of the href."""
    client = world.clients["analyst"]
    query = urlencode([("by", "size"), ("component", "AP"), ("baseline", 'x"><script>&y=1')])
    body = client.get(f"/en/sector/?{query}").get_data(as_text=True)
    (link,) = toggles(body)
    assert link["href"] == f"/fr/sector/?{query}"
    assert "<script>&y" not in body
