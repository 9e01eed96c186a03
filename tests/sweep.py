"""The pages of the language sweep: every GET route under /<lang_code>/, with a world to fetch them in.

Shared by tests/web/test_language_equivalence.py (English and French versions are equals) and
tests/web/test_language_quality.py (the language checker over every page and PDF in both languages).
A new route must get a case here: the equivalence test fails on a route without one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.staff.accounts.services import create_user, find_user, issue_reset
from benchmark.store import assessments, shares, teams
from benchmark.store.models import ImportedBaseline
from benchmark.store.scores import profile_of, stored_scores
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
IMPORTED = "survey@1"


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
    "pages.glossary_page": Case("anonymous"),
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
    "team.join": Case("anonymous", {"team_token": "<team>"}),
    "team.page": Case("anonymous", {"token": "<submitted>"}),  # with a colleague: the combined profile
    "sector.dashboard": Case("analyst", query={"component": "IN", "by": "size"}, figures=True),
    "sector.data_dictionary": Case("analyst", figures=True),
    "sector.report": Case("analyst", figures=True),
    "sector.report_pdf": Case("analyst"),
    "sector.report_compare": Case("analyst"),
    "sector.export_csv": Case("analyst", query={"table": "uptake_size", "by": "size"}),
    "sector.export_json": Case("analyst", query={"by": "funding"}),
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
    "workshops.consent": Case("anonymous", {"token": "<participant>", "workshop_id": "<workshop>"}),
    "workshops.you_and_the_room": Case(
        "anonymous", {"token": "<participant>", "workshop_id": "<workshop>"}, figures=False
    ),
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


def build_world(database_url: str) -> Iterator[World]:
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
        team_token = teams.make_link(assessments.find_by_token(submitted))  # type: ignore[arg-type]
        colleague, _token = teams.join(teams.find_by_link(team_token), app.extensions["content"].questionnaire, "fr")  # type: ignore[arg-type]
        colleague_answers = {**BASE_ANSWERS, "q7": "no"}
        assessments.save_answers(colleague, colleague_answers, "organisation")
        assessments.submit(colleague, stored_scores(profile_of(colleague_answers)))
    values = {
        "step": str(step_id),
        "reset": reset_token,
        "draft": draft,
        "submitted": submitted,
        "participant": participant,
        "workshop": str(workshop_id),
        "code": code,
        "share": share_token,
        "team": team_token,
    }
    yield World(app, clients, values)
    reset(app)


def page_text(body: str) -> str:
    """The visible text of a page: scripts (chart data) and tags removed, entities decoded."""
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


#: Elements whose content is not prose to check: code, scripts, styles, and what a user typed.
SKIPPED = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea", "svg", "template"})
#: Elements that end a line of text (anything else, such as <a>, <strong> or <abbr>, sits inside a line).
BLOCK = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "hr",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "main",
        "aside",
        "form",
        "fieldset",
        "legend",
        "label",
        "button",
        "option",
        "select",
        "summary",
        "details",
        "figure",
        "figcaption",
        "blockquote",
        "title",
        "input",
    ]
)
VOID = frozenset(["br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "track"])
#: Attributes read aloud or shown as text.
TEXT_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


class _Reader(HTMLParser):
    """Visible text per language: an element with its own ``lang`` (a bilingual page) puts its text under it."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = []  # (tag, lang, skipped)
        self.lang, self.skipped = lang, False
        self.texts: dict[str, list[str]] = {"en": [], "fr": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        lang = values.get("lang", "")[:2] or self.lang
        lang = lang if lang in self.texts else self.lang
        if tag in BLOCK:
            self.texts[self.lang].append("\n")
        if not self.skipped:
            self.texts[lang].extend(f"\n{values[name]}\n" for name in TEXT_ATTRIBUTES if values.get(name))
        if tag not in VOID:
            self.stack.append((tag, self.lang, self.skipped))
            self.lang, self.skipped = lang, self.skipped or tag in SKIPPED

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                _tag, self.lang, self.skipped = self.stack[index]
                del self.stack[index:]
                break
        if tag in BLOCK:
            self.texts[self.lang].append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self.texts[self.lang].append(data)


def visible_texts(body: str, lang: str) -> dict[str, str]:
    """The text a reader sees or hears, per language (no scripts, styles, code or typed values), lines kept apart."""
    reader = _Reader(lang)
    reader.feed(body)
    reader.close()
    return {
        language: "\n".join(line.strip() for line in "".join(parts).splitlines() if line.strip())
        for language, parts in reader.texts.items()
    }
