"""Language quality: every page under /<lang_code>/ exists in English and in French, as equals.

For every GET route of the URL map under ``/<lang_code>/`` (public pages, the pages of a token
holder, of a facilitator, an analyst and an administrator), the English and the French version
are fetched. Each HTML page must answer 200, carry the right ``<html lang>``, a non-empty
``<title>`` translated from the other language's, and one language toggle pointing exactly at
the equivalent page (same path with en↔fr swapped, same query string). Percentages follow each
language's convention: ``40.7 %`` in English and ``40,7 %`` with a narrow no-break space in
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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.staff.accounts.services import create_user, find_user, issue_reset
from benchmark.store import assessments, shares
from benchmark.store.models import ImportedBaseline
from tests.factories import (
    BASE_ANSWERS,
    PASSWORD,
    create_workshop,
    make_app,
    reset,
    seed_participant,
    seed_submission,
    start_assessment,
)

LANGS = ("en", "fr")
OTHER = {"en": "fr", "fr": "en"}
TOGGLE_TEXT = {"en": "Français", "fr": "English"}
SITE_NAME = {"en": "Settlement Digital Capacity Benchmark", "fr": "Repère des capacités numériques en établissement"}
NNBSP = "\u202f"
IMPORTED = "survey@1"

#: Titles that are the same word in both languages (checked: the French catalogue says so).
SAME_WORD_TITLES = {"admin.index"}  # "Administration"

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HTML_LANG = re.compile(r"<html[^>]*\blang=\"([^\"]*)\"")
TOGGLE = re.compile(r"<a\b[^>]*\bclass=\"lang-toggle\"[^>]*>.*?</a>", re.S)
ATTRIBUTE = re.compile(r"\b(href|hreflang|lang)=\"([^\"]*)\"")
# A number followed by a percent sign, with whatever sits between them.
PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)([ \u00a0\u202f]?)%")


@dataclass(frozen=True)
class Case:
    """How to fetch one endpoint: who asks, with which path arguments and query string."""

    role: str
    args: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    figures: bool = False  # the page shows decimal percentages (so the format check cannot pass vacuously)


#: Every GET endpoint under /<lang_code>/. Argument values in <angle brackets> come from the world.
CASES: dict[str, Case] = {
    "pages.home": Case("anonymous"),
    "pages.privacy": Case("anonymous"),
    "pages.methodology": Case("anonymous"),
    "pages.accessibility": Case("anonymous"),
    "api_docs.page": Case("anonymous"),
    "pages.paper_form": Case("anonymous"),
    "accounts.sign_in": Case("anonymous", query={"next": "/en/sector/"}),
    "accounts.reset": Case("anonymous", {"token": "<reset>"}),
    "accounts.home": Case("analyst"),
    "accounts.change_password": Case("facilitator"),
    "accounts.users": Case("admin"),
    "admin.index": Case("admin"),
    "assessment.start": Case("anonymous"),
    "assessment.deleted": Case("anonymous"),
    "assessment.resume": Case("anonymous", {"token": "<draft>"}),
    "assessment.private_link": Case("anonymous", {"token": "<draft>"}, {"new": "1"}),
    "assessment.page": Case(
        "anonymous", {"token": "<draft>", "page_id": "internal-tasks"}, {"layout": "tasks", "task": "q2_2"}
    ),
    "assessment.review": Case("anonymous", {"token": "<draft>"}),
    "assessment.delete": Case("anonymous", {"token": "<draft>"}),
    "assessment.done": Case("anonymous", {"token": "<submitted>"}),
    "results.profile": Case("anonymous", {"token": "<participant>"}, {"baseline": IMPORTED}, figures=True),
    "results.data": Case("anonymous", {"token": "<submitted>"}),
    "results.my_data_json": Case("anonymous", {"token": "<submitted>"}),
    "results.my_data_csv": Case("anonymous", {"token": "<submitted>"}),
    "results.report_pdf": Case("anonymous", {"token": "<submitted>"}),
    "results.report_bilingual_pdf": Case("anonymous", {"token": "<submitted>"}),
    "results.delete": Case("anonymous", {"token": "<submitted>"}),
    "plan.view": Case("anonymous", {"token": "<submitted>"}),
    "plan.new_step": Case("anonymous", {"token": "<submitted>"}),
    "plan.edit_step": Case("anonymous", {"token": "<submitted>", "step_id": "<step>"}),
    "plan.check_ics": Case("anonymous", {"token": "<submitted>"}),
    "plan.statement_pdf": Case("anonymous", {"token": "<submitted>"}),
    "plan.statement_docx": Case("anonymous", {"token": "<submitted>"}),
    "share.profile": Case("anonymous", {"share_token": "<share>"}, {"baseline": IMPORTED}, figures=True),
    "share.report_pdf": Case("anonymous", {"share_token": "<share>"}),
    "share.report_bilingual_pdf": Case("anonymous", {"share_token": "<share>"}),
    "share.plan": Case("anonymous", {"share_token": "<share>"}),
    "sector.dashboard": Case("analyst", query={"component": "IN", "by": "size"}, figures=True),
    "sector.data_dictionary": Case("analyst", figures=True),
    "sector.export_csv": Case("analyst", query={"table": "uptake_size", "by": "size"}),
    "sector.export_json": Case("analyst", query={"by": "funding"}),
    "sector.report": Case("analyst", figures=True),
    "sector.report_pdf": Case("analyst"),
    "sector.report_compare": Case("analyst"),
    "workshops.index": Case("facilitator"),
    "workshops.create": Case("facilitator"),
    "workshops.live": Case("facilitator", {"workshop_id": "<workshop>"}, figures=True),
    "workshops.live_fragment": Case("facilitator", {"workshop_id": "<workshop>"}, figures=True),
    "workshops.projector": Case("facilitator", {"workshop_id": "<workshop>"}, figures=True),
    "workshops.handout": Case("facilitator", {"workshop_id": "<workshop>"}),
    "workshops.qr": Case("facilitator", {"workshop_id": "<workshop>"}),
    "workshops.cohort_csv": Case("facilitator", {"workshop_id": "<workshop>"}),
    "workshops.individual_csv": Case("facilitator", {"workshop_id": "<workshop>"}),
    "workshops.summary_pdf": Case("facilitator", {"workshop_id": "<workshop>"}),
    "workshops.join": Case("anonymous", query={"code": "<code>"}),
}


@dataclass
class World:
    app: Flask
    clients: dict[str, FlaskClient]
    values: dict[str, str]

    def url(self, endpoint: str, lang: str) -> str:
        """The path and query string of one case in one language."""
        case = CASES[endpoint]
        rule = next(rule for rule in self.app.url_map.iter_rules() if rule.endpoint == endpoint)
        args = {name: self.fill(value) for name, value in case.args.items()}
        path = rule.build({**args, "lang_code": lang}, append_unknown=False)[1]
        query = urlencode({name: self.fill(value) for name, value in case.query.items()})
        return f"{path}?{query}" if query else path

    def fill(self, value: str) -> str:
        return self.values[value[1:-1]] if value.startswith("<") else value


@pytest.fixture(scope="module")
def world(database_url: str, _schema: None) -> Iterator[World]:
    """Staff of every role, a workshop above k, submissions, a draft, a set-password link, an imported baseline."""
    app = make_app(database_url, WORKSHOP_MIN_GROUP=2, PEER_MIN_GROUP=2, SECTOR_MIN_CELL=2)
    with app.app_context():
        for role in ("facilitator", "analyst", "admin"):
            create_user(f"{role}@example.org", role, PASSWORD)
        newcomer = create_user("newcomer@example.org", "analyst")
        reset_token = issue_reset(newcomer)
        db.session.add(
            ImportedBaseline(
                name="survey",
                version=1,
                kind="per_option_shares",
                source="Test survey 2024",
                figures={"q7": {"n": 120, "options": {"yes": {"pct": 33.3}, "no": {"pct": 66.7}}}},
                published=True,
            )
        )
        db.session.commit()
        assert find_user("newcomer@example.org") is not None
    clients = {"anonymous": app.test_client()}
    for role in ("facilitator", "analyst", "admin"):
        client = app.test_client()
        response = client.post("/en/account/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        clients[role] = client
    workshop_id, code = create_workshop(clients["facilitator"])
    participant = seed_participant(app, workshop_id, BASE_ANSWERS, share=True)
    seed_participant(app, workshop_id, {**BASE_ANSWERS, "q7": "no"}, share=True)
    submitted = seed_submission(app, BASE_ANSWERS)
    seed_submission(app, BASE_ANSWERS)
    draft = start_assessment(clients["anonymous"])
    step = {"custom_text": "Buy laptops", "owner": "ED", "due_on": "2030-01-01", "status": "todo"}
    added = clients["anonymous"].post(f"/en/results/{submitted}/plan/step/new", data=step)
    assert added.status_code == 303, added.status_code
    with app.app_context():
        step_id = db.session.scalar(db.text("SELECT max(id) FROM action_plan_step"))
        _share, share_token = shares.create_share(assessments.find_by_token(submitted), submitted, "Board")  # type: ignore[arg-type]
    values = {
        "step": str(step_id),
        "reset": reset_token,
        "draft": draft,
        "submitted": submitted,
        "participant": participant,
        "workshop": str(workshop_id),
        "code": code,
        "share": share_token,
    }
    yield World(app, clients, values)
    reset(app)


# --------------------------------------------------------------------------- helpers


def page_text(body: str) -> str:
    """The visible text of a page: scripts (chart data) and tags removed, entities decoded."""
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


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
