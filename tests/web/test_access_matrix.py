"""Role × route matrix generated from the URL map: a new route cannot escape it; 0 unexpected allows."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.organisations.plan import services as plan
from benchmark.staff.accounts.services import create_user
from benchmark.store import api_tokens as tokens
from benchmark.store import assessments, shares, teams
from benchmark.store.content import content
from benchmark.store.models import ImportedBaseline
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import BASE_ANSWERS, PASSWORD, create_workshop, make_app, reset, seed_participant, seed_submission

ROLES = (
    "anonymous",
    # Holds only the respondent's team link; before "respondent", whose own POST replaces the link.
    "team_link_holder",
    "colleague",  # a colleague who joined the respondent's team (their own private link)
    "respondent",
    "other_respondent",
    "participant",
    "facilitator_a",
    "facilitator_b",
    "analyst",
    "admin",
    "board",  # holds only a board link (a share token) of the respondent's assessment
)
STAFF = {"facilitator_a", "facilitator_b", "analyst", "admin"}

#: Who may use each endpoint. Every endpoint of the app must be listed (a test checks).
POLICY: dict[str, str] = {
    "root": "public",
    "static": "public",
    "healthz": "public",  # a proxy's health check: no personal data (benchmark/web/health.py)
    "pages.home": "public",
    "pages.privacy": "public",
    "pages.methodology": "public",
    "pages.glossary_page": "public",
    "pages.accessibility": "public",
    "api_docs.page": "public",
    "pages.paper_form": "public",
    "assessment.start": "public",
    "assessment.resume_from_link": "public_form",
    "workshops.join": "public",
    "join.choose_language": "public",
    "accounts.sign_in": "public",
    "accounts.reset": "reset_token",
    "api.index": "public",
    "api.openapi": "public",
    "api.questionnaire": "public",
    "api.baselines": "public",
    "api.baseline": "public",
    "api.aggregates": "public",
    "api.uptake": "api_token",
    "assessment.resume": "token",
    "assessment.private_link": "token",
    "assessment.page": "token",
    "assessment.review": "token",
    "assessment.done": "token",
    "results.profile": "token",
    "results.data": "token",
    "results.report_pdf": "token",
    "results.report_bilingual_pdf": "token",
    "results.take_again": "token",
    "workshops.consent": "participant_token",
    "workshops.you_and_the_room": "participant_token",
    "assessment.deleted": "public",
    "results.my_data_json": "token",
    "results.my_data_csv": "token",
    "results.delete": "token",
    "plan.view": "token",
    "plan.new_step": "token",
    "plan.statement_pdf": "token",
    "plan.statement_docx": "token",
    # A step or cost line opens only through a link of its own organisation; the .ics needs a plan.
    "plan.edit_step": "plan_owner",
    "plan.delete_step": "plan_owner",
    "plan.delete_funding": "plan_owner",
    "plan.check_ics": "plan_owner",
    "assessment.delete": "token",
    # Board links: made and revoked through the private link; opened with the share token only.
    "results.create_share": "token",
    "results.revoke_share": "share_owner",
    "share.profile": "share_token",
    "share.report_pdf": "share_token",
    "share.report_bilingual_pdf": "share_token",
    "share.plan": "share_token",
    # Teams: the link opens only the join page; the team page with any private link; the link is
    # managed by the team organisation's links, leaving by a colleague's.
    "team.join": "team_link",
    "team.page": "token",
    "team.make_link": "team_owner",
    "team.revoke": "team_owner",
    "team.leave": "team_colleague",
    "workshops.index": "facilitator",
    "workshops.create": "facilitator",
    "workshops.live": "workshop_owner",
    "workshops.live_fragment": "workshop_owner",
    "workshops.projector": "workshop_owner",
    "workshops.handout": "workshop_owner",
    "workshops.qr": "workshop_owner",
    "workshops.cohort_csv": "workshop_owner",
    "workshops.individual_csv": "workshop_owner",
    "workshops.summary_pdf": "workshop_owner",
    "workshops.change_status": "workshop_owner",
    "sector.dashboard": "analyst",
    "sector.export_csv": "analyst",
    "sector.export_json": "analyst",
    "sector.data_dictionary": "analyst",
    "sector.report": "analyst",
    "sector.report_pdf": "analyst",
    "sector.report_compare": "analyst",
    "admin.index": "admin",
    "admin.revoke_token": "admin",
    "admin.toggle_baseline": "admin",
    "accounts.users": "admin",
    "accounts.deactivate": "admin",
    "accounts.new_link": "admin",
    "accounts.home": "staff",
    "accounts.change_password": "staff",
    "accounts.sign_out": "sign_out",
}
#: Endpoints that change the signed-in state; tried last for each role.
LAST = (
    "accounts.sign_out",
    "results.delete",
    "assessment.delete",
    "plan.delete_step",
    "plan.delete_funding",
    "results.revoke_share",
    "team.leave",
)
#: Token-based endpoints whose extra path arguments are not the token.
PAGE_ID = "importance"


def allowed(category: str, role: str) -> bool | None:
    """Whether a role may use a category of endpoint (None: not decided by role, checked elsewhere)."""
    return {
        "public": True,
        "token": role in {"respondent", "other_respondent", "participant", "colleague"},
        "team_link": role == "team_link_holder",
        "team_owner": role in {"respondent", "other_respondent", "participant"},
        "team_colleague": role == "colleague",
        "participant_token": role == "participant",
        "plan_owner": role == "respondent",
        "share_owner": role == "respondent",
        "share_token": role == "board",
        "facilitator": role in {"facilitator_a", "facilitator_b", "admin"},
        "workshop_owner": role in {"facilitator_a", "admin"},
        "analyst": role in {"analyst", "admin"},
        "admin": role == "admin",
        "staff": role in STAFF,
        "api_token": False,  # cookies never open it: a bearer token does (tested below)
        # Decided by what is sent, not by who sends it (tested in their own modules): a pasted
        # link that opens nothing is a 404; signing out ends on the sign-in page; reset links.
        "reset_token": None,
        "public_form": None,
        "sign_out": None,
    }[category]


def test_every_route_has_a_policy(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(POLICY) == set(), "add the new route to POLICY"
    assert set(POLICY) - endpoints == set()


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Two facilitators with a workshop each, an analyst, an admin, respondents and a participant."""
    clients: dict[str, FlaskClient] = {role: app.test_client() for role in ROLES}
    for role in STAFF:
        with app.app_context():
            create_user(f"{role}@example.org", role.split("_")[0], PASSWORD)
        response = clients[role].post(
            "/en/account/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD}
        )
        assert response.status_code in {302, 303}
    workshop_a, code_a = create_workshop(clients["facilitator_a"], title="A")
    create_workshop(clients["facilitator_b"], title="B")
    tokens_by_role = {
        "respondent": seed_submission(app, BASE_ANSWERS),
        "other_respondent": seed_submission(app, BASE_ANSWERS),
        "participant": seed_participant(app, workshop_a, BASE_ANSWERS),
    }
    with app.app_context():
        create_user("victim@example.org", "facilitator", PASSWORD)
        victim_id = db.session.scalar(db.text("SELECT id FROM user_account WHERE email = 'victim@example.org'"))
        api_token, plain = tokens.create_token("matrix")
        baseline = ImportedBaseline(name="m", version=1, kind="per_option_shares", source="test", figures={})
        db.session.add(baseline)
        db.session.commit()
        organisation_id = assessments.find_by_token(tokens_by_role["respondent"]).organisation_id  # type: ignore[union-attr]
        fields = plan.StepFields("", "Buy laptops", "", "", "ED", date.today(), "todo", "")
        step = plan.add_step(organisation_id, fields)
        plan.add_funding_line(organisation_id, content().rubric.dimension_ids()[0], "hardware", 1200, "")
        line_id = db.session.scalar(db.text("SELECT max(id) FROM funding_line"))
        respondent = assessments.find_by_token(tokens_by_role["respondent"])
        _shown, share_token = shares.create_share(respondent, tokens_by_role["respondent"], "Board")  # type: ignore[arg-type]
        to_revoke, _plain = shares.create_share(respondent, tokens_by_role["respondent"], "Old board")  # type: ignore[arg-type]
        # The board sends its share token wherever a private link is expected: every private route refuses it.
        tokens_by_role["board"] = share_token
        # So does the holder of the team link; a colleague joined through it and submitted.
        team_link = teams.make_link(respondent)  # type: ignore[arg-type]
        tokens_by_role["team_link_holder"] = team_link
        colleague, colleague_token = teams.join(teams.find_by_link(team_link), content().questionnaire, "en")  # type: ignore[arg-type]
        assessments.save_answers(colleague, BASE_ANSWERS, "organisation")
        assessments.submit(colleague, stored_scores(profile_of(BASE_ANSWERS)))
        tokens_by_role["colleague"] = colleague_token
        ids = {
            "token_id": api_token.id,
            "baseline_id": baseline.id,
            "user_id": victim_id,
            "step_id": step.id,
            "line_id": line_id,
            "share_id": to_revoke.id,
        }
    return {
        "clients": clients,
        "tokens": tokens_by_role,
        "workshop_id": workshop_a,
        "ids": ids,
        "api_token": plain,
        "code": code_a,
        "share_token": share_token,
    }


def url_for_rule(rule: Any, role: str, world: dict[str, Any]) -> str:
    """Fill a rule's arguments for one role (a role without a token guesses a well-formed one)."""
    values: dict[str, Any] = {"lang_code": "en"}
    for argument in rule.arguments:
        if argument == "token":
            values["token"] = world["tokens"].get(role) or secrets.token_urlsafe(32)
        elif argument == "share_token":
            values["share_token"] = (
                world["share_token"] if role == "board" else world["tokens"].get(role) or secrets.token_urlsafe(32)
            )
        elif argument == "team_token":
            values["team_token"] = world["tokens"].get(role) or secrets.token_urlsafe(32)
        elif argument == "workshop_id":
            values["workshop_id"] = world["workshop_id"]
        elif argument == "page_id":
            values["page_id"] = PAGE_ID
        elif argument == "code":
            values["code"] = world["code"]
        elif argument == "filename":
            values["filename"] = "favicon.svg"
        elif argument == "name":
            values["name"] = "published-2017"
        elif argument in world["ids"]:
            values[argument] = world["ids"][argument]
    return rule.build(values, append_unknown=False)[1]


def test_role_route_matrix_has_no_unexpected_allow(app: Flask, world: dict[str, Any]) -> None:
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in LAST, r.endpoint))
    unexpected_allows: list[str] = []
    wrongly_refused: list[str] = []
    tried = 0
    for role in ROLES:
        client = world["clients"][role]
        for rule in rules:
            expected = allowed(POLICY[rule.endpoint], role)
            url = url_for_rule(rule, role, world)
            method = "GET" if "GET" in rule.methods else "POST"
            with client.open(url, method=method, data={}) as response:  # closes static files too
                status = response.status_code
                location = response.headers.get("Location", "")
            tried += 1
            assert status < 500, (role, method, url, status)
            refused = status in {401, 403, 404} or (status in {302, 303} and "/account/sign-in" in location)
            if expected is False and not refused:
                unexpected_allows.append(f"{role} {method} {url} -> {status}")
            if expected is True and refused:
                wrongly_refused.append(f"{role} {method} {url} -> {status}")
    assert unexpected_allows == []
    assert wrongly_refused == [], "\n".join(wrongly_refused)
    assert tried == len(ROLES) * len(rules)


def test_api_token_route_opens_only_with_a_bearer_token(app: Flask, world: dict[str, Any]) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/uptake").status_code == 401
    assert world["clients"]["admin"].get("/api/v1/uptake").status_code == 401  # a signed-in cookie is not a token
    assert anonymous.get("/api/v1/uptake", headers={"Authorization": f"Bearer {world['api_token']}"}).status_code == 200


def test_another_respondent_never_sees_someone_elses_answers(app: Flask, world: dict[str, Any]) -> None:
    mine = world["tokens"]["respondent"]
    theirs = world["tokens"]["other_respondent"]
    other = world["clients"]["other_respondent"]
    assert other.get(f"/en/results/{theirs}").status_code == 200
    assert mine not in other.get(f"/en/results/{theirs}").get_data(as_text=True)
    for guess in (mine[:-1] + ("A" if mine[-1] != "A" else "B"), mine.upper(), mine + "x"):
        assert other.get(f"/en/results/{guess}").status_code == 404


# ----------------------------------------------------------------------------- headers (ZAP passive rules)


def check_headers(url: str, response: Any) -> list[str]:
    """The passive rules of OWASP ZAP's baseline scan that apply here, as assertions on one response."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        if directive not in csp:
            problems.append(f"{url}: CSP lacks {directive}")  # 10038, 10020
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{url}: CSP allows unsafe code")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: X-Content-Type-Options")  # 10021
    if not headers.get("Referrer-Policy"):
        problems.append(f"{url}: Referrer-Policy")
    if not headers.get("Permissions-Policy"):
        problems.append(f"{url}: Permissions-Policy")  # 10063
    if "X-Powered-By" in headers or any(ch.isdigit() for ch in headers.get("Server", "")):
        problems.append(f"{url}: server version disclosed")  # 10036, 10037
    content_type = headers.get("Content-Type", "")
    if (
        content_type.startswith(("text/", "application/json"))
        and "charset" not in content_type
        and "json" not in content_type
    ):
        problems.append(f"{url}: Content-Type without charset")
    if not url.startswith(("/static/", "/api/")) and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"{url}: personal pages must not be stored")  # 10015, 10049
    for cookie in headers.getlist("Set-Cookie"):
        lowered = cookie.lower()
        if "httponly" not in lowered:
            problems.append(f"{url}: cookie without HttpOnly")  # 10010
        if "samesite" not in lowered:
            problems.append(f"{url}: cookie without SameSite")  # 10054
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        if "Traceback" in html or "sqlalchemy" in html.lower():
            problems.append(f"{url}: error disclosure")  # 90022
        if "<script>" in html or " style=" in html or "onclick=" in html:
            problems.append(f"{url}: inline script or style")
    return problems


def test_security_headers_on_every_get_route(app: Flask, world: dict[str, Any]) -> None:
    problems: list[str] = []
    checked = 0
    for role in ("anonymous", "respondent", "facilitator_a", "analyst", "admin", "board"):
        client = world["clients"][role]
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in LAST:
                continue
            url = url_for_rule(rule, role, world)
            with client.get(url) as response:
                problems += check_headers(url, response)
            checked += 1
    assert problems == [], "\n".join(problems[:20])
    assert checked > 150


def test_https_gets_hsts_and_secure_cookies(database_url: str, _schema: None) -> None:

    app = make_app(database_url, SESSION_COOKIE_SECURE=True)
    try:
        client = app.test_client()
        response = client.get("/en/assessment/", base_url="https://benchmark.example")
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        assert all("secure" in c.lower() for c in response.headers.getlist("Set-Cookie"))
        assert "Strict-Transport-Security" not in client.get("/en/assessment/").headers  # plain HTTP: no HSTS
    finally:
        reset(app)


def test_every_post_form_carries_a_csrf_token(csrf_app: Flask) -> None:
    with csrf_app.app_context():
        create_user("admin@example.org", "admin", PASSWORD)
    client = csrf_app.test_client()
    import re

    html = client.get("/en/account/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/en/account/sign-in", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})
    pages = [
        "/en/",
        "/en/assessment/",
        "/en/workshops/join",
        "/en/account/",
        "/en/admin/",
        "/en/account/users",
        "/en/workshops/",
        "/en/workshops/new",
        "/en/account/password",
    ]
    forms_seen = 0
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S):
            forms_seen += 1
            assert 'name="csrf_token"' in form, (url, form[:200])  # ZAP 10202
    assert forms_seen >= 8
